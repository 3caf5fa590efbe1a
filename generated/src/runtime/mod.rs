//! Hand-written support for the generated modules, shared by every crate the generator writes:
//! object reading and writing, the secret type, tagged-union decoding, request checks and
//! encoding, and response decoding.
//!
//! What a user of the crate meets is documented here: [`Secret`], the body of a built request
//! ([`Body`]) and of a response ([`ResponseBody`]), the errors of building a request
//! ([`RequestError`]) and of reading a response ([`DecodeError`], [`ErrorResponse`],
//! [`RawResponse`]), [`ResponseParts`] for status, headers and rate limits, the undeclared keys
//! a struct keeps ([`UnknownFields`]), and the [`Operation`] trait every request builder
//! implements. The rest is public only so that the generated modules can call it, and is hidden
//! from the documentation.

mod body;
mod enums;
mod object;
mod param;
mod raw;
mod request;
mod response;
mod secret;
pub(crate) mod trial;
pub(crate) mod union;

#[cfg(feature = "client")]
pub(crate) use response::{BodyLength, debug_response};

// What users of the crate meet: secrets, bodies, errors, the trait every builder implements.
pub use body::{Binary, Body, sensitive_header};
pub use enums::UndocumentedValue;
pub use object::UnknownFields;
pub use request::{Constraint, Operation, RequestError, Validation, Violation, absolute};
pub use response::{
    DecodeError, ErrorDetails, ErrorResponse, MaskedHeaders, RateLimit, RawResponse, ResponseBody,
    ResponseParts, VersionGone, retry_after,
};
pub use secret::{
    MASK, MIN_SCRUBBED_LEN, ReadBackSecrets, SCRUB_MASK, Secret, SecretFields, SentSecrets,
};
pub use union::UnknownVariant;

// What only the generated modules call: public so that they can, hidden from the docs.
#[doc(hidden)]
pub use body::{Form, Multipart, text_body};
#[doc(hidden)]
pub use object::{
    Field, FieldRead, Object, ObjectRead, ObjectWriter, Presence, Undeclared, read_object,
    required, write_object,
};
#[doc(hidden)]
pub use param::{Shape, Style, header_value, path_value};
#[doc(hidden)]
pub use request::{Check, PathBuilder, Query, Rules, Validate, encode_segment};
#[doc(hidden)]
pub use response::{Failure, Received, asks_for_envelope, envelope_status};
#[doc(hidden)]
pub use secret::{ensure_supplied, supplied_secrets};
#[doc(hidden)]
pub use trial::{Trial, decode_untagged, lenient};
#[doc(hidden)]
pub use union::{TaggedObject, UnionError};
