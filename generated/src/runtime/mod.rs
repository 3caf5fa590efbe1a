//! Hand-written support for the generated modules, shared by every crate the generator writes:
//! object reading and writing, the secret type, tagged-union decoding, request checks and encoding, and response decoding.

mod body;
mod object;
mod param;
mod raw;
mod request;
mod response;
mod secret;
pub(crate) mod trial;
pub(crate) mod union;

pub use body::{Binary, Body, Form, Multipart, sensitive_header, text_body};
pub use object::{
    Field, FieldRead, Object, ObjectRead, ObjectWriter, Presence, Undeclared, UnknownFields,
    read_object, required, write_object,
};
pub use param::{Shape, Style, header_value, path_value};
pub use request::{
    Check, Constraint, Operation, Query, RequestError, Rules, Validate, Validation, Violation,
    absolute, encode_segment,
};
pub use response::{
    DecodeError, ErrorDetails, ErrorResponse, Failure, RateLimit, RawResponse, Received,
    ResponseBody, ResponseParts, VersionGone, asks_for_envelope, envelope_status, retry_after,
};
pub use secret::{MASK, ReadBackSecrets, Secret, SecretFields, ensure_supplied};
pub use trial::{Trial, decode_untagged, lenient};
pub use union::{TaggedObject, UnionError, UnknownVariant};
