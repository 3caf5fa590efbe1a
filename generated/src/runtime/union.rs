//! Support for tagged unions: the catch-all for variants this version does not know, and
//! decoding a variant once its tag is read.

use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, MapDeserializer};
use serde::de::{MapAccess, Visitor};
use serde::{Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use zeroize::Zeroize;

/// A union variant whose tag this version does not map: the whole object, kept as received so
/// that it serialises back to an equal value.
///
/// Its fields may hold credentials of a kind this version cannot recognise, so `Debug` shows the
/// tag and the field names only, and the values are zeroed when it is dropped.
///
/// For the same reason, one decoded from a response is *read back*, as a [`Secret`] is: every
/// string it holds (the tag aside) may be Atlas's mask of a credential (`"****9a8b"`), so
/// [`ensure_supplied`](super::ensure_supplied) (which request builders call) refuses to send it
/// until the caller says with [`UnknownVariant::resend_read_values`] that sending what was read
/// is intended.
///
/// [`Secret`]: super::Secret
#[derive(Clone)]
pub struct UnknownVariant {
    tag_name: String,
    discriminator: String,
    object: Map<String, Value>,
    read_back: bool,
}

impl UnknownVariant {
    /// Wraps an object, supplied by the caller, whose tag property `tag_name` holds
    /// `discriminator`.
    pub fn new(
        tag_name: &str,
        discriminator: String,
        mut object: Map<String, Value>,
    ) -> UnknownVariant {
        object.insert(tag_name.to_owned(), Value::String(discriminator.clone()));
        UnknownVariant {
            tag_name: tag_name.to_owned(),
            discriminator,
            object,
            read_back: false,
        }
    }

    /// Wraps an object decoded from a response: its strings count as read back.
    pub fn read(
        tag_name: &str,
        discriminator: String,
        object: impl Into<Map<String, Value>>,
    ) -> UnknownVariant {
        let mut read = UnknownVariant::new(tag_name, discriminator, object.into());
        read.read_back = true;
        read
    }

    /// Whether this object was decoded from a response, so that its strings may be masks rather
    /// than the credentials they stand for.
    pub fn is_read_back(&self) -> bool {
        self.read_back
    }

    /// Marks an object read from a response as one to send as it is, masks and all.
    pub fn resend_read_values(mut self) -> UnknownVariant {
        self.read_back = false;
        self
    }

    /// Calls `visit` with the JSON pointer (below `path`) of every string held, the tag aside.
    pub(crate) fn visit_strings(&self, path: &str, visit: &mut dyn FnMut(&str, &str)) {
        fn walk(value: &Value, path: &str, visit: &mut dyn FnMut(&str, &str)) {
            match value {
                Value::String(s) => visit(path, s),
                Value::Array(items) => {
                    for (index, item) in items.iter().enumerate() {
                        walk(item, &format!("{path}/{index}"), visit);
                    }
                }
                Value::Object(object) => {
                    for (key, item) in object {
                        let key = key.replace('~', "~0").replace('/', "~1");
                        walk(item, &format!("{path}/{key}"), visit);
                    }
                }
                Value::Null | Value::Bool(_) | Value::Number(_) => {}
            }
        }
        for (key, value) in &self.object {
            if *key != self.tag_name {
                let key = key.replace('~', "~0").replace('/', "~1");
                walk(value, &format!("{path}/{key}"), visit);
            }
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

/// Two objects are equal when their contents are, wherever they came from.
impl PartialEq for UnknownVariant {
    fn eq(&self, other: &UnknownVariant) -> bool {
        self.discriminator == other.discriminator && self.object == other.object
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

/// The members of a tagged union's object but its tag, in the order received and each value
/// as its raw JSON text, so that the variant's struct reads them as if from the input itself:
/// keys it does not declare keep their order and form. The text is zeroed when dropped, since it
/// may hold credentials.
pub struct TaggedObject {
    members: Vec<(String, Box<RawValue>)>,
}

impl From<TaggedObject> for Map<String, Value> {
    fn from(object: TaggedObject) -> Map<String, Value> {
        object
            .members
            .iter()
            .map(|(key, raw)| {
                let value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
                (key.clone(), value)
            })
            .collect()
    }
}

impl Drop for TaggedObject {
    fn drop(&mut self) {
        for (_, raw) in self.members.drain(..) {
            let mut text: Box<str> = raw.into();
            text.zeroize();
        }
    }
}

/// Reads an object and takes out the string value of its tag property `tag_name`.
pub fn take_tagged<'de, D: Deserializer<'de>>(
    deserializer: D,
    tag_name: &'static str,
) -> Result<(String, TaggedObject), D::Error> {
    struct Members;

    impl<'de> Visitor<'de> for Members {
        type Value = TaggedObject;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TaggedObject, A::Error> {
            let mut object = TaggedObject {
                members: Vec::with_capacity(map.size_hint().unwrap_or(8).min(64)),
            };
            while let Some(key) = map.next_key::<String>()? {
                let value = map.next_value::<Box<RawValue>>()?;
                object.members.push((key, value));
            }
            Ok(object)
        }
    }

    let mut object = deserializer.deserialize_map(Members)?;
    let Some(at) = object.members.iter().position(|(key, _)| key == tag_name) else {
        return Err(serde::de::Error::missing_field(tag_name));
    };
    let (_, tag) = object.members.remove(at);
    if object.members.iter().any(|(key, _)| key == tag_name) {
        return Err(serde::de::Error::duplicate_field(tag_name));
    }
    match serde_json::from_str::<Value>(tag.get()) {
        Ok(Value::String(tag)) => Ok((tag, object)),
        Ok(other) => Err(serde::de::Error::custom(format_args!(
            "`{tag_name}` must be a string, found {other}"
        ))),
        Err(error) => Err(serde::de::Error::custom(error)),
    }
}

/// Decodes one variant's struct from the rest of its object. On failure the message names the
/// JSON path inside the object.
pub fn decode_variant<T: serde::de::DeserializeOwned>(object: TaggedObject) -> Result<T, String> {
    let members = object
        .members
        .iter()
        .map(|(key, raw)| (BorrowedStrDeserializer::new(key.as_str()), &**raw));
    let deserializer = MapDeserializer::<_, serde_json::Error>::new(members);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if path == "." {
            inner.to_string()
        } else {
            format!("{path}: {inner}")
        }
    })
}

/// Decodes the variant of a tagged union that is itself a union tagged by the same property
/// (MongoDB maps some event types of one alert configuration kind on to schemas of their own):
/// the tag goes back into the object, for the inner union to read.
pub fn decode_retagged<T: serde::de::DeserializeOwned>(
    mut object: TaggedObject,
    tag_name: &str,
    tag: &str,
) -> Result<T, String> {
    let raw = serde_json::to_string(tag)
        .and_then(RawValue::from_string)
        .map_err(|e| e.to_string())?;
    object.members.insert(0, (tag_name.to_owned(), raw));
    decode_variant(object)
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
