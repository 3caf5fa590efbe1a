//! Request bodies that are not JSON: `application/x-www-form-urlencoded` forms,
//! `multipart/form-data` forms, and bodies sent as their bytes (`application/octet-stream`,
//! images, `text/plain`). The encodings themselves are done by `form_urlencoded` and
//! `common-multipart-rfc7578`; this module turns the generated values into their fields.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

use super::param::{Shape, Style};
use super::request::RequestError;

/// The bytes of a request or response body as the crate hands them over: `Debug` prints the
/// length only, since a body may hold credentials. It dereferences to `[u8]`; `into_vec` takes
/// the bytes, and with the `client` feature it converts into `reqwest::Body`, so that
/// `reqwest::Request::try_from` takes a built request as it is.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Body(Vec<u8>);

impl Body {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, taken out.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Body({} bytes)", self.0.len())
    }
}

impl std::ops::Deref for Body {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Body {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Body {
        Body(bytes)
    }
}

impl From<Body> for Vec<u8> {
    fn from(body: Body) -> Vec<u8> {
        body.0
    }
}

impl PartialEq<[u8]> for Body {
    fn eq(&self, other: &[u8]) -> bool {
        self.0 == other
    }
}

impl PartialEq<&[u8]> for Body {
    fn eq(&self, other: &&[u8]) -> bool {
        self.0 == *other
    }
}

impl PartialEq<Vec<u8>> for Body {
    fn eq(&self, other: &Vec<u8>) -> bool {
        &self.0 == other
    }
}

impl<const N: usize> PartialEq<[u8; N]> for Body {
    fn eq(&self, other: &[u8; N]) -> bool {
        self.0 == other
    }
}

#[cfg(feature = "client")]
impl From<Body> for reqwest::Body {
    fn from(body: Body) -> reqwest::Body {
        reqwest::Body::from(body.0)
    }
}

/// A header value that `Debug` does not print (`http` shows it as `Sensitive`): for parameters
/// that hold credentials.
///
/// # Errors
///
/// [`RequestError::Http`] when `value` is not a valid header value.
pub fn sensitive_header(value: &str) -> Result<http::HeaderValue, RequestError> {
    let mut value = http::HeaderValue::from_str(value).map_err(http::Error::from)?;
    value.set_sensitive(true);
    Ok(value)
}

/// Bytes of a schema with `format: binary`: a file part of a multipart form, or a body sent as it
/// is (`application/octet-stream`, images).
///
/// JSON cannot carry arbitrary bytes, so inside a JSON document a `Binary` is written as a string
/// and encoding fails for bytes that are not UTF-8 rather than changing them. `Debug` prints the
/// length only.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Binary(pub Vec<u8>);

impl Binary {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Binary({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Binary {
        Binary(bytes)
    }
}

impl From<&[u8]> for Binary {
    fn from(bytes: &[u8]) -> Binary {
        Binary(bytes.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Binary {
    fn from(bytes: &[u8; N]) -> Binary {
        Binary(bytes.to_vec())
    }
}

impl From<String> for Binary {
    fn from(text: String) -> Binary {
        Binary(text.into_bytes())
    }
}

impl From<&str> for Binary {
    fn from(text: &str) -> Binary {
        Binary(text.as_bytes().to_vec())
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.0) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => Err(serde::ser::Error::custom(
                "binary value is not UTF-8 text, which JSON cannot carry",
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Binary, D::Error> {
        struct BinaryVisitor;

        impl Visitor<'_> for BinaryVisitor {
            type Value = Binary;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string of bytes")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Binary, E> {
                Ok(Binary::from(value))
            }

            fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Binary, E> {
                Ok(Binary::from(value))
            }
        }

        deserializer.deserialize_str(BinaryVisitor)
    }
}

impl super::request::Check for Binary {
    fn check(
        &self,
        field: &str,
        rules: &super::request::Rules,
        out: &mut Vec<super::request::Violation>,
    ) {
        use super::request::{Constraint, Violation};
        let length = self.0.len();
        if let Some(min) = rules.min_length.filter(|min| length < *min) {
            out.push(Violation {
                field: field.to_owned(),
                constraint: Constraint::MinLength(min),
            });
        }
        if let Some(max) = rules.max_length.filter(|max| length > *max) {
            out.push(Violation {
                field: field.to_owned(),
                constraint: Constraint::MaxLength(max),
            });
        }
    }
}

/// An `application/x-www-form-urlencoded` body being assembled, one property at a time in the
/// order given; the encoding is `form_urlencoded`'s.
pub struct Form {
    pairs: form_urlencoded::Serializer<'static, String>,
}

impl fmt::Debug for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Form").finish_non_exhaustive()
    }
}

impl Default for Form {
    fn default() -> Form {
        Form::new()
    }
}

impl Form {
    /// An empty form.
    pub fn new() -> Form {
        Form {
            pairs: form_urlencoded::Serializer::new(String::new()),
        }
    }

    /// Adds the property `name` holding `value`, written as `style` and `explode` say for query
    /// parameters (the default for a form body is `form`, exploded: a list as repeated pairs, an
    /// object as its own `key=value` pairs). `null` adds nothing; values nested deeper are written
    /// as JSON text.
    ///
    /// # Errors
    ///
    /// [`RequestError::Encode`] when `value` cannot be serialised.
    pub fn field<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: Style,
        explode: bool,
    ) -> Result<(), RequestError> {
        let value = serde_json::to_value(value)?;
        if value.is_null() {
            return Ok(());
        }
        let separator = match style {
            Style::SpaceDelimited => " ",
            Style::PipeDelimited => "|",
            _ => ",",
        };
        match (Shape::from_json(&value), style, explode) {
            (Shape::Scalar(text), _, _) => {
                self.pairs.append_pair(name, &text);
            }
            (Shape::Object(pairs), Style::DeepObject, _) => {
                for (key, value) in pairs {
                    self.pairs.append_pair(&format!("{name}[{key}]"), &value);
                }
            }
            (Shape::List(items), _, true) => {
                for item in items {
                    self.pairs.append_pair(name, &item);
                }
            }
            (Shape::Object(pairs), _, true) => {
                for (key, value) in pairs {
                    self.pairs.append_pair(&key, &value);
                }
            }
            (shape, _, false) => {
                self.pairs.append_pair(name, &shape.flat().join(separator));
            }
        }
        Ok(())
    }

    /// The bytes of the body.
    pub fn finish(mut self) -> Vec<u8> {
        self.pairs.finish().into_bytes()
    }
}

/// A `multipart/form-data` body being assembled, one part per property (a list gives one part
/// per item, RFC 7578 section 4.3).
pub struct Multipart {
    form: common_multipart_rfc7578::client::multipart::Form<'static>,
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Multipart").finish_non_exhaustive()
    }
}

impl Default for Multipart {
    fn default() -> Multipart {
        Multipart::new()
    }
}

impl Multipart {
    /// An empty form with a random boundary.
    pub fn new() -> Multipart {
        Multipart {
            form: common_multipart_rfc7578::client::multipart::Form::default(),
        }
    }

