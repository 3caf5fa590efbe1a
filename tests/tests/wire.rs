//! What the generated types read and write, byte for byte: integers as wide as their format,
//! `null` wherever the document allows it, undeclared keys kept, enums written as unquoted YAML
//! scalars, and unions decoded to the variant the data is.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codegen_tests::fixtures::{
    additional_properties, alert_configurations, integer_formats, nullable_members,
    one_of_untagged, unquoted_enum,
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
fn a_property_named_like_the_kept_keys_takes_another_name() {
    use codegen_tests::fixtures::names::types::Note;
    let text = r#"{"text":"t","unknownFields":"mine","later":[1, 2]}"#;
    let note: Note = serde_json::from_str(text).unwrap();
    assert_eq!(note.unknown_fields_2.as_deref(), Some("mine"));
    assert_eq!(note.unknown_fields.keys().collect::<Vec<_>>(), ["later"]);
    assert_eq!(
        serde_json::to_string(&note).unwrap(),
        r#"{"text":"t","unknownFields":"mine","later":[1, 2]}"#
    );
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

#[test]
fn notifications_decode_to_the_variant_their_type_name_says() {
    use alert_configurations::types::{
        AlertsNotificationRootForGroup as Notification, GroupAlertsConfig, PaginatedAlertConfig,
    };
    let page = json!({
        "results": [{
            "enabled": true,
            "eventTypeName": "HOST_DOWN",
            "notifications": [
                {"typeName": "EMAIL", "emailAddress": "ops@example.com", "delayMin": 0, "intervalMin": 5},
                {"typeName": "SLACK", "channelName": "#alerts", "apiToken": "xoxb-1", "delayMin": 1},
                {"typeName": "DATADOG", "datadogApiKey": "dd-key", "datadogRegion": "EU"},
                {"typeName": "GROUP", "roles": ["GROUP_OWNER"], "emailEnabled": true},
                {"typeName": "PAGER_DUTY", "serviceKey": "pd-key"}
            ]
        }],
        "totalCount": 1
    });
    let decoded: PaginatedAlertConfig = serde_json::from_value(page.clone()).unwrap();
    assert_eq!(serde_json::to_value(&decoded).unwrap(), page);
    let results = decoded.results.unwrap();
    let GroupAlertsConfig::HostDown(config) = &results[0] else {
        panic!("not a HOST_DOWN configuration: {:?}", results[0]);
    };
    let [email, slack, datadog, group, pager_duty] = config.notifications.as_slice() else {
        panic!("five notifications expected");
    };
    let Notification::Email(email) = email else {
        panic!("not an email notification: {email:?}");
    };
    assert_eq!(email.email_address.as_deref(), Some("ops@example.com"));
    assert_eq!(email.interval_min, Some(5));
    let Notification::Slack(slack) = slack else {
        panic!("not a Slack notification: {slack:?}");
    };
    assert_eq!(slack.channel_name.as_deref(), Some("#alerts"));
    assert_eq!(slack.api_token.as_ref().map(|t| t.expose()), Some("xoxb-1"));
    let Notification::Datadog(datadog) = datadog else {
        panic!("not a Datadog notification: {datadog:?}");
    };
    assert_eq!(
        datadog.datadog_api_key.as_ref().map(|k| k.expose()),
        Some("dd-key")
    );
    assert!(matches!(group, Notification::Group(g) if g.email_enabled == Some(true)));
    assert_eq!(pager_duty.discriminator(), "PAGER_DUTY");
    assert!(matches!(pager_duty, Notification::Unknown(_)));
}

#[test]
fn alert_configurations_decode_by_event_type_including_multi_value_kinds() {
    use alert_configurations::types::GroupAlertsConfig;
    let wire = json!({"eventTypeName": "CPS_SNAPSHOT_FAILED", "notifications": []});
    let config: GroupAlertsConfig = serde_json::from_value(wire.clone()).unwrap();
    assert!(matches!(config, GroupAlertsConfig::CpsSnapshotFailed(_)));
    assert_eq!(config.discriminator(), "CPS_SNAPSHOT_FAILED");
    assert_eq!(serde_json::to_value(&config).unwrap(), wire);
    let cluster: GroupAlertsConfig = serde_json::from_value(
        json!({"eventTypeName": "CLUSTER_MONGOS_IS_MISSING", "notifications": [], "enabled": false}),
    )
    .unwrap();
    assert!(
        matches!(cluster, GroupAlertsConfig::ClusterMongosIsMissing(c) if c.enabled == Some(false))
    );
    let later: GroupAlertsConfig =
        serde_json::from_value(json!({"eventTypeName": "NEW_EVENT", "notifications": []})).unwrap();
    assert!(matches!(later, GroupAlertsConfig::Unknown(_)));
}

#[test]
fn an_event_type_a_catch_all_kind_also_lists_is_the_narrower_kinds() {
    use alert_configurations::types::GroupAlertsConfig;
    let text = r#"{"eventTypeName":"STREAM_PROCESSOR_STATE_IS_FAILED","notifications":[],"matchers":["orders"]}"#;
    let config: GroupAlertsConfig = serde_json::from_str(text).unwrap();
    let GroupAlertsConfig::StreamProcessorStateIsFailed(stream) = &config else {
        panic!("not the stream processor's configuration: {config:?}");
    };
    assert_eq!(stream.matchers.as_deref(), Some(&["orders".to_owned()][..]));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&serde_json::to_string(&config).unwrap())
            .unwrap(),
        serde_json::from_str::<serde_json::Value>(text).unwrap()
    );
    // The catch-all kind keeps the rest of its list.
    let billing: GroupAlertsConfig = serde_json::from_value(
        json!({"eventTypeName": "CREDIT_CARD_ABOUT_TO_EXPIRE", "notifications": []}),
    )
    .unwrap();
    assert!(matches!(
        billing,
        GroupAlertsConfig::CreditCardAboutToExpire(_)
    ));
}

