//! The line of the node a JSON pointer names, for diagnostics: the document is read again down to
//! that node only, and the read stops there with an error that the parser marks with the node's
//! place. (Neither parser gives places to the values it builds, only to its errors.)

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::survey::segments;
use super::yaml;

/// The message of the error that marks the node sought.
const FOUND: &str = "\u{0}found";

/// The line (1-based) of the node `pointer` names in `text`: of its key when it is a member of a
/// mapping, of the value itself otherwise. `None` when the pointer names nothing in the text.
pub(super) fn line_of(text: &str, is_json: bool, pointer: &str) -> Option<usize> {
    let segments: Vec<String> = segments(pointer).collect();
    let seek = Seek {
        segments: &segments,
    };
    if is_json {
        let mut de = serde_json::Deserializer::from_str(text);
        match seek.deserialize(&mut de) {
            Err(e) if e.to_string().starts_with(FOUND) => Some(e.line()),
            _ => None,
        }
    } else {
        match seek.deserialize(yaml::Deserializer::from_str(text)) {
            Err(e) if e.to_string().contains(FOUND) => e.location().map(|l| l.line()),
            _ => None,
        }
    }
}

/// Reads down the path `segments` and fails at the node they name.
struct Seek<'p> {
    segments: &'p [String],
}

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Seek<'_> {
    /// Fails: at the node sought when the path is done, as not found otherwise.
    fn end<E: de::Error>(&self) -> Result<(), E> {
        match self.segments {
            [] => Err(E::custom(FOUND)),
            _ => Err(E::custom("not found")),
        }
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.end()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.end()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.end()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.end()
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.end()
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.end()
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.end()
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.segments.split_first() else {
            return self.end();
        };
        let Ok(index) = first.parse::<usize>() else {
            return self.end();
        };
        for _ in 0..index {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return self.end();
            }
        }
        match seq.next_element_seed(Seek { segments: rest })? {
            Some(()) => Err(de::Error::custom("not found")),
            None => self.end(),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.segments.split_first() else {
            return self.end();
        };
        // The key is the place of the last segment; the value's path goes on below it.
        let key = Key {
            wanted: first,
            found_here: rest.is_empty(),
        };
        while let Some(matched) = map.next_key_seed(key.clone())? {
            if matched {
                return map.next_value_seed(Seek { segments: rest });
            }
            map.next_value::<IgnoredAny>()?;
        }
        self.end()
    }
}

/// Reads one key: whether it is the one wanted, failing at it when it is the node sought.
#[derive(Clone)]
struct Key<'p> {
    wanted: &'p str,
    found_here: bool,
}

impl Key<'_> {
    fn check<E: de::Error>(self, key: &str) -> Result<bool, E> {
        match (key == self.wanted, self.found_here) {
            (true, true) => Err(E::custom(FOUND)),
            (matched, _) => Ok(matched),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        self.check(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        self.check(&v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        self.check(&v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<bool, E> {
        self.check(&v.to_string())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        self.check(&v.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        self.check("null")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::line_of;

    const YAML: &str = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n      tags:\n        - one\n        - two\n";

    #[test]
    fn keys_values_and_items_are_found_on_their_lines() {
        assert_eq!(line_of(YAML, false, "/paths/~1a/get"), Some(4));
        assert_eq!(
            line_of(YAML, false, "/paths/~1a/get/responses/200/description"),
            Some(7)
        );
        assert_eq!(line_of(YAML, false, "/paths/~1a/get/tags/1"), Some(10));
        assert_eq!(line_of(YAML, false, "/paths/~1b"), None);
        assert_eq!(line_of(YAML, false, "/paths/~1a/get/tags/7"), None);
    }

    #[test]
    fn json_is_read_alike() {
        let json = "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {\n    \"/a\": {\n      \"get\": {}\n    }\n  }\n}\n";
        assert_eq!(line_of(json, true, "/paths/~1a/get"), Some(5));
    }
}
