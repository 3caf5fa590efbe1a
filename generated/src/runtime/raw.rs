//! Unions read from the JSON text itself: a union's value is taken as its raw text (borrowed from
//! the input when the input lends it), a member is found by key without decoding the rest, a
//! variant is decoded straight from the text with the tag left out, and a failure inside a variant
//! is placed in the whole body: the path inside the variant is added to the path of the union, and
//! the byte where it failed is counted from the start of the body.
//!
//! Placing a failure needs what serde's error type cannot carry, so the union that fails notes it
//! for the thread ([`Fault`]) beside the error it returns; `Received::json`, which knows the body,
//! reads the note back. A failure is located only when it ends the decoding: while an untagged
//! union tries its variants, a variant that does not fit costs no more than its failure.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor,
};
use zeroize::Zeroize;

/// The name under which serde_json lends a value's raw text to a newtype struct: the protocol of
/// its own `&RawValue` and `Box<RawValue>`, which [`RawJson`] follows so that one visitor takes
/// the borrowed text of a slice or string and the owned text of a reader or a `Value`.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// The text of one JSON value: borrowed from the input where it lends it, owned otherwise (read
/// from a reader, or written from a `serde_json::Value`). Owned text is zeroed when dropped, since
/// it may hold credentials. Read from JSON only, through serde_json's readers.
pub(crate) enum RawJson<'de> {
    /// A slice of the input.
    Borrowed(&'de str),
    /// A copy.
    Owned(String),
}

impl RawJson<'_> {
    /// The text.
    pub(crate) fn get(&self) -> &str {
        match self {
            RawJson::Borrowed(text) => text,
            RawJson::Owned(text) => text,
        }
    }
}

impl Drop for RawJson<'_> {
    fn drop(&mut self) {
        if let RawJson::Owned(text) = self {
            text.zeroize();
        }
    }
}

impl<'de> de::Deserialize<'de> for RawJson<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Raw;

        impl<'de> Visitor<'de> for Raw {
            type Value = RawJson<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any valid JSON value")
            }

            // serde_json lends the text as the value of a map's one entry.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawJson<'de>, A::Error> {
                if map.next_key::<IgnoredAny>()?.is_none() {
                    return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
                }
                map.next_value_seed(Text)
            }
        }

        struct Text;

        impl<'de> DeserializeSeed<'de> for Text {
            type Value = RawJson<'de>;

            fn deserialize<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Self::Value, D::Error> {
                deserializer.deserialize_str(self)
            }
        }

        impl<'de> Visitor<'de> for Text {
            type Value = RawJson<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("raw JSON text")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<RawJson<'de>, E> {
                Ok(RawJson::Borrowed(text))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<RawJson<'de>, E> {
                Ok(RawJson::Owned(text.to_owned()))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<RawJson<'de>, E> {
                Ok(RawJson::Owned(text))
            }
        }

        deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, Raw)
    }
}

/// What kind of JSON value `text` holds, for messages ("an object", "a string", ...).
pub(crate) fn kind_of(text: &str) -> &'static str {
    let bytes = text.as_bytes();
    match bytes.get(skip_space(bytes, 0)) {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// One member of an object's text: the key as written (between its quotes, escapes and all) and
/// where the value lies in the object's text.
pub(crate) struct Member<'a> {
    key: &'a str,
    escaped: bool,
    /// Where the value starts.
    pub(crate) start: usize,
    /// Where the value ends.
    pub(crate) end: usize,
}

impl Member<'_> {
    /// Whether the key is `name`, escapes read.
    pub(crate) fn is(&self, name: &str) -> bool {
        if self.escaped {
            serde_json::from_str::<String>(&format!("\"{}\"", self.key))
                .is_ok_and(|key| key == name)
        } else {
            self.key == name
        }
    }
}

/// The members of a JSON object's text at its top level, in order, each found by skipping over
/// the values before it without decoding them. The text must be valid JSON (as serde_json's raw
/// text is); on anything else the members simply end.
pub(crate) struct Members<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Members<'a> {
    /// The members of `text`, which must hold an object.
    pub(crate) fn of(text: &'a str) -> Members<'a> {
        let bytes = text.as_bytes();
        let open = skip_space(bytes, 0);
        let at = if bytes.get(open) == Some(&b'{') {
            open + 1
        } else {
            bytes.len()
        };
        Members { text, at }
    }
}

