//! The secret type for credentials, and finding the secrets inside a value.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

/// What `Debug` and `Display` print for every secret, whatever its value or length.
pub const MASK: &str = "********";

/// A credential: an API key, token, password or private URL.
///
/// `Debug` and `Display` print [`MASK`], never the value; serialising sends the real value; the
/// memory holding it is zeroed when it is dropped.
///
/// A secret also remembers where it came from. Atlas answers reads with masked credentials
/// (`"****7890"`), and sending such a value back in an update overwrites the real credential with
/// the mask. A secret decoded from a response is therefore marked *read back*, and request
/// builders refuse to send it until the caller either replaces it with [`Secret::new`] or says
/// with [`Secret::resend_read_value`] that sending what was read is intended.
#[derive(Clone)]
pub struct Secret {
    value: Zeroizing<String>,
    read_back: bool,
}

impl Secret {
    /// A secret supplied by the caller.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret {
            value: Zeroizing::new(value.into()),
            read_back: false,
        }
    }

    /// The value itself. Take care where it goes.
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// Whether this value was decoded from a response, and so is most likely Atlas's mask rather
    /// than the credential.
    pub fn is_read_back(&self) -> bool {
        self.read_back
    }

    /// Marks a value read from a response as one to send as it is.
    pub fn resend_read_value(mut self) -> Secret {
        self.read_back = false;
        self
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// Two secrets are equal when their values are, wherever they came from.
impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        *self.value == *other.value
    }
}

impl Eq for Secret {}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret::new(value)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.value)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        let value = Zeroizing::new(String::deserialize(deserializer)?);
        Ok(Secret {
            value,
            read_back: true,
        })
    }
}

/// Types that hold secrets, and can list them with their JSON pointers.
pub trait SecretFields {
    /// Calls `visit` with the JSON pointer (below `path`) and value of every secret held.
    fn visit_secrets(&self, path: &str, visit: &mut dyn FnMut(&str, &Secret));
}

impl SecretFields for Secret {
    fn visit_secrets(&self, path: &str, visit: &mut dyn FnMut(&str, &Secret)) {
        visit(path, self);
    }
}

/// Every string of an object of a kind this version does not know may be a credential: each is
/// visited as a secret, read back when the object was decoded from a response.
impl SecretFields for super::UnknownVariant {
    fn visit_secrets(&self, path: &str, visit: &mut dyn FnMut(&str, &Secret)) {
        let read_back = self.is_read_back();
        self.visit_strings(path, &mut |pointer, value| {
            let secret = Secret {
                value: Zeroizing::new(value.to_owned()),
                read_back,
            };
            visit(pointer, &secret);
        });
    }
}

/// Every key an object keeps without declaring it may hold a credential: each is visited as a
/// secret, read back when it was kept from a response.
impl SecretFields for super::UnknownFields {
    fn visit_secrets(&self, path: &str, visit: &mut dyn FnMut(&str, &Secret)) {
        let read_back = self.is_read_back();
        self.visit_values(path, &mut |pointer, value| {
            let secret = Secret {
                value: Zeroizing::new(value.to_owned()),
                read_back,
            };
            visit(pointer, &secret);
        });
    }
}

impl<T: SecretFields> SecretFields for Option<T> {
    fn visit_secrets(&self, path: &str, visit: &mut dyn FnMut(&str, &Secret)) {
        if let Some(value) = self {
            value.visit_secrets(path, visit);
        }
    }
}

impl<T: SecretFields> SecretFields for Box<T> {
    fn visit_secrets(&self, path: &str, visit: &mut dyn FnMut(&str, &Secret)) {
        (**self).visit_secrets(path, visit);
    }
}

impl<T: SecretFields> SecretFields for Vec<T> {
    fn visit_secrets(&self, path: &str, visit: &mut dyn FnMut(&str, &Secret)) {
        for (index, value) in self.iter().enumerate() {
            value.visit_secrets(&format!("{path}/{index}"), visit);
        }
    }
}

impl<T: SecretFields> SecretFields for std::collections::BTreeMap<String, T> {
    fn visit_secrets(&self, path: &str, visit: &mut dyn FnMut(&str, &Secret)) {
        for (key, value) in self {
            let key = key.replace('~', "~0").replace('/', "~1");
            value.visit_secrets(&format!("{path}/{key}"), visit);
        }
    }
}

/// Secrets in a request body that were read from a response and not replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadBackSecrets {
    /// JSON pointers of the offending fields, as `/apiKey`; the empty pointer is the whole body
    /// (an unknown kind whose strings cannot be told apart).
    pub fields: Vec<String>,
}

