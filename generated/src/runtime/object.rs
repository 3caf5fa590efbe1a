//! Reading and writing JSON objects for the generated structs.
//!
//! Each struct's `Deserialize` and `Serialize` impls are written out in the `types` module as a
//! loop over the object's keys and a list of fields. The steps they share live here, once, so
//! that each struct adds only what is its own: its field names and types. The behaviour is that
//! of serde's derive for the same struct: unknown keys are skipped, a repeated key is an error,
//! an absent required field is an error, and an absent or `null` optional field is `None`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, SerializeStruct};

/// A key of a JSON object, borrowed from the input where it can be.
#[derive(Debug)]
pub struct FieldKey<'de>(Cow<'de, str>);

impl FieldKey<'_> {
    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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

/// The steps of reading a struct's fields from a map, for every `MapAccess`.
pub trait ReadFields<'de>: MapAccess<'de> {
    /// Reads the value of the key just read into `slot`; a key seen twice is an error.
    fn read_field<T: Deserialize<'de>>(
        &mut self,
        slot: &mut Option<T>,
        name: &'static str,
    ) -> Result<(), Self::Error> {
        if slot.is_some() {
            return Err(de::Error::duplicate_field(name));
        }
        *slot = Some(self.next_value()?);
        Ok(())
    }

    /// Skips the value of a key the struct does not know.
    fn skip_field(&mut self) -> Result<(), Self::Error> {
        crate::runtime::trial::lenient();
        self.next_value::<IgnoredAny>().map(|_| ())
    }

    /// Keeps the value of a key the struct does not declare, for a schema that allows such keys;
    /// a key seen twice is an error.
    fn read_extra<T: Deserialize<'de>>(
        &mut self,
        extra: &mut BTreeMap<String, T>,
        key: &str,
    ) -> Result<(), Self::Error> {
        if extra.contains_key(key) {
            return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
        }
        let value = self.next_value()?;
        extra.insert(key.to_owned(), value);
        Ok(())
    }
}

impl<'de, A: MapAccess<'de>> ReadFields<'de> for A {}

/// The value of a required field, or the error naming it when the object left it out.
pub fn required_field<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// Writes a struct's fields into an object, stopping at the first error.
///
/// Each write is a plain call and the error is returned once, by [`ObjectWriter::end`], so the
/// generated `Serialize` impls stay short.
pub struct ObjectWriter<S: SerializeStruct> {
    object: S,
    error: Option<S::Error>,
}

impl<S: SerializeStruct> ObjectWriter<S> {
    /// Writes into `object`, begun by `Serializer::serialize_struct`.
    pub fn new(object: S) -> ObjectWriter<S> {
        ObjectWriter {
            object,
            error: None,
        }
    }

    /// Writes a field.
    pub fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.step(|object| object.serialize_field(name, value));
    }

    /// Writes an optional field, or leaves it out when it is absent.
    pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        match value {
            Some(value) => self.field(name, value),
            None => self.step(|object| object.skip_field(name)),
        }
    }

    /// Runs one step unless an earlier one failed, keeping its error.
    fn step(&mut self, write: impl FnOnce(&mut S) -> Result<(), S::Error>) {
        if self.error.is_none()
            && let Err(error) = write(&mut self.object)
        {
            self.error = Some(error);
        }
    }

    /// Ends the object, or returns the first error.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.object.end(),
        }
    }
}

/// Writes a struct that keeps undeclared keys: its fields, then the extra keys, as one object.
///
/// An object whose keys are known only at run time cannot be written as a struct, whose keys
/// are fixed, so these are written as a map; in JSON both are the same object.
pub struct MapWriter<S: SerializeMap> {
    object: S,
    error: Option<S::Error>,
}

impl<S: SerializeMap> MapWriter<S> {
    /// Writes into `object`, begun by `Serializer::serialize_map`.
    pub fn new(object: S) -> MapWriter<S> {
        MapWriter {
            object,
            error: None,
        }
    }

    /// Writes a field.
    pub fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.step(|object| object.serialize_entry(name, value));
    }

    /// Writes an optional field, or leaves it out when it is absent.
    pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(name, value);
        }
    }

    /// Writes the extra keys, leaving out any that a declared field (in `declared`) writes, so
    /// that no key is written twice.
    pub fn extras<T: Serialize>(&mut self, extra: &BTreeMap<String, T>, declared: &[&str]) {
        for (key, value) in extra {
            if !declared.contains(&key.as_str()) {
                self.step(|object| object.serialize_entry(key, value));
            }
        }
    }

    fn step(&mut self, write: impl FnOnce(&mut S) -> Result<(), S::Error>) {
        if self.error.is_none()
            && let Err(error) = write(&mut self.object)
        {
            self.error = Some(error);
        }
    }

    /// Ends the object, or returns the first error.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.object.end(),
        }
    }
}
