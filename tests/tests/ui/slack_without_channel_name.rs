use atlas_integrations::runtime::Secret;
use atlas_integrations::types::Slack;

fn main() {
    // The channel is required even though it may be null: it has to be stated, as `None` at least.
    let _slack = Slack::new(Secret::new("xoxb-token"));
}
