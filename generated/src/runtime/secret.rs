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
    let mut fields = Vec::new();
    value.visit_secrets("", &mut |path, secret| {
        if secret.is_read_back() {
            fields.push(path.to_owned());
        }
    });
    if fields.is_empty() {
        Ok(())
    } else {
        Err(ReadBackSecrets { fields })
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
            ensure_supplied(&read).map_err(|e| e.fields),
            Err(vec![String::new()])
        );
        assert!(!read.clone().resend_read_value().is_read_back());
        assert!(ensure_supplied(&Some(Secret::new("k"))).is_ok());
        let list = vec![Secret::new("a"), read];
        assert_eq!(
            ensure_supplied(&list).map_err(|e| e.fields),
            Err(vec!["/1".to_owned()])
        );
    }
}
