//! Support for tagged unions: the catch-all for variants this version does not know, and
//! decoding a variant once its tag is read.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use zeroize::Zeroize;

/// A union variant whose tag this version does not map: the whole object, kept as received so
/// that it serialises back to an equal value.
///
/// Its fields may hold credentials of a kind this version cannot recognise, so `Debug` shows the
/// tag and the field names only, and the values are zeroed when it is dropped.
#[derive(Clone, PartialEq)]
pub struct UnknownVariant {
    discriminator: String,
    object: Map<String, Value>,
}

impl UnknownVariant {
    /// Wraps an object whose tag property `tag_name` holds `discriminator`.
    pub fn new(
        tag_name: &str,
        discriminator: String,
        mut object: Map<String, Value>,
    ) -> UnknownVariant {
        object.insert(tag_name.to_owned(), Value::String(discriminator.clone()));
        UnknownVariant {
            discriminator,
            object,
        }
    }

    /// The tag value, such as `"HIP_CHAT"`.
    pub fn discriminator(&self) -> &str {
        &self.discriminator
    }

    /// Every property as received, the tag included.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.object
    }
}

impl fmt::Debug for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnknownVariant")
            .field("discriminator", &self.discriminator)
            .field("fields", &self.object.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Serialize for UnknownVariant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.object.serialize(serializer)
    }
}

impl Drop for UnknownVariant {
    fn drop(&mut self) {
        for value in self.object.values_mut() {
            zeroize_value(value);
        }
    }
}

/// Reads an object and takes out the string value of its tag property `tag_name`.
pub fn take_tagged<'de, D: Deserializer<'de>>(
    deserializer: D,
    tag_name: &'static str,
) -> Result<(String, Map<String, Value>), D::Error> {
    let mut object = Map::deserialize(deserializer)?;
    match object.remove(tag_name) {
        Some(Value::String(tag)) => Ok((tag, object)),
        Some(other) => {
            let message = format!("`{tag_name}` must be a string, found {other}");
            zeroize_map(&mut object);
            Err(serde::de::Error::custom(message))
        }
        None => {
            zeroize_map(&mut object);
            Err(serde::de::Error::missing_field(tag_name))
        }
    }
}

/// Decodes one variant's struct from the rest of its object. On failure the message names the
/// JSON path inside the object. The buffered copy is zeroed either way, since it may hold
/// credentials.
pub fn decode_variant<T: serde::de::DeserializeOwned>(
    object: Map<String, Value>,
) -> Result<T, String> {
    let mut value = Value::Object(object);
    let result = serde_path_to_error::deserialize(&value).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if path == "." {
            inner.to_string()
        } else {
            format!("{path}: {inner}")
        }
    });
    zeroize_value(&mut value);
    result
}

fn zeroize_map(object: &mut Map<String, Value>) {
    for value in object.values_mut() {
        zeroize_value(value);
    }
}

/// Overwrites every string inside a JSON value.
pub(crate) fn zeroize_value(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(zeroize_value),
        Value::Object(object) => zeroize_map(object),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_variants_hide_values_and_keep_the_object() {
        let object: Map<String, Value> =
            serde_json::from_str(r#"{"token": "s3cr3t", "n": [1]}"#).unwrap_or_default();
        let unknown = UnknownVariant::new("type", "FUTURE".to_owned(), object);
        let debug = format!("{unknown:?}");
        assert!(
            debug.contains("FUTURE") && debug.contains("token"),
            "{debug}"
        );
        assert!(!debug.contains("s3cr3t"), "{debug}");
        let back = serde_json::to_value(&unknown).unwrap_or_default();
        assert_eq!(
            back,
            serde_json::json!({"type": "FUTURE", "token": "s3cr3t", "n": [1]})
        );
    }
}
