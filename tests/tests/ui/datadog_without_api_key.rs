use atlas_integrations::types::Datadog;

fn main() {
    // A Datadog integration is built from its required API key; there is no value without it.
    let _datadog = Datadog::new();
}
