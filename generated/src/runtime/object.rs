//! Reading and writing JSON objects for the generated structs, from one table per struct.
//!
//! Each generated struct implements [`Object`]: a table of its declared properties ([`Field`]:
//! wire name and presence, in document order), what to do with keys it does not declare
//! ([`Undeclared`]), and two short methods that only move values between the struct, a tuple of
//! slots and the reader ([`ObjectRead`]) or writer ([`ObjectWriter`]) at a position of the table.
//! Everything else is done here, once:
//! finding a key in the table, refusing a repeated key, keeping or skipping undeclared keys,
//! telling an untagged union's trial what was let through, refusing an absent required field, and
//! writing the fields in document order followed by the kept keys. The struct's `Serialize` and
//! `Deserialize` are one call each, to [`write_object`] and [`read_object`].
//!
//! The per-struct methods are generic over the reader and the writer rather than function
//! pointers in a table: serde's readers and writers are generic, and a table of function pointers
//! would need every value to go through a type-erased copy of serde's data model, which costs
//! more than the code it saves. A struct's methods take one line per field where its value is
//! read into its slot, where the struct is built from the slots, and where it is written.
//!
//! The behaviour is that of serde's derive for the same struct, save for undeclared keys: a
//! repeated key is an error, an absent required field is an error naming it, and an absent or
//! `null` optional field is `None`. Undeclared keys are kept in [`UnknownFields`] as received
//! (unless the schema says `additionalProperties: false`, when they are skipped, or gives their
//! values a schema, when they are read into the struct's map of additional properties).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;
use zeroize::Zeroize;

/// How a declared property may be absent, and how it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Listed in `required` and not nullable: absent is an error, and it is always written.
    Required,
    /// Listed in `required` and nullable: the Rust field is an `Option`; absent or `null` reads
    /// as `None` (as serde's derive reads it), and `None` is written as `null`.
    RequiredNullable,
    /// Not listed in `required`: the Rust field is an `Option`; absent or `null` reads as `None`,
    /// and `None` is left out.
    Optional,
}

/// One declared property of a generated struct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// The key in JSON.
    pub name: &'static str,
    /// Whether it may be absent, and how it is written.
    pub presence: Presence,
}

impl Field {
    /// A required property.
    pub const fn required(name: &'static str) -> Field {
        Field {
            name,
            presence: Presence::Required,
        }
    }

    /// A required property that may be `null`.
    pub const fn required_nullable(name: &'static str) -> Field {
        Field {
            name,
            presence: Presence::RequiredNullable,
        }
    }

    /// An optional property.
    pub const fn optional(name: &'static str) -> Field {
        Field {
            name,
            presence: Presence::Optional,
        }
    }
}

/// What a struct does with keys it does not declare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Undeclared {
    /// Keeps them in its [`UnknownFields`], as received, and writes them back.
    Keep,
    /// Skips them: the schema says `additionalProperties: false`.
    Skip,
    /// Reads them into its map of additional properties, whose values the schema types
    /// ([`FieldRead::read_extra`]).
    Read,
}

/// A generated struct, described by its table of fields.
pub trait Object: Sized {
    /// The struct's name, for error messages.
    const NAME: &'static str;
    /// The declared properties, in document order.
    const FIELDS: &'static [Field];
    /// What happens to keys the struct does not declare.
    const UNDECLARED: Undeclared;

    /// Reads the struct from `object`: each field [`ObjectRead::next_field`] yields into its slot,
    /// then the struct from the slots (with [`required`] for required fields).
    fn read<'de, A: MapAccess<'de>>(object: ObjectRead<'de, A>) -> Result<Self, A::Error>;

    /// Writes the fields, each with one call on `out`, in the order of [`Object::FIELDS`], then
    /// the kept or additional keys.
    fn write<S: SerializeMap>(&self, out: &mut ObjectWriter<S>);
}

/// Reads an object as `T`, by its table.
pub fn read_object<'de, T: Object, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// Writes `value` as an object, by its table.
pub fn write_object<T: Object, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let mut out = ObjectWriter {
        object: serializer.serialize_map(None)?,
        fields: T::FIELDS,
        next: 0,
        error: None,
    };
    value.write(&mut out);
    match out.error {
        Some(error) => Err(error),
        None => out.object.end(),
    }
}

