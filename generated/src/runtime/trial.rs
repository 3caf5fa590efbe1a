//! Choosing the variant of a union that carries no tag, by what the data is.
//!
//! The value is read once into a `serde_json::Value` and each variant is decoded from it in
//! turn. Decoding counts what it lets pass that the document does not describe: a key a struct
//! does not declare, a value an enum does not list, a tag a union does not map. A variant that
//! accounts for everything wins at once; otherwise the variant that decoded with the fewest such
//! things wins, the earlier one on a tie. Only when no variant decodes at all is the value
//! refused.

use std::cell::Cell;

use serde::Deserializer;
use serde::de::{Deserialize, DeserializeOwned};
use serde_json::Value;

thread_local! {
    /// What decoding on this thread has let pass so far.
    static LENIENCIES: Cell<u64> = const { Cell::new(0) };
}

/// Notes that decoding let something pass that the document does not describe.
pub fn lenient() {
    LENIENCIES.with(|count| count.set(count.get().saturating_add(1)));
}

fn leniencies() -> u64 {
    LENIENCIES.with(Cell::get)
}

fn set_leniencies(value: u64) {
    LENIENCIES.with(|count| count.set(value));
}

/// The variants tried so far on one value, and the best of them.
pub struct Trial<'v, T> {
    value: &'v Value,
    /// The count when the trial began, restored before each attempt.
    base: u64,
    /// The variant that decoded with the fewest leniencies, with their number.
    best: Option<(u64, T)>,
}

impl<T> Trial<'_, T> {
    /// Decodes the value as one variant, wrapped by `wrap`. Returns `true` when the variant
    /// accounts for everything in the value, so that no later variant need be tried.
    pub fn attempt<V: DeserializeOwned>(&mut self, wrap: impl FnOnce(V) -> T) -> bool {
        set_leniencies(self.base);
        let Ok(decoded) = V::deserialize(self.value) else {
            return false;
        };
        let count = leniencies().saturating_sub(self.base);
        if self.best.as_ref().is_none_or(|(best, _)| count < *best) {
            self.best = Some((count, wrap(decoded)));
        }
        count == 0
    }
}

/// Reads a value and decodes it as the variant of `type_name` that fits it best, trying the
/// variants in the order `attempts` gives. The buffered copy is zeroed afterwards, since it may
/// hold credentials. What the chosen variant let pass counts towards an enclosing trial.
pub fn decode_untagged<'de, D, T>(
    deserializer: D,
    type_name: &str,
    attempts: impl FnOnce(&mut Trial<'_, T>),
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let mut value = Value::deserialize(deserializer)?;
    let base = leniencies();
    let mut trial = Trial {
        value: &value,
        base,
        best: None,
    };
    attempts(&mut trial);
    let best = trial.best.take();
    crate::runtime::union::zeroize_value(&mut value);
    match best {
        Some((count, decoded)) => {
            set_leniencies(base.saturating_add(count));
            Ok(decoded)
        }
        None => {
            set_leniencies(base);
            Err(serde::de::Error::custom(format_args!(
                "the value matches no variant of `{type_name}`"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Either {
        Number(i64),
        Text(String),
    }

    #[test]
    fn the_first_variant_that_decodes_without_leniency_wins() {
        let decode = |text: &str| {
            let mut de = serde_json::Deserializer::from_str(text);
            decode_untagged(&mut de, "Either", |trial| {
                let _ = trial.attempt(Either::Number) || trial.attempt(Either::Text);
            })
        };
        assert_eq!(decode("7").ok(), Some(Either::Number(7)));
        assert_eq!(decode("\"a\"").ok(), Some(Either::Text("a".to_owned())));
        assert!(decode("true").is_err());
    }

    /// Decodes from anything, noting one leniency.
    struct Loose;

    impl<'de> Deserialize<'de> for Loose {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            serde::de::IgnoredAny::deserialize(deserializer)?;
            lenient();
            Ok(Loose)
        }
    }

    #[test]
    fn fewer_leniencies_win_and_count_in_the_enclosing_trial() {
        let decode = |exact: bool| {
            let mut de = serde_json::Deserializer::from_str("null");
            decode_untagged(&mut de, "Pick", |trial| {
                let _ = trial.attempt(|Loose| 1) || (exact && trial.attempt(|()| 2));
            })
        };
        let before = leniencies();
        assert_eq!(decode(true).ok(), Some(2));
        assert_eq!(leniencies(), before);
        assert_eq!(decode(false).ok(), Some(1));
        assert_eq!(leniencies(), before + 1);
    }
}
