use atlas_integrations::types::{Datadog, DatadogRegion};

fn main() {
    let _datadog = Datadog {
        id: None,
        region: Some(DatadogRegion::Us),
        send_collection_latency_metrics: Some(false),
        send_database_metrics: Some(false),
        send_query_stats_metrics: None,
        send_user_provided_resource_tags: Some(true),
        unknown_fields: Default::default(),
    };
}
