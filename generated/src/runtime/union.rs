//! Support for tagged unions: reading the tag and decoding the variant straight from the
//! object's text, and the catch-all for variants this version does not know.

use std::cell::Cell;
use std::fmt;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use zeroize::Zeroize;

use super::raw::{self, Fault, Members, RawJson};

/// A union variant whose tag this version does not map: the whole object, kept as its raw JSON
/// text so that it serialises back exactly as received (key order, number spelling and all).
///
/// Its fields may hold credentials of a kind this version cannot recognise, so `Debug` shows the
/// tag and the field names only, and the text (and the fields, once read) is zeroed when it is
/// dropped.
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
    /// The object, tag included: as received, or as written from the caller's map.
    text: Box<RawValue>,
    /// The object's members, read from the text when first asked for; `None` when the text holds
    /// what a `Value` cannot (a number beyond `f64`, nesting past serde_json's limit).
    fields: OnceLock<Option<Map<String, Value>>>,
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
        let text =
            serde_json::value::to_raw_value(&object).unwrap_or_else(|_| RawValue::NULL.to_owned());
        UnknownVariant {
            tag_name: tag_name.to_owned(),
            discriminator,
            text,
            fields: OnceLock::from(Some(object)),
            read_back: false,
        }
    }

    /// Wraps an object decoded from a response, given as its JSON text (whose `tag_name` holds
    /// `discriminator`): its strings count as read back.
    pub fn read(tag_name: &str, discriminator: String, text: Box<RawValue>) -> UnknownVariant {
        UnknownVariant {
            tag_name: tag_name.to_owned(),
            discriminator,
            text,
            fields: OnceLock::new(),
            read_back: true,
        }
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
        let Some(fields) = self.parsed() else {
            // Strings that cannot be told apart are all taken for read-back values: the object
            // itself is named.
            visit(path, self.text.get());
            return;
        };
        for (key, value) in fields {
            if *key != self.tag_name {
                let key = key.replace('~', "~0").replace('/', "~1");
                walk(value, &format!("{path}/{key}"), visit);
            }
        }
    }

    /// The members, unless the text holds what a `Value` cannot.
    fn parsed(&self) -> Option<&Map<String, Value>> {
        self.fields
            .get_or_init(|| serde_json::from_str(self.text.get()).ok())
            .as_ref()
    }

    /// The tag value, such as `"HIP_CHAT"`.
    pub fn discriminator(&self) -> &str {
        &self.discriminator
    }

    /// Every property as received, the tag included (a key received twice holds its last value).
    /// Empty when the text holds what a `serde_json::Value` cannot (a number beyond `f64`, nesting
    /// past serde_json's limit of 128): [`UnknownVariant::json`] has it all.
    pub fn fields(&self) -> &Map<String, Value> {
        static NONE: OnceLock<Map<String, Value>> = OnceLock::new();
        self.parsed().unwrap_or_else(|| NONE.get_or_init(Map::new))
    }

    /// The object's JSON text: as received, or as written from the caller's map.
    pub fn json(&self) -> &RawValue {
        &self.text
    }
}

/// Two objects are equal when their contents are, wherever they came from; objects whose text a
/// `Value` cannot hold are equal when their texts are.
impl PartialEq for UnknownVariant {
    fn eq(&self, other: &UnknownVariant) -> bool {
        self.discriminator == other.discriminator
            && match (self.parsed(), other.parsed()) {
                (Some(mine), Some(theirs)) => mine == theirs,
                _ => self.text.get() == other.text.get(),
            }
    }
}

impl fmt::Debug for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("UnknownVariant");
        debug.field("discriminator", &self.discriminator);
        match self.parsed() {
            Some(fields) => debug.field("fields", &fields.keys().collect::<Vec<_>>()),
            None => debug.field("fields", &format_args!("(not readable as JSON values)")),
        };
        debug.finish()
    }
}

impl Serialize for UnknownVariant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.text.serialize(serializer)
    }
}

impl Drop for UnknownVariant {
    fn drop(&mut self) {
        let text = std::mem::replace(&mut self.text, RawValue::NULL.to_owned());
        let mut text: Box<str> = text.into();
        text.zeroize();
        if let Some(Some(fields)) = self.fields.get_mut() {
            zeroize_map(fields);
        }
    }
}

/// A tagged union's object, read as its JSON text (borrowed from the input when the input lends
/// it) with its tag found: the variant the tag names is then decoded from the same text, the tag
/// left out, and nothing is decoded twice or copied.
pub struct TaggedObject<'de> {
    text: RawJson<'de>,
    tag_name: &'static str,
    tag: Tag,
}

/// Where the tag's value is: in the text, or decoded when it has escapes.
enum Tag {
    At(usize, usize),
    Unescaped(String),
}

/// Why a union's value did not decode, with the path inside the value where it failed
/// (`apiKey: invalid type: ...`). The whole path and the byte offset in the body are in the
/// `DecodeError` that a response's decoding returns.
#[derive(Clone, Debug)]
pub struct UnionError(String);

impl fmt::Display for UnionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UnionError {}

/// The error for `fault`, noted for the response's decoding unless an untagged union is only
/// trying variants.
pub(crate) fn fail(fault: Fault) -> UnionError {
    let error = UnionError(fault.to_string());
    if !raw::trying() {
        raw::note(fault);
    }
    error
}