    /// Adds `value` as text parts named `name`: a string as it is, a number or boolean as its
    /// text, each item of a list as a part of its own, and an object as its JSON text. `null`
    /// adds nothing.
    ///
    /// # Errors
    ///
    /// [`RequestError::Encode`] when `value` cannot be serialised.
    pub fn text<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), RequestError> {
        let name = part_name(name);
        let value = serde_json::to_value(value)?;
        let items = match value {
            serde_json::Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            match item {
                serde_json::Value::Null => {}
                serde_json::Value::String(text) => self.form.add_text(&name, text),
                serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                    self.form.add_text(&name, item.to_string())
                }
                scalar => self
                    .form
                    .add_text(&name, Shape::from_json(&scalar).flat().join(",")),
            }
        }
        Ok(())
    }

    /// Adds `value` as a file part named `name`, sent as its bytes with `content_type`
    /// (`application/octet-stream` when the document names none) and the property's name as
    /// its file name.
    ///
    /// # Errors
    ///
    /// [`RequestError::BodyEncoding`] when `content_type` is not a media type.
    pub fn file(
        &mut self,
        name: &str,
        value: &Binary,
        content_type: Option<&str>,
    ) -> Result<(), RequestError> {
        let media: mime::Mime = content_type
            .unwrap_or("application/octet-stream")
            .parse()
            .map_err(|e: mime::FromStrError| RequestError::BodyEncoding {
                media_type: "multipart/form-data",
                reason: format!("part `{name}`: {e}"),
            })?;
        let name = part_name(name);
        self.form.add_reader_file_with_mime(
            &name,
            std::io::Cursor::new(value.0.clone()),
            name.clone(),
            media,
        );
        Ok(())
    }

