//! Hand-written support for the generated modules, shared by every crate the generator writes:
//! the secret type, tagged-union decoding, request checks and encoding, and response decoding.

mod body;
mod enums;
mod object;
mod param;
mod request;
mod response;
mod secret;
pub(crate) mod trial;
pub(crate) mod union;

pub use body::{Binary, FormField, Multipart, form_body, text_body};
pub use enums::UndocumentedValue;
pub use object::{FieldKey, MapWriter, ObjectWriter, ReadFields, required_field};
pub use param::{Shape, Style, header_value, path_value};
pub use request::{
    Check, Constraint, Operation, Query, RequestError, Rules, Validate, Validation, Violation,
    encode_segment,
};
pub use response::{
    DecodeError, ErrorDetails, ErrorResponse, Failure, RateLimit, RawResponse, Received,
    ResponseParts, VersionGone, asks_for_envelope, envelope_status, retry_after,
};
pub use secret::{MASK, ReadBackSecrets, Secret, SecretFields, ensure_supplied};
pub use trial::{Trial, decode_untagged, lenient};
pub use union::{UnknownVariant, decode_variant, take_tagged};