#[test]
fn a_kind_that_maps_its_own_event_types_reads_and_writes_the_tag_once() {
    use alert_configurations::types::{GroupAlertsConfig, ReplicaSetThresholdAlertConfig as Inner};
    let text = r#"{"eventTypeName":"TOO_MANY_ELECTIONS","notifications":[],"threshold":3}"#;
    let config: GroupAlertsConfig = serde_json::from_str(text).unwrap();
    let GroupAlertsConfig::TooManyElections(Inner::TooManyElections(elections)) = &config else {
        panic!("not the elections configuration: {config:?}");
    };
    assert_eq!(elections.threshold, Some(3));
    assert_eq!(config.discriminator(), "TOO_MANY_ELECTIONS");
    // Written back with the tag once, by the inner union.
    let written = serde_json::to_string(&config).unwrap();
    assert_eq!(written.matches("eventTypeName").count(), 1, "{written}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&written).unwrap(),
        serde_json::from_str::<serde_json::Value>(text).unwrap()
    );
    let oplog: GroupAlertsConfig = serde_json::from_value(
        json!({"eventTypeName": "REPLICATION_OPLOG_WINDOW_RUNNING_OUT", "notifications": [], "hours": 1.5}),
    )
    .unwrap();
    assert!(matches!(
        oplog,
        GroupAlertsConfig::ReplicationOplogWindowRunningOut(Inner::ReplicationOplogWindowRunningOut(o)) if o.hours == Some(1.5)
    ));
}

#[test]
fn region_configurations_decode_by_provider_name() {
    use alert_configurations::types::{CloudRegionConfig, ReplicationSpec};
    let wire = json!({"regionConfigs": [
        {"providerName": "AWS", "regionName": "US_EAST_1", "priority": 7, "readOnlySpecs": {"instanceSize": "M10", "nodeCount": 1}},
        {"providerName": "GCP", "regionName": "CENTRAL_US"},
        {"providerName": "TENANT", "backingProviderName": "AWS"},
        {"providerName": "AZURE", "regionName": "US_EAST_2"}
    ]});
    let spec: ReplicationSpec = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(serde_json::to_value(&spec).unwrap(), wire);
    let regions = spec.region_configs.unwrap();
    let CloudRegionConfig::Aws(aws) = &regions[0] else {
        panic!("not AWS: {:?}", regions[0]);
    };
    assert_eq!(
        aws.read_only_specs.as_ref().and_then(|s| s.node_count),
        Some(1)
    );
    assert!(matches!(&regions[1], CloudRegionConfig::Gcp(g) if g.region_name == "CENTRAL_US"));
    assert!(
        matches!(&regions[2], CloudRegionConfig::Tenant(t) if t.backing_provider_name.as_deref() == Some("AWS"))
    );
    assert_eq!(regions[3].discriminator(), "AZURE");
}

#[test]
fn untagged_variants_are_chosen_by_the_keys_and_enum_values_of_the_data() {
    use alert_configurations::types::Threshold;
    // `window` is a key only the count threshold declares.
    let count: Threshold = exact(r#"{"operator":"GREATER_THAN","threshold":5,"window":3}"#);
    assert!(matches!(count, Threshold::CountThreshold(c) if c.window == Some(3)));
    // `EQUALS` is a value only the raw threshold's enum lists.
    let raw: Threshold = exact(r#"{"operator":"EQUALS","threshold":1.5,"units":"MB"}"#);
    assert!(matches!(raw, Threshold::RawThreshold(_)));
    let metric: Threshold = exact(r#"{"operator":"LESS_THAN","threshold":1.5,"units":"MB"}"#);
    assert!(matches!(metric, Threshold::MetricThreshold(_)));
    // Where no variant fits strictly, the one that lets the least pass wins: here the metric
    // threshold, with one undeclared key (the others have two each).
    let loose: Threshold =
        serde_json::from_str(r#"{"operator":"GREATER_THAN","threshold":2,"units":"x","extra":1}"#)
            .unwrap();
    assert!(matches!(loose, Threshold::MetricThreshold(_)));
    assert!(serde_json::from_str::<Threshold>("[1]").is_err());
}

#[test]
fn of_variants_that_each_account_for_a_value_the_closest_fit_wins() {
    use one_of_untagged::types::HardwareSpec;
    // Only AWS declares `ebsVolumeType`.
    let aws: HardwareSpec = exact(
        r#"{"instanceSize":"M30","nodeCount":3,"diskSizeGB":40.0,"diskIOPS":3000,"ebsVolumeType":"STANDARD"}"#,
    );
    assert!(matches!(aws, HardwareSpec::AwsSpec(_)), "{aws:?}");
    // AWS and Azure both account for every key; Azure leaves none of its properties out.
    let azure: HardwareSpec =
        exact(r#"{"instanceSize":"M30","nodeCount":3,"diskSizeGB":40.0,"diskIOPS":3000}"#);
    assert!(matches!(azure, HardwareSpec::AzureSpec(_)), "{azure:?}");
    // All three account for it; GCP declares exactly these.
    let gcp: HardwareSpec = exact(r#"{"instanceSize":"M30","nodeCount":3,"diskSizeGB":40.0}"#);
    assert!(matches!(gcp, HardwareSpec::GcpSpec(_)), "{gcp:?}");
    // An instance size only one enum lists decides, whatever the keys.
    let large: HardwareSpec = exact(r#"{"instanceSize":"M90","nodeCount":3}"#);
    assert!(matches!(large, HardwareSpec::AzureSpec(_)), "{large:?}");
}