impl<'de> TaggedObject<'de> {
    /// Reads an object and finds the string value of its tag property `tag_name`, the first
    /// occurrence (a repeated tag is refused when the variant is decoded).
    pub fn read<D: Deserializer<'de>>(
        deserializer: D,
        tag_name: &'static str,
    ) -> Result<TaggedObject<'de>, D::Error> {
        let text = RawJson::deserialize(deserializer)?;
        let found = {
            let json = text.get();
            let kind = raw::kind_of(json);
            if kind != "an object" {
                Err(fault(
                    json,
                    "",
                    json.len(),
                    format!("invalid type: {kind}, expected an object"),
                ))
            } else {
                match Members::of(json).find(|member| member.is(tag_name)) {
                    None => Err(fault(
                        json,
                        "",
                        json.len(),
                        format!("missing field `{tag_name}`"),
                    )),
                    Some(member) => tag_at(json, tag_name, member.start, member.end),
                }
            }
        };
        match found {
            Ok(tag) => Ok(TaggedObject {
                text,
                tag_name,
                tag,
            }),
            Err(fault) => Err(serde::de::Error::custom(fail(fault))),
        }
    }

    /// The tag's value.
    pub fn tag(&self) -> &str {
        match &self.tag {
            Tag::At(start, end) => self.text.get().get(*start..*end).unwrap_or_default(),
            Tag::Unescaped(tag) => tag,
        }
    }

    /// Decodes the variant's struct from the object, the tag left out. On failure the message
    /// names the path inside the object, and the failure is noted, with that path and the byte
    /// reached, for the response's decoding to name the whole path and the offset in the body.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, UnionError> {
        self.decode_as(Some(self.tag_name))
    }

    /// Decodes the variant of a tagged union that is itself a union tagged by the same property
    /// (MongoDB maps some event types of one alert configuration kind on to schemas of their
    /// own) from the whole object, tag included, for the inner union to read.
    pub fn decode_retagged<T: DeserializeOwned>(&self) -> Result<T, UnionError> {
        self.decode_as(None)
    }

    /// Decodes `T` from the object, one union deeper, leaving out the key `without` if given.
    fn decode_as<T: DeserializeOwned>(
        &self,
        without: Option<&'static str>,
    ) -> Result<T, UnionError> {
        let text = self.text.get();
        let decode = || {
            let mut de = serde_json::Deserializer::from_str(text);
            let repeated = Cell::new(false);
            // Unions inside fail quietly here; when this one fails, it is decoded again to say
            // where, and they say where then, once each.
            let decoded = raw::quietly(|| match without {
                Some(key) => T::deserialize(raw::WithoutKey::new(&mut de, key, &repeated)),
                None => T::deserialize(&mut de),
            });
            match decoded {
                Ok(_) if repeated.get() => Err(self.repeated_tag()),
                Ok(decoded) => Ok(decoded),
                Err(error) if raw::trying() => Err(UnionError(error.to_string())),
                Err(error) => Err(fail(raw::locate::<T>(text, without, error))),
            }
        };
        raw::deeper(decode).unwrap_or_else(|| Err(fail(raw::too_deep(text))))
    }

    /// The object whole, for a tag this version does not map. A repeated tag is refused.
    pub fn into_unknown(self) -> Result<UnknownVariant, UnionError> {
        let json = self.text.get();
        if Members::of(json)
            .filter(|member| member.is(self.tag_name))
            .nth(1)
            .is_some()
        {
            return Err(self.repeated_tag());
        }
        let tag = self.tag().to_owned();
        // A copy of exactly the text's length, which the box takes without moving it; the
        // unknown variant zeroes it when dropped, as this object does its own.
        let text = RawValue::from_string(json.to_owned())
            .map_err(|error| UnionError(error.to_string()))?;
        Ok(UnknownVariant::read(self.tag_name, tag, text))
    }
}

impl TaggedObject<'_> {
    /// The error for an object whose tag is repeated, at the second occurrence's value.
    fn repeated_tag(&self) -> UnionError {
        let json = self.text.get();
        let again = Members::of(json)
            .filter(|member| member.is(self.tag_name))
            .nth(1)
            .map_or(json.len(), |member| member.end);
        let message = format!("duplicate field `{}`", self.tag_name);
        fail(fault(json, "", again, message))
    }
}

/// A failure at byte `at` of `text`, at `path` (the object itself, or one of its keys) below the
/// union.
fn fault(text: &str, path: &str, at: usize, message: String) -> Fault {
    Fault {
        path: path.to_owned(),
        depth: usize::from(!path.is_empty()),
        address: text.as_ptr().addr() + at,
        message,
    }
}

/// The tag's string value, which lies at `start..end` of `text`.
fn tag_at(text: &str, tag_name: &str, start: usize, end: usize) -> Result<Tag, Fault> {
    let value = text.get(start..end).unwrap_or_default();
    let kind = raw::kind_of(value);
    if kind != "a string" {
        let message = format!("`{tag_name}` must be a string, found {kind}");
        return Err(fault(text, tag_name, end, message));
    }
    if value.contains('\\') {
        return serde_json::from_str(value)
            .map(Tag::Unescaped)
            .map_err(|error| fault(text, tag_name, end, raw::message_of(&error)));
    }
    Ok(Tag::At(start + 1, end.saturating_sub(1).max(start + 1)))
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
