//! Decodes responses written from the 2025-06-30 document's own field lists with the crate generated
//! from its "Alert Configurations" tag and its `getCluster` and `listClusters` operations: every
//! alert configuration, notification and region configuration must decode into its own variant,
//! and encoding it again must give a JSON value equal to the one read.
//!
//! `api` is the crate under test, renamed in the manifest. The responses sit beside this file.

use api::types::{
    AlertsNotificationRootForGroup as Notification, CloudRegionConfig20240805 as Region,
    DedicatedHardwareSpec20240805 as Dedicated, GroupAlertsConfig as Config,
    HardwareSpec20240805 as Hardware, HostMetricThreshold, PaginatedAlertConfigView,
    PaginatedClusterDescription20240805,
    ReplicaSetThresholdAlertConfigViewForNdsGroup as ReplicaSetThreshold,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

const ALERT_CONFIGURATIONS: &str = include_str!("alert-configurations.json");
const NOTIFICATIONS: &str = include_str!("notifications.json");
const CLUSTERS: &str = include_str!("clusters.json");

/// Decodes `text` as `T` and checks that encoding it again gives an equal JSON value.
fn round_trip<T: DeserializeOwned + Serialize>(what: &str, text: &str) -> Result<T, String> {
    let expected: Value = serde_json::from_str(text).map_err(|e| format!("{what}: {e}"))?;
    let decoded: T = serde_json::from_str(text).map_err(|e| format!("{what} does not decode: {e}"))?;
    let again = serde_json::to_value(&decoded).map_err(|e| format!("{what}: {e}"))?;
    if again != expected {
        return Err(format!(
            "{what} encodes to a different value:\n read {expected}\n wrote {again}"
        ));
    }
    Ok(decoded)
}

fn check(failures: &mut Vec<String>, ok: bool, message: impl FnOnce() -> String) {
    if !ok {
        failures.push(message());
    }
}

/// The schema each notification must decode to, with one of its own fields read back.
fn notification(n: &Notification) -> (&'static str, Option<String>) {
    match n {
        Notification::Datadog(d) => ("DATADOG", d.datadog_region.as_ref().map(|r| format!("{r:?}"))),
        Notification::Email(e) => ("EMAIL", e.email_address.clone()),
        Notification::Group(g) => ("GROUP", g.roles.as_ref().map(|r| format!("{} role(s)", r.len()))),
        Notification::HipChat(h) => ("HIP_CHAT", h.room_name.clone()),
        Notification::MicrosoftTeams(t) => ("MICROSOFT_TEAMS", t.integration_id.clone()),
        Notification::OpsGenie(o) => ("OPS_GENIE", o.ops_genie_region.as_ref().map(|r| format!("{r:?}"))),
        Notification::Org(o) => ("ORG", o.roles.as_ref().map(|r| format!("{} role(s)", r.len()))),
        Notification::PagerDuty(p) => ("PAGER_DUTY", p.region.as_ref().map(|r| format!("{r:?}"))),
        Notification::Slack(s) => ("SLACK", s.channel_name.clone()),
        Notification::Sms(s) => ("SMS", s.mobile_number.clone()),
        Notification::Team(t) => ("TEAM", t.team_name.clone()),
        Notification::User(u) => ("USER", u.username.clone()),
        Notification::VictorOps(v) => ("VICTOR_OPS", v.victor_ops_routing_key.clone()),
        Notification::Webhook(w) => ("WEBHOOK", w.integration_id.clone()),
        Notification::Unknown(_) => ("an unknown kind", None),
        // The union is non-exhaustive: a later document may add kinds.
        _ => ("a kind added after this program", None),
    }
}

/// The kind of configuration (the schema of its variant) and its notifications.
fn configuration(c: &Config) -> (&'static str, &[Notification]) {
    match c {
        Config::HostDown(c) => ("host", &c.notifications),
        Config::OutsideMetricThreshold(c) => ("host metric", &c.notifications),
        Config::NoPrimary(c) => ("replica set", &c.notifications),
        // The document maps this kind's event types on to schemas of their own too.
        Config::TooManyElections(ReplicaSetThreshold::TooManyElections(c)) => {
            ("replica set threshold", &c.notifications)
        }
        Config::CreditCardAboutToExpire(c) => ("default", &c.notifications),
        Config::ClusterMongosIsMissing(c) => ("cluster", &c.notifications),
        Config::PendingInvoiceOverThreshold(c) => ("billing threshold", &c.notifications),
        Config::CpsSnapshotBehind(c) => ("backup threshold", &c.notifications),
        Config::AwsEncryptionKeyNeedsRotation(c) => ("encryption key", &c.notifications),
        Config::NdsX509UserAuthenticationCustomerCaExpirationCheck(c) => ("x509", &c.notifications),
        Config::OutsideServerlessMetricThreshold(c) => ("serverless metric", &c.notifications),
        Config::OutsideFlexMetricThreshold(c) => ("flex metric", &c.notifications),
        Config::DeploymentFailure(c) => ("app service", &c.notifications),
        Config::OutsideRealmMetricThreshold(c) => ("app service metric", &c.notifications),
        Config::StreamProcessorStateIsFailed(c) => ("stream processor", &c.notifications),
        Config::OutsideStreamProcessorMetricThreshold(c) => {
            ("stream processor metric", &c.notifications)
        }
        _ => ("another kind", &[]),
    }
}

fn hardware(spec: Option<&Hardware>) -> &'static str {
    match spec {
        Some(Hardware::AwsHardwareSpec20240805(_)) => "AWS",
        Some(Hardware::AzureHardwareSpec20240805(_)) => "AZURE",
        Some(Hardware::GcpHardwareSpec20240805(_)) => "GCP",
        Some(Hardware::TenantHardwareSpec20240805(_)) => "TENANT",
        None => "none",
    }
}

