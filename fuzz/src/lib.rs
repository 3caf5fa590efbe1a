//! What the fuzz targets check, one function per target: each takes the fuzzer's bytes and
//! panics when the generated crate breaks a property it promises. The regression tests of the
//! normal suite (`tests/tests/fuzz_regressions.rs`) include this file and run the same checks on
//! the inputs kept under `tests/fixtures/fuzz/`.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::fmt::{self, Debug};

use atlas_integrations::operations::{
    CreateThirdPartyIntegration, CreateThirdPartyIntegrationError, DeleteThirdPartyIntegration,
    DeleteThirdPartyIntegrationError, GetThirdPartyIntegration, GetThirdPartyIntegrationError,
    ListThirdPartyIntegrations, ListThirdPartyIntegrationsError, UpdateThirdPartyIntegration,
    UpdateThirdPartyIntegrationError,
};
use atlas_integrations::runtime::{DecodeError, Operation, Received, ResponseParts};
use atlas_integrations::types::{
    Datadog, IntegrationType, Link, PaginatedIntegrationView, ThirdPartyIntegration,
};
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";

/// The kinds the document maps to a variant.
const KINDS: [&str; 9] = [
    "PAGER_DUTY",
    "SLACK",
    "DATADOG",
    "NEW_RELIC",
    "OPS_GENIE",
    "VICTOR_OPS",
    "WEBHOOK",
    "PROMETHEUS",
    "MICROSOFT_TEAMS",
];

/// Bytes read from the front, as the fuzz input's format says.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        first
    }

    fn take(&mut self, len: usize) -> &'a [u8] {
        let (taken, rest) = self.0.split_at(len.min(self.0.len()));
        self.0 = rest;
        taken
    }
}

/// `parse_response` of every operation, on any status, headers and body.
///
/// The input: one byte choosing the operation (its value modulo 5: list, get, update, create,
/// delete; bit 7 asks for `envelope=true`, bit 6 lends the body as `&[u8]` rather than a
/// `Vec<u8>`), two bytes of status (big-endian, taken into 100..=599), one byte of header count
/// (modulo 8), each header as a length byte (modulo 32) and its name, a length byte (modulo 64)
/// and its value (headers that `http` refuses are left out), and the rest as the body.
///
/// Checked: nothing panics; an output encodes and decodes back to itself; every error prints,
/// keeps the status and body, and a decoding error places its failure inside the body and leaves
/// out the values it could not read.
pub fn parse_response(data: &[u8]) {
    let mut input = Input(data);
    let selector = input.byte();
    let status = u16::from_be_bytes([input.byte(), input.byte()]) % 500 + 100;
    let mut response = http::Response::builder().status(status);
    for _ in 0..input.byte() % 8 {
        let name_len = usize::from(input.byte() % 32);
        let name = input.take(name_len);
        let value_len = usize::from(input.byte() % 64);
        let value = input.take(value_len);
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name),
            http::HeaderValue::from_bytes(value),
        ) {
            response = response.header(name, value);
        }
    }
    let body = input.0;
    let envelope = selector & 0x80 != 0;
    let lend = selector & 0x40 != 0;
    let Ok(response) = response.body(body) else {
        return;
    };
    match selector % 5 {
        0 => answer(
            &ListThirdPartyIntegrations::new(GROUP).envelope(envelope),
            response,
            envelope,
            lend,
        ),
        1 => answer(
            &GetThirdPartyIntegration::new(GROUP, IntegrationType::Datadog).envelope(envelope),
            response,
            envelope,
            lend,
        ),
        2 => answer(
            &UpdateThirdPartyIntegration::new(GROUP, Datadog::new("key")).envelope(envelope),
            response,
            envelope,
            lend,
        ),
        3 => answer(
            &CreateThirdPartyIntegration::new(GROUP, Datadog::new("key")).envelope(envelope),
            response,
            envelope,
            lend,
        ),
        _ => answer(
            &DeleteThirdPartyIntegration::new(GROUP, IntegrationType::Slack).envelope(envelope),
            response,
            envelope,
            lend,
        ),
    }
}

/// The operations' error enums, each with its decoding failure.
trait Failed: Debug + fmt::Display + ResponseParts {
    fn decode(&self) -> Option<&DecodeError>;
}

macro_rules! failed {
    ($($error:ident),*) => {
        $(
            impl Failed for $error {
                fn decode(&self) -> Option<&DecodeError> {
                    match self {
                        $error::Decode(error) => Some(error),
                        _ => None,
                    }
                }
            }
        )*
    };
}

failed!(
    ListThirdPartyIntegrationsError,
    GetThirdPartyIntegrationError,
    UpdateThirdPartyIntegrationError,
    CreateThirdPartyIntegrationError,
    DeleteThirdPartyIntegrationError
);