/// The value of a required field, or the error naming it when the object left it out.
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// A key of a JSON object, borrowed from the input where it can be.
pub(crate) struct FieldKey<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for FieldKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = FieldKey<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Borrowed(value)))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Owned(value.to_owned())))
            }

            fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Owned(value)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::read(ObjectRead {
            map,
            fields: T::FIELDS,
            undeclared: T::UNDECLARED,
            hint: 0,
            unknown: Vec::new(),
            seen: None,
            _input: PhantomData,
        })
    }
}

/// An object being read as a struct: yields the values of the struct's fields one by one, and
/// deals with every other key itself.
pub struct ObjectRead<'de, A> {
    map: A,
    fields: &'static [Field],
    undeclared: Undeclared,
    /// Where the next key is looked for first: keys mostly come in document order.
    hint: usize,
    /// The undeclared keys kept so far, in the order read.
    unknown: Vec<(String, Box<RawValue>)>,
    /// Their keys, once there are enough of them that searching the list for a repeated key
    /// would be slow.
    seen: Option<HashSet<String>>,
    _input: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> ObjectRead<'de, A> {
    /// The next key that is the struct's to read: a declared field, or for
    /// [`Undeclared::Read`] an undeclared key (at the index past the last field). Undeclared keys
    /// are kept or skipped here, each noted for an enclosing untagged union's trial.
    pub fn next_field(&mut self) -> Result<Option<FieldRead<'_, 'de, A>>, A::Error> {
        while let Some(FieldKey(key)) = self.map.next_key::<FieldKey<'de>>()? {
            if let Some(index) = self.position(&key) {
                self.hint = index + 1;
                return Ok(Some(FieldRead {
                    map: &mut self.map,
                    index,
                    key,
                }));
            }
            match self.undeclared {
                Undeclared::Keep => {
                    crate::runtime::trial::lenient();
                    let value = self.map.next_value::<Box<RawValue>>()?;
                    self.keep(key.into_owned(), value)?;
                }
                Undeclared::Skip => {
                    crate::runtime::trial::lenient();
                    self.map.next_value::<IgnoredAny>()?;
                }
                Undeclared::Read => {
                    return Ok(Some(FieldRead {
                        map: &mut self.map,
                        index: self.fields.len(),
                        key,
                    }));
                }
            }
        }
        Ok(None)
    }

    /// The undeclared keys kept, read back from the input.
    pub fn unknown_fields(&mut self) -> UnknownFields {
        let entries = std::mem::take(&mut self.unknown);
        UnknownFields {
            kept: (!entries.is_empty()).then(|| {
                Box::new(Kept {
                    entries,
                    read_back: true,
                })
            }),
        }
    }

    /// Keeps one undeclared key; a key seen twice is an error.
    fn keep(&mut self, key: String, value: Box<RawValue>) -> Result<(), A::Error> {
        let repeated = match &mut self.seen {
            Some(seen) => !seen.insert(key.clone()),
            None => self.unknown.iter().any(|(k, _)| *k == key),
        };
        if repeated {
            return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
        }
        self.unknown.push((key, value));
        if self.seen.is_none() && self.unknown.len() >= INDEXED_FROM {
            self.seen = Some(self.unknown.iter().map(|(k, _)| k.clone()).collect());
        }
        Ok(())
    }

    /// The index of `key` in the table, trying the hint first.
    fn position(&self, key: &str) -> Option<usize> {
        if self.fields.get(self.hint).is_some_and(|f| f.name == key) {
            return Some(self.hint);
        }
        self.fields.iter().position(|f| f.name == key)
    }
}

/// Keys kept from an object that failed to read are zeroed too: they may be credentials.
impl<A> Drop for ObjectRead<'_, A> {
    fn drop(&mut self) {
        for (_, value) in self.unknown.drain(..) {
            let mut text: Box<str> = value.into();
            text.zeroize();
        }
    }
}

/// The value of one key, about to be read into its slot.
pub struct FieldRead<'a, 'de, A> {
    map: &'a mut A,
    index: usize,
    key: Cow<'de, str>,
}

