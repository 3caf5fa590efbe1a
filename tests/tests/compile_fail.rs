//! Programs that must not compile: the generated types do not let a caller leave out a required
//! credential.

#[test]
fn required_fields_cannot_be_left_out() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
