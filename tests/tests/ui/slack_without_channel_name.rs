use atlas_integrations::runtime::Secret;
use atlas_integrations::types::Slack;

fn main() {
    // The channel is required even though it may be null: it has to be stated, as `None` at least.
    let _slack = Slack {
        id: None,
        api_token: Secret::new("xoxb-token"),
        team_name: Some("team".to_owned()),
        unknown_fields: Default::default(),
    };
}