impl<'de, A: MapAccess<'de>> FieldRead<'_, 'de, A> {
    /// The field's position in [`Object::FIELDS`]; for an undeclared key, the number of fields.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Reads the value into `slot`; a key seen twice is an error.
    pub fn read<T: Deserialize<'de>>(self, slot: &mut Option<T>) -> Result<(), A::Error> {
        if slot.is_some() {
            return Err(de::Error::custom(format_args!(
                "duplicate field `{}`",
                self.key
            )));
        }
        *slot = Some(self.map.next_value()?);
        Ok(())
    }

    /// Reads the value of an undeclared key into the struct's map of additional properties; a
    /// key seen twice is an error.
    pub fn read_extra<T: Deserialize<'de>>(
        self,
        extra: &mut BTreeMap<String, T>,
    ) -> Result<(), A::Error> {
        if extra.contains_key(&*self.key) {
            return Err(de::Error::custom(format_args!(
                "duplicate field `{}`",
                self.key
            )));
        }
        let value = self.map.next_value()?;
        extra.insert(self.key.into_owned(), value);
        Ok(())
    }
}

/// Writes a struct's fields into an object, stopping at the first error.
///
/// Each call writes the next field of the table, so the struct's [`Object::write`] is one plain
/// call per field; the first error is returned once, at the end.
pub struct ObjectWriter<S: SerializeMap> {
    object: S,
    fields: &'static [Field],
    next: usize,
    error: Option<S::Error>,
}

impl<S: SerializeMap> ObjectWriter<S> {
    /// The name of the next field, moving past it.
    fn next_name(&mut self) -> Option<&'static str> {
        let name = self.fields.get(self.next).map(|f| f.name);
        self.next += 1;
        name
    }

    /// Writes the next field, whatever its value (a required nullable `None` as `null`).
    pub fn field<T: Serialize + ?Sized>(&mut self, value: &T) {
        if let Some(name) = self.next_name() {
            self.step(|object| object.serialize_entry(name, value));
        }
    }

    /// Writes the next field, or leaves it out when it is absent.
    pub fn optional<T: Serialize>(&mut self, value: &Option<T>) {
        match value {
            Some(value) => self.field(value),
            None => {
                self.next_name();
            }
        }
    }

    /// Writes the additional properties, leaving out any that a declared field writes, so that
    /// no key is written twice.
    pub fn extras<T: Serialize>(&mut self, extra: &BTreeMap<String, T>) {
        for (key, value) in extra {
            if !self.declares(key) {
                self.step(|object| object.serialize_entry(key, value));
            }
        }
    }

    /// Writes the kept undeclared keys as received, leaving out any that a declared field writes.
    pub fn unknown(&mut self, unknown: &UnknownFields) {
        for (key, value) in unknown.entries() {
            if !self.declares(key) {
                self.step(|object| object.serialize_entry(key, value));
            }
        }
    }

    fn declares(&self, key: &str) -> bool {
        self.fields.iter().any(|f| f.name == key)
    }

    /// Runs one step unless an earlier one failed, keeping its error.
    fn step(&mut self, write: impl FnOnce(&mut S) -> Result<(), S::Error>) {
        if self.error.is_none()
            && let Err(error) = write(&mut self.object)
        {
            self.error = Some(error);
        }
    }
}

/// The keys of an object that its struct does not declare, kept as received so that encoding the
/// struct sends them back: nothing a newer server sent is lost on the way through this version.
///
/// Each value is kept as its raw JSON text (`serde_json`'s `RawValue`), in the order received:
/// the exact form (number spelling, key order inside nested objects) survives, and nothing is
/// parsed beyond finding where the value ends. A map of `serde_json::Value` would reorder keys
/// (or need the `preserve_order` feature, which would change every map in a program that uses
/// this crate) and respell numbers. Undeclared keys are therefore read only from JSON, through
/// `serde_json`'s readers.
///
/// The values may be credentials of a kind this version cannot recognise, so `Debug` shows the
/// keys only and the text is zeroed when dropped. For the same reason, keys kept from a response
/// are *read back*, as a [`Secret`](super::Secret) is: [`ensure_supplied`](super::ensure_supplied)
/// (which request builders call) refuses a request body that holds them, naming each, until the
/// caller either leaves them out with [`UnknownFields::clear`] or says with
/// [`UnknownFields::resend_read_values`] that sending what was read is intended.
#[derive(Clone, Default)]
pub struct UnknownFields {
    /// Nothing, for the usual object that has no such keys: one pointer in every struct.
    kept: Option<Box<Kept>>,
}

