use atlas_integrations::types::DatadogRegion;

fn main() {
    // A match on a string enum needs an arm for values a later document adds.
    let region = DatadogRegion::Eu;
    let _name = match region {
        DatadogRegion::Us => "US",
        DatadogRegion::Eu => "EU",
        DatadogRegion::Us3 => "US3",
        DatadogRegion::Us5 => "US5",
        DatadogRegion::Ap1 => "AP1",
        DatadogRegion::Us1Fed => "US1_FED",
        DatadogRegion::Unknown(_) => "unknown",
    };
}