impl fmt::Display for ReadBackSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} came from a response and likely hold Atlas's mask, not the credential; set them with \
             `Secret::new`, or call `Secret::resend_read_value` to send them as read (for a kind \
             this version does not know, `UnknownVariant::resend_read_values`; for keys a type \
             does not declare, `UnknownFields::resend_read_values`, or `UnknownFields::clear` to \
             leave them out)",
            self.fields
                .iter()
                // The empty pointer is the whole body.
                .map(|field| if field.is_empty() { "the body" } else { field })
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

impl std::error::Error for ReadBackSecrets {}

/// Succeeds when no secret in `value` is still the one read from a response.
pub fn ensure_supplied<T: SecretFields + ?Sized>(value: &T) -> Result<(), ReadBackSecrets> {
    supplied_secrets(value).map(drop)
}

/// As [`ensure_supplied`], returning every secret `value` holds: what a request built from it
/// sends, for [`SentSecrets::scrub`] to take out of an answer that echoes it. Request builders
/// attach them to the request as an extension.
pub fn supplied_secrets<T: SecretFields + ?Sized>(
    value: &T,
) -> Result<SentSecrets, ReadBackSecrets> {
    let mut fields = Vec::new();
    let mut sent = SentSecrets::default();
    value.visit_secrets("", &mut |path, secret| {
        if secret.is_read_back() {
            fields.push(path.to_owned());
        }
        sent.add(secret.expose().as_bytes());
    });
    if fields.is_empty() {
        Ok(sent)
    } else {
        Err(ReadBackSecrets { fields })
    }
}

/// What replaces each sent secret that an answer echoes, in its headers or body.
pub const SCRUB_MASK: &str = "****";

/// Secrets shorter than this many bytes are not scrubbed: so short a value says nothing of a
/// credential, and masking it would mangle unrelated text.
pub const MIN_SCRUBBED_LEN: usize = 4;

/// The secrets a request sends: credentials in its headers and the secret fields of its body.
///
/// A server may echo a request back in an error answer (a `detail` quoting the body, a header
/// repeating `Authorization`). [`scrub_response`](Self::scrub_response) replaces every occurrence
/// of each secret, as sent and in its JSON-escaped form, with [`SCRUB_MASK`] before the answer
/// becomes an error, so that printing the error cannot print them. Secrets shorter than
/// [`MIN_SCRUBBED_LEN`] bytes, and the JSON words `true`, `false` and `null`, are left alone.
///
/// `Debug` prints how many secrets there are, never one.
#[derive(Clone, Default)]
pub struct SentSecrets {
    /// The patterns to replace, longest first, each once.
    patterns: Vec<Zeroizing<Vec<u8>>>,
}

impl fmt::Debug for SentSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SentSecrets({} patterns)", self.patterns.len())
    }
}

impl SentSecrets {
    /// No secrets.
    pub fn new() -> SentSecrets {
        SentSecrets::default()
    }

    /// Adds a secret, as sent and in its JSON-escaped form.
    pub fn add(&mut self, secret: &[u8]) {
        if secret.len() < MIN_SCRUBBED_LEN || matches!(secret, b"true" | b"false" | b"null") {
            return;
        }
        if let Ok(text) = std::str::from_utf8(secret)
            && let Ok(quoted) = serde_json::to_string(text)
        {
            let escaped = &quoted.as_bytes()[1..quoted.len() - 1];
            if escaped != secret {
                self.insert(escaped);
            }
        }
        self.insert(secret);
    }

    fn insert(&mut self, pattern: &[u8]) {
        if self.patterns.iter().any(|p| p.as_slice() == pattern) {
            return;
        }
        // Longest first: a secret that contains another is replaced whole.
        let at = self.patterns.partition_point(|p| p.len() >= pattern.len());
        self.patterns.insert(at, Zeroizing::new(pattern.to_vec()));
    }

    /// Adds every secret of `other`.
    pub fn extend(&mut self, other: &SentSecrets) {
        for pattern in &other.patterns {
            self.insert(pattern);
        }
    }