impl<'a> Iterator for Members<'a> {
    type Item = Member<'a>;

    fn next(&mut self) -> Option<Member<'a>> {
        let bytes = self.text.as_bytes();
        let mut at = skip_space(bytes, self.at);
        if bytes.get(at) == Some(&b',') {
            at = skip_space(bytes, at + 1);
        }
        if bytes.get(at) != Some(&b'"') {
            self.at = bytes.len();
            return None;
        }
        let (key_end, escaped) = skip_string(bytes, at);
        let key = self.text.get(at + 1..key_end.saturating_sub(1))?;
        let colon = skip_space(bytes, key_end);
        if bytes.get(colon) != Some(&b':') {
            self.at = bytes.len();
            return None;
        }
        let start = skip_space(bytes, colon + 1);
        let end = skip_value(bytes, start);
        self.at = end;
        Some(Member {
            key,
            escaped,
            start,
            end,
        })
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// Past the string that starts at `at` (its opening quote), and whether it has escapes.
fn skip_string(bytes: &[u8], at: usize) -> (usize, bool) {
    let mut at = at + 1;
    let mut escaped = false;
    while let Some(found) = quote_or_backslash(bytes, at) {
        if bytes.get(found) == Some(&b'"') {
            return (found + 1, escaped);
        }
        escaped = true;
        at = found + 2;
    }
    (bytes.len(), escaped)
}

/// The first `"` or `\` at or after `at`, looked for eight bytes at a time.
fn quote_or_backslash(bytes: &[u8], mut at: usize) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    const QUOTES: u64 = u64::from_le_bytes([b'"'; 8]);
    const BACKSLASHES: u64 = u64::from_le_bytes([b'\\'; 8]);
    while let Some(chunk) = bytes.get(at..at.saturating_add(8)) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // A byte of `x` is zero where `word` has the byte looked for; the lowest such byte is the
        // lowest whose high bit survives `(x - 1) & !x`.
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
        let hits = zero(word ^ QUOTES) | zero(word ^ BACKSLASHES);
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let rest = bytes.get(at..)?;
    rest.iter()
        .position(|b| matches!(b, b'"' | b'\\'))
        .map(|found| at + found)
}

/// Past the value that starts at `at`.
fn skip_value(bytes: &[u8], mut at: usize) -> usize {
    match bytes.get(at) {
        Some(b'"') => skip_string(bytes, at).0,
        Some(b'{' | b'[') => {
            let mut depth = 0_usize;
            while let Some(byte) = bytes.get(at) {
                match byte {
                    b'"' => {
                        at = skip_string(bytes, at).0;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return at + 1;
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
            bytes.len()
        }
        _ => {
            while bytes
                .get(at)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
            {
                at += 1;
            }
            at
        }
    }
}

/// Reads an object with one key left out: the tag of a union, which the variant's struct does
/// not declare. Every occurrence of the key is skipped; `repeated` is set when there is more than
/// one, for the caller to refuse the object once it is read (an error raised while reading a key
/// would be placed at no key).
pub(crate) struct WithoutKey<'r, D> {
    inner: D,
    key: &'static str,
    repeated: &'r Cell<bool>,
}

impl<'r, D> WithoutKey<'r, D> {
    pub(crate) fn new(inner: D, key: &'static str, repeated: &'r Cell<bool>) -> WithoutKey<'r, D> {
        WithoutKey {
            inner,
            key,
            repeated,
        }
    }
}

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.inner.$method($($arg,)* visitor)
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for WithoutKey<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let skip = SkipKey::new(visitor, self.key, self.repeated);
        self.inner.deserialize_any(skip)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let skip = SkipKey::new(visitor, self.key, self.repeated);
        self.inner.deserialize_map(skip)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let skip = SkipKey::new(visitor, self.key, self.repeated);
        self.inner.deserialize_struct(name, fields, skip)
    }

    forward! {
        deserialize_bool(); deserialize_i8(); deserialize_i16(); deserialize_i32();
        deserialize_i64(); deserialize_i128(); deserialize_u8(); deserialize_u16();
        deserialize_u32(); deserialize_u64(); deserialize_u128(); deserialize_f32();
        deserialize_f64(); deserialize_char(); deserialize_str(); deserialize_string();
        deserialize_bytes(); deserialize_byte_buf(); deserialize_option(); deserialize_unit();
        deserialize_seq(); deserialize_identifier(); deserialize_ignored_any();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
    }
}