    /// The `Content-Type` (with its boundary) and the bytes of the body.
    ///
    /// # Errors
    ///
    /// [`RequestError::BodyEncoding`] when the encoder fails.
    pub fn finish(self) -> Result<(String, Vec<u8>), RequestError> {
        use futures_util::{FutureExt, TryStreamExt};
        let content_type = self.form.content_type();
        let body = common_multipart_rfc7578::client::multipart::Body::from(self.form);
        // Every part is held in memory, so the stream never waits.
        let bytes = body
            .try_concat()
            .now_or_never()
            .ok_or_else(|| RequestError::BodyEncoding {
                media_type: "multipart/form-data",
                reason: "a part did not produce its bytes at once".to_owned(),
            })?
            .map_err(|e| RequestError::BodyEncoding {
                media_type: "multipart/form-data",
                reason: e.to_string(),
            })?;
        Ok((content_type, bytes.to_vec()))
    }
}

/// A part's name as the `name` parameter of `Content-Disposition` can hold it: `"`, CR and LF
/// percent-encoded, as browsers write them (HTML's form submission rules).
fn part_name(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The text of a `text/` body: a string as it is, a number or boolean as its text, anything
/// else as JSON text.
///
/// # Errors
///
/// [`RequestError::Encode`] when `value` cannot be serialised.
pub fn text_body<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, RequestError> {
    Ok(match serde_json::to_value(value)? {
        serde_json::Value::String(text) => text.into_bytes(),
        other @ (serde_json::Value::Array(_) | serde_json::Value::Object(_)) => {
            other.to_string().into_bytes()
        }
        scalar => Shape::from_json(&scalar).flat().join(",").into_bytes(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_follow_their_style_and_encode_with_plus_for_space() {
        let mut form = Form::new();
        form.field("grant_type", "client credentials", Style::Form, true)
            .unwrap();
        form.field("scope", &None::<String>, Style::Form, true)
            .unwrap();
        form.field("audience", &["a&b", "c=d"], Style::Form, true)
            .unwrap();
        form.field("pipes", &["a", "b"], Style::PipeDelimited, false)
            .unwrap();
        let claims = serde_json::json!({"role": "admin"});
        form.field("claims", &claims, Style::DeepObject, true)
            .unwrap();
        form.field("flat", &claims, Style::Form, true).unwrap();
        assert_eq!(
            String::from_utf8(form.finish()).unwrap(),
            "grant_type=client+credentials&audience=a%26b&audience=c%3Dd&pipes=a%7Cb\
             &claims%5Brole%5D=admin&role=admin"
        );
    }

    #[test]
    fn binary_values_refuse_to_become_json_unless_they_are_text() {
        assert_eq!(
            serde_json::to_string(&Binary::from("plain")).unwrap(),
            "\"plain\""
        );
        assert!(serde_json::to_string(&Binary(vec![0xff, 0x00])).is_err());
        assert_eq!(format!("{:?}", Binary(vec![1, 2, 3])), "Binary(3 bytes)");
    }

    #[test]
    fn text_bodies_are_the_text_of_the_value() {
        assert_eq!(text_body("hello").unwrap(), b"hello");
        assert_eq!(text_body(&42).unwrap(), b"42");
        assert_eq!(text_body(&vec![1, 2]).unwrap(), b"[1,2]");
    }
}
