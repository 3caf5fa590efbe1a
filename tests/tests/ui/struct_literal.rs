use atlas_integrations::runtime::Secret;
use atlas_integrations::types::Datadog;

fn main() {
    // Values are built with `new` and assignment: a struct literal would stop compiling when a
    // later document adds an optional field, so the structs do not allow one.
    let _datadog = Datadog {
        api_key: Secret::new("key"),
        id: None,
        region: None,
        send_collection_latency_metrics: None,
        send_database_metrics: None,
        send_query_stats_metrics: None,
        send_user_provided_resource_tags: None,
        unknown_fields: Default::default(),
    };
}
