//! Choosing the variant of a union that carries no tag, by what the data is.
//!
//! The value is read as its JSON text (borrowed from the input when the input lends it, so that
//! nothing is copied) and each variant is decoded from that text in turn. Decoding counts what it
//! lets pass that the document does not describe: a key a struct does not declare, a value an
//! enum does not list, a tag a union does not map. A variant that accounts for everything wins at
//! once; otherwise the variant that decoded with the fewest such things wins, the earlier one on a
//! tie. Only when no variant decodes at all is the value refused, with the failure of the variant
//! that matched the most, located by its path and byte.

use std::cell::Cell;

use serde::Deserializer;
use serde::de::{Deserialize, DeserializeOwned};

use super::raw::{self, Fault, RawJson};

thread_local! {
    /// What decoding on this thread has let pass so far.
    static LENIENCIES: Cell<u64> = const { Cell::new(0) };
}

/// Notes that decoding let something pass that the document does not describe.
pub fn lenient() {
    LENIENCIES.with(|count| count.set(count.get().saturating_add(1)));
}

pub(crate) fn leniencies() -> u64 {
    LENIENCIES.with(Cell::get)
}

pub(crate) fn set_leniencies(value: u64) {
    LENIENCIES.with(|count| count.set(value));
}

/// The variants tried so far on one value, and the best of them.
pub struct Trial<'v, T> {
    text: &'v str,
    /// The count when the trial began, restored before each attempt.
    base: u64,
    /// The variant that decoded with the fewest leniencies, with their number.
    best: Option<(u64, T)>,
    /// Set when no variant decodes and the trial is run again to say why: each variant's failure
    /// is then measured, and the one that matched the most kept, to be located.
    explain: Option<Option<Nearest>>,
}

/// The variant whose failure got deepest into the value, then furthest.
struct Nearest {
    variant: &'static str,
    depth: usize,
    reached: usize,
    error: serde_json::Error,
    locate: fn(&str, Option<&'static str>, serde_json::Error) -> Fault,
}

impl<T> Trial<'_, T> {
    /// Decodes the value as the variant named `variant`, wrapped by `wrap`. Returns `true` when
    /// the variant accounts for everything in the value, so that no later variant need be tried.
    pub fn attempt<V: DeserializeOwned>(
        &mut self,
        variant: &'static str,
        wrap: impl FnOnce(V) -> T,
    ) -> bool {
        if let Some(nearest) = &mut self.explain {
            // Measured with the unions inside left quiet, so that only the variant reported is
            // located, once.
            if let Some((_, depth, error)) = raw::quietly(|| raw::track::<V>(self.text, None)) {
                let reached = raw::reached(self.text, &error);
                if nearest
                    .as_ref()
                    .is_none_or(|near| (depth, reached) > (near.depth, near.reached))
                {
                    *nearest = Some(Nearest {
                        variant,
                        depth,
                        reached,
                        error,
                        locate: raw::locate::<V>,
                    });
                }
            }
            return false;
        }
        set_leniencies(self.base);
        let mut de = serde_json::Deserializer::from_str(self.text);
        let Ok(decoded) = raw::quietly(|| V::deserialize(&mut de)) else {
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
/// variants in the order `attempts` gives. A copy of the text, made only when the input does not
/// lend it, is zeroed afterwards, since it may hold credentials. What the chosen variant let pass
/// counts towards an enclosing trial.
///
/// When no variant decodes, the error is that of the variant that matched the most: the one that
/// failed deepest inside the value (with the unions inside it counted as one step), or furthest
/// into it on a tie, the earlier one on a second tie.
pub fn decode_untagged<'de, D, T>(
    deserializer: D,
    type_name: &str,
    attempts: impl Fn(&mut Trial<'_, T>),
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let text = RawJson::deserialize(deserializer)?;
    raw::deeper(|| untagged(&text, type_name, attempts)).unwrap_or_else(|| {
        Err(serde::de::Error::custom(super::union::fail(raw::too_deep(
            text.get(),
        ))))
    })
}

/// Decodes `text` as the first variant that takes it, with the fewest leniencies.
fn untagged<T, E: serde::de::Error>(
    text: &RawJson<'_>,
    type_name: &str,
    attempts: impl Fn(&mut Trial<'_, T>),
) -> Result<T, E> {
    let base = leniencies();
    let mut trial = Trial {
        text: text.get(),
        base,
        best: None,
        explain: None,
    };
    attempts(&mut trial);
    if let Some((count, decoded)) = trial.best.take() {
        set_leniencies(base.saturating_add(count));
        return Ok(decoded);
    }
    let no_variant = format!("the value matches no variant of `{type_name}`");
    if raw::trying() {
        set_leniencies(base);
        return Err(E::custom(no_variant));
    }
    trial.explain = Some(None);
    attempts(&mut trial);
    set_leniencies(base);
    match trial.explain.take().flatten() {
        Some(nearest) => {
            let mut fault = (nearest.locate)(text.get(), None, nearest.error);
            fault.message = format!("{no_variant}; as `{}`: {}", nearest.variant, fault.message);
            Err(E::custom(super::union::fail(fault)))
        }
        None => Err(E::custom(no_variant)),
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
                let _ =
                    trial.attempt("Number", Either::Number) || trial.attempt("Text", Either::Text);
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
                let _ =
                    trial.attempt("Loose", |Loose| 1) || (exact && trial.attempt("Unit", |()| 2));
            })
        };
        let before = leniencies();
        assert_eq!(decode(true).ok(), Some(2));
        assert_eq!(leniencies(), before);
        assert_eq!(decode(false).ok(), Some(1));
        assert_eq!(leniencies(), before + 1);
    }
}
