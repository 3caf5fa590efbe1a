//! Programs that must not compile: the generated types do not let a caller leave out a required
//! credential, and do not let a caller write code that a later document's additive change (a new
//! optional field, a new enum value) would break: no struct literals, no exhaustive matches.

#[test]
fn required_fields_cannot_be_left_out() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
