//! What the generated types read and write, byte for byte: integers as wide as their format,
//! `null` wherever the document allows it, undeclared keys kept, enums written as unquoted YAML
//! scalars, and unions decoded to the variant the data is.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codegen_tests::fixtures::{
    additional_properties, integer_formats, nullable_members, unquoted_enum,
};
use serde_json::json;

/// Decodes `text`, checks that encoding gives back exactly `text`, and returns the value.
fn exact<T: serde::de::DeserializeOwned + serde::Serialize>(text: &str) -> T {
    let value: T = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&value).unwrap(), text);
    value
}

#[test]
fn integer_formats_are_as_wide_as_the_document_says() {
    use integer_formats::types::Volume;
    let text = r#"{"sizeBytes":18446744073709551615,"inodes":4294967295,"shift":-128,"port":65535,"level":255,"offset":-32768,"count":-2147483648,"total":-9223372036854775808,"plain":9223372036854775807,"serial":-1,"ratio":0.5,"average":0.1,"weight":2.5}"#;
    let volume: Volume = exact(text);
    assert_eq!(volume.size_bytes, u64::MAX);
    assert_eq!(volume.inodes, u32::MAX);
    assert_eq!(volume.shift, Some(i8::MIN));
    assert_eq!(volume.port, Some(u16::MAX));
    assert_eq!(volume.level, Some(u8::MAX));
    assert_eq!(volume.offset, Some(i16::MIN));
    assert_eq!(volume.count, Some(i32::MIN));
    assert_eq!(volume.total, Some(i64::MIN));
    // No format, or one the generator does not know: i64.
    assert_eq!(volume.plain, Some(i64::MAX));
    assert_eq!(volume.serial, Some(-1_i64));
    assert_eq!(volume.ratio, Some(0.5_f32));
    assert_eq!(volume.average, Some(0.1_f64));
    // A value outside the format's range is refused, not wrapped.
    assert!(serde_json::from_str::<Volume>(r#"{"sizeBytes":-1,"inodes":0}"#).is_err());
    assert!(serde_json::from_str::<Volume>(r#"{"sizeBytes":0,"inodes":4294967296}"#).is_err());
    assert!(serde_json::from_str::<Volume>(r#"{"sizeBytes":0,"inodes":0,"shift":128}"#).is_err());
}

#[test]
fn unsigned_query_parameters_are_checked_and_sent() {
    use integer_formats::operations::GetVolume;
    let request = GetVolume::new("v1")
        .min_inodes(4_000_000_000_u32)
        .build()
        .unwrap();
    assert_eq!(
        request.uri().to_string(),
        "/volumes/v1?minInodes=4000000000"
    );
    assert!(GetVolume::new("v1").min_inodes(0_u32).build().is_err());
}

#[test]
fn null_decodes_in_map_values_array_items_references_and_union_members() {
    use nullable_members::types::{LabelSet, Limit, NullableOwner, Owner};
    let text = r#"{"labels":{"env":"prod","team":null},"scores":[1.5,null],"owners":[{"name":"ana"},null],"previous":[null,{"name":"bo"}],"limit":null}"#;
    let set: LabelSet = serde_json::from_str(text).unwrap();
    assert_eq!(set.labels.get("team"), Some(&None));
    assert_eq!(set.labels.get("env"), Some(&Some("prod".to_owned())));
    assert_eq!(set.scores, Some(vec![Some(1.5), None]));
    assert_eq!(set.owners, Some(vec![Some(Owner::new("ana")), None]));
    assert_eq!(
        set.previous,
        Some(vec![None, Some(NullableOwner::new("bo"))])
    );
    // `limit` is an optional field: its own `null` is an absent value, left out on the way back.
    assert_eq!(set.limit, None);
    assert_eq!(
        serde_json::to_string(&set).unwrap(),
        r#"{"labels":{"env":"prod","team":null},"scores":[1.5,null],"owners":[{"name":"ana"},null],"previous":[null,{"name":"bo"}]}"#
    );
    // The union's nullable member takes `null` itself.
    let limit: Limit = exact("null");
    assert_eq!(limit, Limit::Integer(None));
    assert_eq!(exact::<Limit>("7"), Limit::Integer(Some(7)));
    assert_eq!(
        exact::<Limit>(r#""none""#),
        Limit::String("none".to_owned())
    );
}

#[test]
fn undeclared_keys_are_kept_beside_declared_properties() {
    use additional_properties::types::{Annotations, Closed, Settings};
    let text = r#"{"theme":"dark","font":"serif","lang":"en"}"#;
    let settings: Settings = exact(text);
    assert_eq!(settings.theme, "dark");
    assert_eq!(settings.additional_properties.len(), 2);
    assert_eq!(settings.additional_properties["font"], "serif");
    // A value of the wrong type for the extra keys is refused.
    assert!(serde_json::from_str::<Settings>(r#"{"theme":"dark","size":3}"#).is_err());
    // An extra key named like a declared one is not written twice.
    let mut shadow = Settings::new("light");
    shadow
        .additional_properties
        .insert("theme".to_owned(), "ignored".to_owned());
    assert_eq!(
        serde_json::to_string(&shadow).unwrap(),
        r#"{"theme":"light"}"#
    );
    // A property named like the field of extra keys keeps its name; the map takes another.
    let annotations: Annotations = exact(r#"{"additional_properties":true,"note":[1,{"a":null}]}"#);
    assert_eq!(annotations.additional_properties, Some(true));
    assert_eq!(
        annotations.additional_properties_2["note"],
        json!([1, {"a": null}])
    );
    // `additionalProperties: false` keeps nothing.
    let closed: Closed = serde_json::from_str(r#"{"name":"n","x":1}"#).unwrap();
    assert_eq!(serde_json::to_string(&closed).unwrap(), r#"{"name":"n"}"#);
}

#[test]
fn enums_written_as_unquoted_scalars_are_string_enums() {
    use unquoted_enum::types::{Junction, JunctionApiLevel, JunctionKind, JunctionLanes};
    let junction: Junction = exact(r#"{"kind":"false","apiLevel":"1.0","lanes":"2"}"#);
    assert_eq!(junction.kind, JunctionKind::False);
    assert_eq!(junction.api_level, JunctionApiLevel::V10);
    assert_eq!(junction.lanes, Some(JunctionLanes::V2));
    assert_eq!(JunctionApiLevel::V20.as_str(), "2.0");
    assert_eq!(JunctionKind::from("dead-end"), JunctionKind::DeadEnd);
    // The values are strings on the wire: a JSON boolean or number is not one of them.
    assert!(serde_json::from_str::<Junction>(r#"{"kind":false,"apiLevel":"1.0"}"#).is_err());
    assert!(serde_json::from_str::<Junction>(r#"{"kind":"fork","apiLevel":1.0}"#).is_err());
}