    /// Whether there is no secret to scrub.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// `bytes` with every occurrence of each secret replaced by [`SCRUB_MASK`], or `None` when
    /// none occurs. Each secret costs one linear search.
    pub fn scrub(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        let mut scrubbed: Option<Vec<u8>> = None;
        for pattern in &self.patterns {
            let text = scrubbed.as_deref().unwrap_or(bytes);
            let finder = memchr::memmem::Finder::new(pattern.as_slice());
            let mut found = finder.find_iter(text).peekable();
            if found.peek().is_none() {
                continue;
            }
            let mut out = Vec::with_capacity(text.len());
            let mut from = 0;
            for at in found {
                // Overlapping occurrences are covered by the mask already written.
                if at < from {
                    continue;
                }
                out.extend_from_slice(&text[from..at]);
                out.extend_from_slice(SCRUB_MASK.as_bytes());
                from = at + pattern.len();
            }
            out.extend_from_slice(&text[from..]);
            scrubbed = Some(out);
        }
        scrubbed
    }

    /// Scrubs every header value (a scrubbed value stays sensitive if it was). A value that holds
    /// a secret only once percent-decoded (a `Location` carrying it in its query, say) is
    /// replaced whole by [`SCRUB_MASK`].
    pub fn scrub_headers(&self, headers: &mut http::HeaderMap) {
        if self.is_empty() {
            return;
        }
        for value in headers.values_mut() {
            let scrubbed = match self.scrub(value.as_bytes()) {
                Some(bytes) => http::HeaderValue::from_bytes(&bytes).ok(),
                None => {
                    let decoded: Vec<u8> =
                        percent_encoding::percent_decode(value.as_bytes()).collect();
                    self.scrub(&decoded)
                        .map(|_| http::HeaderValue::from_static(SCRUB_MASK))
                }
            };
            if let Some(mut scrubbed) = scrubbed {
                scrubbed.set_sensitive(value.is_sensitive());
                *value = scrubbed;
            }
        }
    }

    /// Scrubs an answer's header values and, with `body`, its body.
    ///
    /// A JSON body may spell a secret with escapes of its own choosing (`\u0074oken`, `\/`),
    /// which decoding undoes: when the body's canonical form (decoded and written again, every
    /// escape as `serde_json` writes it) still holds a secret, the body becomes that canonical
    /// form, scrubbed.
    pub fn scrub_response(&self, response: &mut http::Response<Vec<u8>>, body: bool) {
        self.scrub_headers(response.headers_mut());
        if !body || self.is_empty() {
            return;
        }
        if let Some(scrubbed) = self.scrub(response.body()) {
            *response.body_mut() = scrubbed;
        }
        let canonical = serde_json::from_slice::<serde_json::Value>(response.body())
            .ok()
            .and_then(|value| serde_json::to_vec(&value).ok());
        if let Some(scrubbed) = canonical.and_then(|canonical| self.scrub(&canonical)) {
            *response.body_mut() = scrubbed;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_print_a_fixed_mask_and_serialise_the_value() {
        let secret = Secret::new("abcd1234");
        assert_eq!(format!("{secret:?}"), MASK);
        assert_eq!(format!("{secret}"), MASK);
        assert_eq!(
            serde_json::to_string(&secret).ok().as_deref(),
            Some("\"abcd1234\"")
        );
    }

    #[test]
    fn decoded_secrets_are_read_back_until_replaced_or_confirmed() {
        let read: Secret = serde_json::from_str("\"****7890\"").unwrap_or_else(|_| Secret::new(""));
        assert!(read.is_read_back());
        assert_eq!(
            ensure_supplied(&read).err().map(|e| e.fields),
            Some(vec![String::new()])
        );
        assert!(!read.clone().resend_read_value().is_read_back());
        assert!(ensure_supplied(&Some(Secret::new("k"))).is_ok());
        let list = vec![Secret::new("a"), read];
        assert_eq!(
            ensure_supplied(&list).err().map(|e| e.fields),
            Some(vec!["/1".to_owned()])
        );
    }

    #[test]
    fn sent_secrets_are_scrubbed_raw_and_json_escaped() {
        let body = Some(vec![Secret::new("k\"ey-1234"), Secret::new("abc")]);
        let sent = supplied_secrets(&body).unwrap_or_default();
        let echoed = br#"{"detail": "bad key k\"ey-1234 or k"ey-1234, abc"}"#;
        let scrubbed = sent.scrub(echoed).unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&scrubbed),
            r#"{"detail": "bad key **** or ****, abc"}"#
        );
        assert_eq!(sent.scrub(b"nothing here"), None);
        let mut nested = SentSecrets::new();
        nested.add(b"Basic dXNlcjpwYXNz");
        nested.add(b"dXNlcjpwYXNz");
        let scrubbed = nested
            .scrub(b"Basic dXNlcjpwYXNz; dXNlcjpwYXNz")
            .unwrap_or_default();
        assert_eq!(scrubbed, b"****; ****");
        assert_eq!(format!("{nested:?}"), "SentSecrets(2 patterns)");
    }
}