#[derive(Clone)]
struct Kept {
    entries: Vec<(String, Box<RawValue>)>,
    read_back: bool,
}

/// Past this many undeclared keys in one object, repeated keys are found through a set rather
/// than by searching the list.
const INDEXED_FROM: usize = 16;

impl UnknownFields {
    /// None kept.
    pub fn new() -> UnknownFields {
        UnknownFields::default()
    }

    fn entries(&self) -> &[(String, Box<RawValue>)] {
        self.kept.as_deref().map_or(&[], |kept| &kept.entries)
    }

    /// The number of keys kept.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether no key is kept.
    pub fn is_empty(&self) -> bool {
        self.entries().is_empty()
    }

    /// The keys, in the order received.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries().iter().map(|(key, _)| key.as_str())
    }

    /// The keys with their raw JSON values, in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.entries()
            .iter()
            .map(|(key, value)| (key.as_str(), &**value))
    }

    /// The raw JSON value of `key`.
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        self.entries()
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, value)| &**value)
    }

    /// Sets `key` to `value`, after the keys already kept (or in its place, when it is kept
    /// already). A key that the struct declares is never written from here: the field is. Keys
    /// added to a value the caller built are the caller's own; added to keys kept from a
    /// response, they are guarded with those until cleared or resent.
    pub fn insert(&mut self, key: impl Into<String>, value: Box<RawValue>) {
        let key = key.into();
        let kept = self.kept.get_or_insert_with(|| {
            Box::new(Kept {
                entries: Vec::new(),
                read_back: false,
            })
        });
        match kept.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, slot)) => *slot = value,
            None => kept.entries.push((key, value)),
        }
    }

    /// Removes every key, so that none is sent.
    pub fn clear(&mut self) {
        self.kept = None;
    }

    /// Whether the keys were kept from a response, so that their values may be masks rather than
    /// the credentials they stand for.
    pub fn is_read_back(&self) -> bool {
        self.kept.as_ref().is_some_and(|kept| kept.read_back)
    }

    /// Marks keys kept from a response as ones to send as they are.
    pub fn resend_read_values(&mut self) {
        if let Some(kept) = &mut self.kept {
            kept.read_back = false;
        }
    }

    /// Calls `visit` with the JSON pointer (below `path`) and raw text of every kept value.
    pub(crate) fn visit_values(&self, path: &str, visit: &mut dyn FnMut(&str, &str)) {
        for (key, value) in self.entries() {
            let key = key.replace('~', "~0").replace('/', "~1");
            visit(&format!("{path}/{key}"), value.get());
        }
    }
}

/// Two sets of kept keys are equal when they hold the same keys in the same order with equal
/// JSON values (the same text, or text that reads as the same value), wherever they came from.
impl PartialEq for UnknownFields {
    fn eq(&self, other: &UnknownFields) -> bool {
        self.len() == other.len()
            && self
                .entries()
                .iter()
                .zip(other.entries())
                .all(|((a, x), (b, y))| a == b && same_json(x, y))
    }
}

fn same_json(x: &RawValue, y: &RawValue) -> bool {
    x.get() == y.get()
        || matches!(
            (
                serde_json::from_str::<serde_json::Value>(x.get()),
                serde_json::from_str::<serde_json::Value>(y.get()),
            ),
            (Ok(a), Ok(b)) if a == b
        )
}

/// The keys only: the values may be credentials.
impl fmt::Debug for UnknownFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.keys()).finish()
    }
}