fn answer<O>(operation: &O, response: http::Response<&[u8]>, envelope: bool, lend: bool)
where
    O: Operation,
    O::Output: Debug + Serialize + DeserializeOwned + PartialEq,
    O::Error: Failed,
{
    let status = response.status();
    let body = response.body().to_vec();
    let result = if lend {
        operation.parse_response(response)
    } else {
        operation.parse_response(response.map(<[u8]>::to_vec))
    };
    match result {
        Ok(output) => {
            let _ = format!("{output:?}");
            stable(&output);
        }
        Err(error) => {
            let shown = error.to_string();
            assert!(!shown.is_empty());
            let _ = format!("{error:?}");
            let _ = (error.retry_after(), error.rate_limit());
            assert_eq!(error.status(), received_status(status, envelope, &body));
            if let Some(decode) = error.decode() {
                assert_eq!(&decode.body[..], &body[..]);
                placed(decode, &body);
            }
        }
    }
}

/// The status an answer counts as: with an envelope asked for, the one an object body names in
/// its `status`, where that is a status.
fn received_status(status: http::StatusCode, envelope: bool, body: &[u8]) -> http::StatusCode {
    let named = || {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        let named = u16::try_from(value.as_object()?.get("status")?.as_u64()?).ok()?;
        http::StatusCode::from_u16(named).ok()
    };
    if envelope {
        named().unwrap_or(status)
    } else {
        status
    }
}

/// A decoding failure names a path, a byte inside the body, and no value it could not read.
fn placed(error: &DecodeError, body: &[u8]) {
    assert!(!error.path.is_empty());
    if let Some(offset) = error.offset {
        assert!(offset <= body.len(), "offset {offset} past {}", body.len());
    }
    assert!(
        !error.message.replace("\"…\"", "").contains('"'),
        "a value is quoted in {:?}",
        error.message
    );
}

/// Encodes `value`, decodes the text back to an equal value, and encodes that to the same text.
fn stable<T: Debug + Serialize + DeserializeOwned + PartialEq>(value: &T) {
    let text = serde_json::to_vec(value).expect("a decoded value encodes");
    let back: T = serde_json::from_slice(&text).unwrap_or_else(|error| {
        panic!(
            "{error}: {value:?} encodes to {} which does not decode",
            String::from_utf8_lossy(&text)
        )
    });
    assert_eq!(&back, value, "{}", String::from_utf8_lossy(&text));
    let again = serde_json::to_vec(&back).expect("a decoded value encodes");
    assert_eq!(
        String::from_utf8_lossy(&again),
        String::from_utf8_lossy(&text)
    );
}

/// `ThirdPartyIntegration` and `PaginatedIntegrationView` from any bytes.
///
/// Checked: nothing panics; a slice (the text borrowed) and a reader (the text copied) decode to
/// the same value or both fail; against serde_json's own reading of the members, an object
/// without a `type`, with two, or with one that is not a string is refused, and one whose `type`
/// is a kind this version does not know decodes to the catch-all, its text kept as received; a
/// decoded integration's kind is the input's `type`; decode → encode → decode gives the same
/// value and the same text; a response with the body fails, if it does, at a byte inside the
/// body.
pub fn integration(data: &[u8]) {
    let integration = same_from_slice_and_reader::<ThirdPartyIntegration>(data);
    let members = members(data).unwrap_or_default();
    let tags: Vec<&RawValue> = members
        .iter()
        .filter(|(key, _)| key == "type")
        .map(|(_, value)| &**value)
        .collect();
    match (tags.as_slice(), &integration) {
        ([tag], Some(integration)) => {
            let tag: String = serde_json::from_str(tag.get()).expect("the kind is a string");
            assert_eq!(integration.discriminator(), tag);
            if let ThirdPartyIntegration::Unknown(unknown) = integration {
                assert!(!KINDS.contains(&tag.as_str()), "{tag} is a known kind");
                let text = std::str::from_utf8(data).expect("JSON text");
                assert_eq!(
                    unknown.json().get(),
                    text.trim_matches([' ', '\t', '\n', '\r'])
                );
            } else {
                assert!(KINDS.contains(&tag.as_str()), "{tag} is no known kind");
            }
        }
        ([tag], None) => {
            if let Ok(tag) = serde_json::from_str::<String>(tag.get()) {
                assert!(
                    KINDS.contains(&tag.as_str()),
                    "an unknown kind {tag:?} is refused"
                );
            }
        }
        (_, decoded) => assert!(decoded.is_none(), "decoded without one `type`: {decoded:?}"),
    }
    if let Some(integration) = &integration {
        stable(integration);
        // Every secret read back, the unknown kind's strings included, is found by the guard.
        let _ = atlas_integrations::runtime::ensure_supplied(integration);
        let _ = format!("{integration:?}");
    }
    if let Some(page) = same_from_slice_and_reader::<PaginatedIntegrationView>(data) {
        stable(&page);
    }
    let response = http::Response::builder()
        .status(200)
        .body(data)
        .expect("a plain response");
    if let Err(error) = Received::new(response, false).json::<PaginatedIntegrationView>() {
        placed(&error, data);
    }
}