fn dedicated(spec: Option<&Dedicated>) -> &'static str {
    match spec {
        Some(Dedicated::AwsHardwareSpec20240805(_)) => "AWS",
        Some(Dedicated::AzureHardwareSpec20240805(_)) => "AZURE",
        Some(Dedicated::GcpHardwareSpec20240805(_)) => "GCP",
        None => "none",
    }
}

fn main() {
    let mut failures: Vec<String> = Vec::new();
    if let Err(e) = run(&mut failures) {
        failures.push(e);
    }
    if !failures.is_empty() {
        eprintln!("{} check(s) failed:", failures.len());
        for failure in &failures {
            eprintln!("- {failure}");
        }
        std::process::exit(1);
    }
}

fn run(failures: &mut Vec<String>) -> Result<(), String> {
    // Every kind of notification, alone.
    let raw: Vec<Value> = serde_json::from_str(NOTIFICATIONS).map_err(|e| e.to_string())?;
    for value in &raw {
        let type_name = value["typeName"].as_str().unwrap_or_default();
        let decoded: Notification = round_trip(&format!("the {type_name} notification"), &value.to_string())?;
        let (kind, own) = notification(&decoded);
        check(failures, kind == type_name, || format!("the {type_name} notification decodes as {kind}"));
        check(failures, own.is_some(), || format!("the {type_name} notification lost its own fields"));
        println!("notification {type_name:<16} -> {kind} ({})", own.unwrap_or_default());
    }
    check(failures, raw.len() == 14, || format!("{} notifications, not 14", raw.len()));

    // A page of alert configurations of every kind, each with notifications of several kinds.
    let page: PaginatedAlertConfigView = round_trip("the page of alert configurations", ALERT_CONFIGURATIONS)?;
    let listed: Value = serde_json::from_str(ALERT_CONFIGURATIONS).map_err(|e| e.to_string())?;
    let results = page.results.unwrap_or_default();
    let expected = [
        ("HOST_DOWN", "host"),
        ("OUTSIDE_METRIC_THRESHOLD", "host metric"),
        ("OUTSIDE_METRIC_THRESHOLD", "host metric"),
        ("NO_PRIMARY", "replica set"),
        ("TOO_MANY_ELECTIONS", "replica set threshold"),
        ("CREDIT_CARD_ABOUT_TO_EXPIRE", "default"),
        ("CLUSTER_MONGOS_IS_MISSING", "cluster"),
        ("PENDING_INVOICE_OVER_THRESHOLD", "billing threshold"),
        ("CPS_SNAPSHOT_BEHIND", "backup threshold"),
        ("AWS_ENCRYPTION_KEY_NEEDS_ROTATION", "encryption key"),
        ("NDS_X509_USER_AUTHENTICATION_CUSTOMER_CA_EXPIRATION_CHECK", "x509"),
        ("OUTSIDE_SERVERLESS_METRIC_THRESHOLD", "serverless metric"),
        ("OUTSIDE_FLEX_METRIC_THRESHOLD", "flex metric"),
        ("DEPLOYMENT_FAILURE", "app service"),
        ("OUTSIDE_REALM_METRIC_THRESHOLD", "app service metric"),
        ("STREAM_PROCESSOR_STATE_IS_FAILED", "stream processor"),
        ("OUTSIDE_STREAM_PROCESSOR_METRIC_THRESHOLD", "stream processor metric"),
    ];
    check(failures, results.len() == expected.len(), || {
        format!("{} alert configurations decoded, not {}", results.len(), expected.len())
    });
    for (index, (config, (event, kind))) in results.iter().zip(expected).enumerate() {
        check(failures, config.discriminator() == event, || {
            format!("configuration {index} is {}, not {event}", config.discriminator())
        });
        // The tag is written once, whichever union writes it.
        let written = serde_json::to_string(config).map_err(|e| e.to_string())?;
        check(failures, written.matches("\"eventTypeName\"").count() == 1, || {
            format!("the {event} configuration writes its tag other than once: {written}")
        });
        let (decoded, notifications) = configuration(config);
        check(failures, decoded == kind, || format!("the {event} configuration decodes as {decoded}, not {kind}"));
        let sent = &listed["results"][index]["notifications"];
        let kinds: Vec<&str> = notifications.iter().map(|n| notification(n).0).collect();
        let written: Vec<&str> = sent.as_array().map_or_else(Vec::new, |list| {
            list.iter().map(|n| n["typeName"].as_str().unwrap_or_default()).collect()
        });
        check(failures, kinds == written, || {
            format!("the {event} configuration's notifications decode as {kinds:?}, not {written:?}")
        });
        println!("configuration {event:<58} -> {decoded} with {kinds:?}");
    }
    // The thresholds stay whole: the host metric ones by metric name.
    match results.get(1) {
        Some(Config::OutsideMetricThreshold(c)) => check(
            failures,
            matches!(c.metric_threshold, Some(HostMetricThreshold::ConnectionsPercent(_))),
            || format!("the connections threshold decodes as {:?}", c.metric_threshold),
        ),
        other => failures.push(format!("the second configuration is {other:?}")),
    }
    match results.get(2) {
        Some(Config::OutsideMetricThreshold(c)) => check(
            failures,
            matches!(c.metric_threshold, Some(HostMetricThreshold::AvgReadExecutionTime(_))),
            || format!("the read time threshold decodes as {:?}", c.metric_threshold),
        ),
        other => failures.push(format!("the third configuration is {other:?}")),
    }

    // Clusters whose region configurations are on each provider, with their hardware specs.
    let clusters: PaginatedClusterDescription20240805 = round_trip("the page of clusters", CLUSTERS)?;
    let mut seen = Vec::new();
    for cluster in clusters.results.unwrap_or_default() {
        for spec in cluster.replication_specs.unwrap_or_default() {
            for region in spec.region_configs.unwrap_or_default() {
                let (provider, electable, read_only, analytics) = match &region {
                    Region::Aws(r) => ("AWS", hardware(r.electable_specs.as_ref()), dedicated(r.read_only_specs.as_ref()), dedicated(r.analytics_specs.as_ref())),
                    Region::Azure(r) => ("AZURE", hardware(r.electable_specs.as_ref()), dedicated(r.read_only_specs.as_ref()), dedicated(r.analytics_specs.as_ref())),
                    Region::Gcp(r) => ("GCP", hardware(r.electable_specs.as_ref()), dedicated(r.read_only_specs.as_ref()), dedicated(r.analytics_specs.as_ref())),
                    Region::Tenant(r) => ("TENANT", hardware(r.electable_specs.as_ref()), "none", "none"),
                    Region::Unknown(_) => ("an unknown provider", "none", "none", "none"),
                    _ => ("a provider added after this program", "none", "none", "none"),
                };
                check(failures, provider == region.discriminator(), || {
                    format!("the {} region configuration decodes as {provider}", region.discriminator())
                });
                check(failures, electable == provider, || {
                    format!("the {provider} region configuration's electable spec decodes as {electable}")
                });
                for (what, spec) in [("read-only", read_only), ("analytics", analytics)] {
                    check(failures, spec == "none" || spec == provider, || {
                        format!("the {provider} region configuration's {what} spec decodes as {spec}")
                    });
                }
                println!("region {provider:<6} -> electable {electable}, read-only {read_only}, analytics {analytics}");
                seen.push(provider);
            }
        }
    }
    check(failures, seen == ["AWS", "AZURE", "GCP", "TENANT"], || format!("region configurations seen: {seen:?}"));
    Ok(())
}