impl Drop for Kept {
    fn drop(&mut self) {
        for (_, value) in self.entries.drain(..) {
            let mut text: Box<str> = value.into();
            text.zeroize();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct as the generator writes one, by hand.
    #[derive(Debug, PartialEq)]
    struct Probe {
        name: String,
        size: Option<i64>,
        note: Option<String>,
        unknown_fields: UnknownFields,
    }

    impl Object for Probe {
        const NAME: &'static str = "Probe";
        const FIELDS: &'static [Field] = &[
            Field::required("name"),
            Field::optional("size"),
            Field::required_nullable("note"),
        ];
        const UNDECLARED: Undeclared = Undeclared::Keep;

        fn read<'de, A: MapAccess<'de>>(mut object: ObjectRead<'de, A>) -> Result<Self, A::Error> {
            let mut slots = (None, None, None);
            while let Some(field) = object.next_field()? {
                match field.index() {
                    0 => field.read(&mut slots.0),
                    1 => field.read(&mut slots.1),
                    _ => field.read(&mut slots.2),
                }?;
            }
            Ok(Probe {
                name: required(slots.0, "name")?,
                size: Option::flatten(slots.1),
                note: Option::flatten(slots.2),
                unknown_fields: object.unknown_fields(),
            })
        }

        fn write<S: SerializeMap>(&self, out: &mut ObjectWriter<S>) {
            out.field(&self.name);
            out.optional(&self.size);
            out.field(&self.note);
            out.unknown(&self.unknown_fields);
        }
    }

    impl Serialize for Probe {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            write_object(self, serializer)
        }
    }

    impl<'de> Deserialize<'de> for Probe {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            read_object(deserializer)
        }
    }

    fn decode(text: &str) -> Result<Probe, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[allow(clippy::panic, reason = "a value that does not decode fails the test")]
    fn decoded(text: &str) -> Probe {
        decode(text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    #[test]
    fn fields_are_read_by_the_table_and_undeclared_keys_kept_as_received() {
        let text = r#"{"z":{"b":1,  "a":2.50},"name":"n","size":null,"x":[1e2]}"#;
        let probe = decoded(text);
        assert_eq!(probe.name, "n");
        assert_eq!(probe.size, None);
        assert_eq!(probe.note, None);
        assert_eq!(probe.unknown_fields.keys().collect::<Vec<_>>(), ["z", "x"]);
        assert!(probe.unknown_fields.is_read_back());
        assert_eq!(
            probe.unknown_fields.get("z").map(RawValue::get),
            Some(r#"{"b":1,  "a":2.50}"#)
        );
        assert_eq!(
            serde_json::to_string(&probe).ok().as_deref(),
            Some(r#"{"name":"n","note":null,"z":{"b":1,  "a":2.50},"x":[1e2]}"#)
        );
        let debug = format!("{probe:?}");
        assert!(
            debug.contains(r#"["z", "x"]"#) && !debug.contains("2.50"),
            "{debug}"
        );
    }

    #[test]
    fn repeated_and_missing_keys_are_errors_naming_them() {
        let repeated = decode(r#"{"name":"a","name":"b"}"#)
            .err()
            .unwrap_or_default();
        assert!(repeated.contains("duplicate field `name`"), "{repeated}");
        let repeated = decode(r#"{"name":"a","q":1,"q":2}"#)
            .err()
            .unwrap_or_default();
        assert!(repeated.contains("duplicate field `q`"), "{repeated}");
        let many: Vec<String> = (0..40).map(|i| format!(r#""k{i}":{i}"#)).collect();
        let text = format!(r#"{{"name":"a",{},"k39":0}}"#, many.join(","));
        let repeated = decode(&text).err().unwrap_or_default();
        assert!(repeated.contains("duplicate field `k39`"), "{repeated}");
        let missing = decode(r#"{"size":1}"#).err().unwrap_or_default();
        assert!(missing.contains("missing field `name`"), "{missing}");
        let wrong = decode("[]").err().unwrap_or_default();
        assert!(wrong.contains("struct Probe"), "{wrong}");
    }

    #[test]
    fn kept_keys_compare_as_json_and_can_be_cleared_or_confirmed() {
        let a = decoded(r#"{"name":"a","x":{"p":1,"q":2}}"#);
        let b = decoded(r#"{"name":"a","x":{"q":2, "p":1}}"#);
        assert_eq!(a, b);
        let mut c = decoded(r#"{"name":"a","x":3}"#);
        assert_ne!(a, c);
        c.unknown_fields.resend_read_values();
        assert!(!c.unknown_fields.is_read_back());
        c.unknown_fields.clear();
        assert!(c.unknown_fields.is_empty());
        assert_eq!(
            serde_json::to_string(&c).ok().as_deref(),
            Some(r#"{"name":"a","note":null}"#)
        );
    }
}