fn same_from_slice_and_reader<T: Debug + DeserializeOwned + PartialEq>(data: &[u8]) -> Option<T> {
    let from_slice = serde_json::from_slice::<T>(data);
    let from_reader = serde_json::from_reader::<_, T>(data);
    match (from_slice, from_reader) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b);
            Some(a)
        }
        (Err(_), Err(_)) => None,
        (a, b) => panic!("a slice gives {a:?}, a reader {b:?}"),
    }
}

/// The object helper on objects with any keys, read as `Link` (two optional string properties,
/// `href` and `rel`, and every other key kept).
///
/// Checked against serde_json's own reading of the object's members (duplicates and order kept,
/// each value's raw text), a slice and a reader alike: the object decodes exactly when no key repeats and `href` and `rel`,
/// where present, are strings or `null`; the declared fields hold those values; every other key
/// is kept, in order, with its value's text as received; decode → encode → decode gives the same
/// value and text, the declared fields first and the kept keys after them as received.
pub fn object_keys(data: &[u8]) {
    let decoded = same_from_slice_and_reader::<Link>(data).ok_or(());
    let Some(members) = members(data) else {
        assert!(decoded.is_err(), "not an object, yet {decoded:?}");
        return;
    };
    let repeated = members
        .iter()
        .enumerate()
        .any(|(i, (key, _))| members[..i].iter().any(|(k, _)| k == key));
    let declared = |name: &str| {
        members
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, raw)| serde_json::from_str::<Option<String>>(raw.get()))
    };
    let (href, rel) = (declared("href"), declared("rel"));
    let fits = |value: &Option<Result<Option<String>, serde_json::Error>>| {
        value.as_ref().is_none_or(Result::is_ok)
    };
    let expected = !repeated && fits(&href) && fits(&rel);
    let link = match decoded {
        Ok(link) => {
            assert!(expected, "decoded although it should not: {members:?}");
            link
        }
        Err(()) => {
            assert!(!expected, "not decoded: {members:?}");
            return;
        }
    };
    let value = |v: Option<Result<Option<String>, serde_json::Error>>| v.and_then(|r| r.ok()?);
    assert_eq!(link.href, value(href));
    assert_eq!(link.rel, value(rel));
    let kept: Vec<(&str, &str)> = link
        .unknown_fields
        .iter()
        .map(|(k, v)| (k, v.get()))
        .collect();
    let undeclared: Vec<(&str, &str)> = members
        .iter()
        .filter(|(key, _)| key != "href" && key != "rel")
        .map(|(key, raw)| (key.as_str(), raw.get()))
        .collect();
    assert_eq!(kept, undeclared);
    stable(&link);
    let text = serde_json::to_string(&link).expect("a decoded value encodes");
    let mut written = String::from("{");
    for (key, value) in [("href", &link.href), ("rel", &link.rel)] {
        if let Some(value) = value {
            written.push_str(&serde_json::to_string(key).expect("a key encodes"));
            written.push(':');
            written.push_str(&serde_json::to_string(value).expect("a string encodes"));
            written.push(',');
        }
    }
    for (key, raw) in &undeclared {
        written.push_str(&serde_json::to_string(key).expect("a key encodes"));
        written.push(':');
        written.push_str(raw);
        written.push(',');
    }
    if written.len() > 1 {
        written.pop();
    }
    written.push('}');
    assert_eq!(text, written);
}

/// The members of a JSON object as serde_json reads them, in order and with duplicates, each
/// value as its raw text; `None` when `data` is not one JSON object.
fn members(data: &[u8]) -> Option<Vec<(String, Box<RawValue>)>> {
    struct Members;

    impl<'de> Visitor<'de> for Members {
        type Value = Vec<(String, Box<RawValue>)>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut members = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                members.push((key, map.next_value()?));
            }
            Ok(members)
        }
    }

    struct Object(Vec<(String, Box<RawValue>)>);

    impl<'de> Deserialize<'de> for Object {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_map(Members).map(Object)
        }
    }

    serde_json::from_slice::<Object>(data).ok().map(|o| o.0)
}