/// The visitor of an object with one key left out.
struct SkipKey<'r, V> {
    visitor: V,
    key: &'static str,
    repeated: &'r Cell<bool>,
}

impl<'r, V> SkipKey<'r, V> {
    fn new(visitor: V, key: &'static str, repeated: &'r Cell<bool>) -> SkipKey<'r, V> {
        SkipKey {
            visitor,
            key,
            repeated,
        }
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for SkipKey<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(KeyLeftOut {
            map,
            key: self.key,
            seen: false,
            repeated: self.repeated,
        })
    }
}

struct KeyLeftOut<'r, A> {
    map: A,
    key: &'static str,
    seen: bool,
    repeated: &'r Cell<bool>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for KeyLeftOut<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            let Some(super::object::FieldKey(key)) = self.map.next_key()? else {
                return Ok(None);
            };
            if key != self.key {
                return match key {
                    Cow::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::new(key)),
                    Cow::Owned(key) => seed.deserialize(StringDeserializer::new(key)),
                }
                .map(Some);
            }
            if self.seen {
                self.repeated.set(true);
            }
            self.seen = true;
            self.map.next_value::<IgnoredAny>()?;
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// Where inside a union's value decoding failed: the path below the union (empty for the value
/// itself), the address of the byte the parser had reached (inside the input, when the text was
/// borrowed from it), and what went wrong, without serde_json's line and column.
#[derive(Clone, Debug)]
pub(crate) struct Fault {
    pub(crate) path: String,
    /// How many steps `path` takes.
    pub(crate) depth: usize,
    pub(crate) address: usize,
    pub(crate) message: String,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

thread_local! {
    /// The failure of the union whose error is on its way out.
    static FAULT: RefCell<Option<Fault>> = const { RefCell::new(None) };
    /// How many untagged unions on this thread are trying variants, whose failures are expected.
    static TRYING: Cell<u32> = const { Cell::new(0) };
    /// How many unions on this thread are decoding a variant, one inside another.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Whether a union past the limit failed, until the outermost union is left: the unions
    /// around it fail at once when they decode again to say where, instead of each going down to
    /// the limit again.
    static TOO_DEEP: Cell<bool> = const { Cell::new(false) };
}

/// How deep unions may nest inside one another. Each union decodes its variant with a
/// deserializer of its own, whose nesting limit starts again at zero, so without this a deeply
/// nested body would overflow the stack instead of failing.
pub(crate) const UNION_DEPTH_LIMIT: u32 = 64;

/// The failure of a union, whose value is `text`, nested deeper than [`UNION_DEPTH_LIMIT`].
pub(crate) fn too_deep(text: &str) -> Fault {
    Fault {
        path: String::new(),
        depth: 0,
        address: text.as_ptr().addr(),
        message: format!(
            "recursion limit exceeded: unions nested more than {UNION_DEPTH_LIMIT} deep"
        ),
    }
}

/// Runs `decode` one union deeper; `None`, without running it, past [`UNION_DEPTH_LIMIT`].
pub(crate) fn deeper<R>(decode: impl FnOnce() -> R) -> Option<R> {
    /// Leaves the level when dropped, even by a panic.
    struct Leave;

    impl Drop for Leave {
        fn drop(&mut self) {
            let left = DEPTH.with(|depth| {
                depth.set(depth.get().saturating_sub(1));
                depth.get()
            });
            if left == 0 {
                TOO_DEEP.with(|too_deep| too_deep.set(false));
            }
        }
    }

    let depth = DEPTH.with(|depth| {
        depth.set(depth.get().saturating_add(1));
        depth.get()
    });
    let _leave = Leave;
    if depth > UNION_DEPTH_LIMIT || TOO_DEEP.with(Cell::get) {
        TOO_DEEP.with(|too_deep| too_deep.set(true));
        return None;
    }
    Some(decode())
}

/// Notes the failure of a union whose error is about to be returned.
pub(crate) fn note(fault: Fault) {
    FAULT.with(|slot| *slot.borrow_mut() = Some(fault));
}

/// The failure noted last, taken.
pub(crate) fn take_fault() -> Option<Fault> {
    FAULT.with(|slot| slot.borrow_mut().take())
}

/// Whether a failure would be thrown away by a union trying its variants, so that it need not be
/// located.
pub(crate) fn trying() -> bool {
    TRYING.with(Cell::get) > 0
}

/// Runs `attempt` as one variant's try, whose failure is not located.
pub(crate) fn quietly<R>(attempt: impl FnOnce() -> R) -> R {
    let _trying = Trying::set(|count| count.saturating_add(1));
    attempt()
}

/// Runs `explain` with failures located, even inside another union's try.
fn loudly<R>(explain: impl FnOnce() -> R) -> R {
    let _trying = Trying::set(|_| 0);
    explain()
}

/// The count of [`TRYING`] as it was, put back when dropped, even by a panic.
struct Trying(u32);

impl Trying {
    fn set(change: impl FnOnce(u32) -> u32) -> Trying {
        Trying(TRYING.with(|count| count.replace(change(count.get()))))
    }
}

impl Drop for Trying {
    fn drop(&mut self) {
        TRYING.with(|count| count.set(self.0));
    }
}

/// `inner` below `outer`, both as `serde_path_to_error` writes paths (`results[1]`, `apiKey`),
/// with `.` or nothing for the top.
pub(crate) fn join_path(outer: &str, inner: &str) -> String {
    match (outer, inner) {
        ("." | "", inner) => inner.to_owned(),
        (outer, "" | ".") => outer.to_owned(),
        (outer, inner) if inner.starts_with('[') => format!("{outer}{inner}"),
        (outer, inner) => format!("{outer}.{inner}"),
    }
}

/// How many bytes of `text` the parser had read when it stopped, from serde_json's 1-based line
/// and its column, which counts the bytes read on that line.
pub(crate) fn byte_offset(text: &[u8], line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split(|b| *b == b'\n')
        .take(line.saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum();
    (line_start + column).min(text.len())
}

/// Where in `text` an error from decoding it was raised; its end when serde_json does not say.
pub(crate) fn reached(text: &str, error: &serde_json::Error) -> usize {
    if error.line() == 0 {
        text.len()
    } else {
        byte_offset(text.as_bytes(), error.line(), error.column())
    }
}

/// serde_json's message without the line and column it adds, which would be those inside a
/// union's text rather than the body's.
pub(crate) fn message_of(error: &serde_json::Error) -> String {
    let message = error.to_string();
    if error.line() == 0 {
        return message;
    }
    let position = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&position) {
        Some(message) => message.to_owned(),
        None => message,
    }
}

/// Where decoding `text` as `T` (with `key` left out) fails, if it does: the path inside the
/// text, rendered and as a number of steps, and the error. Leniencies noted on the way are undone.
pub(crate) fn track<T: DeserializeOwned>(
    text: &str,
    key: Option<&'static str>,
) -> Option<(String, usize, serde_json::Error)> {
    let leniencies = super::trial::leniencies();
    let mut de = serde_json::Deserializer::from_str(text);
    let repeated = Cell::new(false);
    let result = match key {
        Some(key) => {
            serde_path_to_error::deserialize::<_, T>(WithoutKey::new(&mut de, key, &repeated))
                .map(drop)
        }
        None => serde_path_to_error::deserialize::<_, T>(&mut de).map(drop),
    };
    super::trial::set_leniencies(leniencies);
    let error = result.err()?;
    let depth = error.path().iter().count();
    let path = error.path().to_string();
    let path = if path == "." { String::new() } else { path };
    Some((path, depth, error.into_inner()))
}

/// Locates the failure `error` of decoding `text` as `T` (with `key` left out): decodes it again
/// with its path tracked, and where the failure is a union's inside it, goes on into that one.
///
/// The text is decoded once more, and each union inside it on the failing path locates its own
/// failure once, so that locating costs a few decodings of the text however deep unions nest.
pub(crate) fn locate<T: DeserializeOwned>(
    text: &str,
    key: Option<&'static str>,
    error: serde_json::Error,
) -> Fault {
    loudly(|| {
        drop(take_fault());
        let again = track::<T>(text, key);
        let nested = take_fault();
        let (path, depth, error) = again.unwrap_or((String::new(), 0, error));
        match nested.filter(|_| error.classify() == serde_json::error::Category::Data) {
            Some(nested) => Fault {
                path: join_path(&path, &nested.path),
                depth: depth + nested.depth,
                ..nested
            },
            None => Fault {
                path,
                depth,
                address: text.as_ptr().addr() + reached(text, &error),
                message: message_of(&error),
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn members(text: &str) -> Vec<(String, &str)> {
        Members::of(text)
            .map(|m| {
                let key =
                    serde_json::from_str::<String>(&format!("\"{}\"", m.key)).unwrap_or_default();
                (key, &text[m.start..m.end])
            })
            .collect()
    }

    #[test]
    fn members_are_found_by_skipping_values() {
        let text =
            r#" { "a" : [1, {"}": "]"}, "x\"y"] ,"b\u0022":"s\\\"" , "c":-1.5e3,"d":{},"e":null} "#;
        assert_eq!(
            members(text),
            [
                ("a".to_owned(), r#"[1, {"}": "]"}, "x\"y"]"#),
                ("b\"".to_owned(), r#""s\\\"""#),
                ("c".to_owned(), "-1.5e3"),
                ("d".to_owned(), "{}"),
                ("e".to_owned(), "null"),
            ]
        );
        assert!(Members::of(r#"{"b\u0022":1}"#).any(|m| m.is("b\"")));
        assert!(members("{}").is_empty());
        assert!(members("[1]").is_empty());
        assert!(members("").is_empty());
        assert!(members(r#"{"a""#).is_empty());
    }

    #[test]
    fn raw_text_is_borrowed_from_slices_and_owned_from_readers_and_values() {
        let text = r#"[{"a": 1}]"#;
        let borrowed: Vec<RawJson<'_>> = serde_json::from_str(text).unwrap_or_default();
        assert!(matches!(
            borrowed.as_slice(),
            [RawJson::Borrowed(r#"{"a": 1}"#)]
        ));
        let mut reader = serde_json::Deserializer::from_reader(text.as_bytes());
        let owned = Vec::<RawJson<'_>>::deserialize(&mut reader).unwrap_or_default();
        assert!(matches!(owned.as_slice(), [RawJson::Owned(t)] if t == r#"{"a": 1}"#));
        let value = serde_json::json!([{"a": 1}]);
        let owned = Vec::<RawJson<'_>>::deserialize(&value).unwrap_or_default();
        assert!(matches!(owned.as_slice(), [RawJson::Owned(t)] if t == r#"{"a":1}"#));
    }

    #[test]
    fn quotes_and_backslashes_are_found_at_every_position() {
        for length in 0..20 {
            for position in 0..length {
                for byte in [b'"', b'\\'] {
                    let mut text = vec![b'a'; length];
                    text[position] = byte;
                    for from in 0..=position {
                        assert_eq!(quote_or_backslash(&text, from), Some(position));
                    }
                    assert_eq!(quote_or_backslash(&text, position + 1), None);
                }
            }
        }
        // Bytes just above and below, and ones with the high bit set, are not hits.
        let text = [0x21, 0x23, 0x5b, 0x5d, 0xa2, 0xdc, 0x00, 0xff, 0x22];
        assert_eq!(quote_or_backslash(&text, 0), Some(8));
    }

    #[test]
    fn paths_join_below_the_union() {
        assert_eq!(join_path(".", "apiKey"), "apiKey");
        assert_eq!(join_path("results[1]", ""), "results[1]");
        assert_eq!(join_path("results[1]", "apiKey"), "results[1].apiKey");
        assert_eq!(join_path("results", "[1].x"), "results[1].x");
    }
}
