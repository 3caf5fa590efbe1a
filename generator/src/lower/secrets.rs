//! Which string properties hold credentials, when neither the document (`format: password`,
//! `writeOnly: true`) nor the settings (`secrets:`, `not_secrets:`) say so.
//!
//! The rule reads a property's name and description, and was written from what MongoDB's
//! published Atlas Administration API documents contain. It recognises:
//!
//! - names whose last word is `password` or `secret` (`bindPassword`, `webhookSecret`);
//! - names whose last word is `token` after another word (`apiToken`, `readToken`,
//!   `notificationToken`), except paging tokens (`nextToken`, `pageToken`);
//! - names whose last word is `key` after `api`, `service`, `license`, `private`, `ssl`,
//!   `secret`, `account`, `client`, `signing` or `auth` (`apiKey`, `datadogApiKey`,
//!   `serviceKey`, `licenseKey`, `privateKey`, `serviceAccountKey`), unless a word says the key
//!   is public or a routing, shard or master key (`publicKey`, `routingKey`, `customShardKey`);
//! - webhook addresses: names whose last word is `url` or `uri` beside the word `webhook`
//!   (`webhookUrl`, `microsoftTeamsWebhookUrl`);
//! - descriptions that say the value is shown redacted ("the URL appears partially redacted",
//!   "Redacted private key ..."), unless the name is an identifier or a kind (`…Id`, `…Type`).
//!
//! Words are the name's camelCase, snake_case or kebab-case parts in lower case, so identifiers
//! (`apiKeyId`), kinds (`tokenType`), lists (`tokenFilters`) and flags (`redactClientLogData`)
//! never end in a credential word.

/// Why the rule takes a property for a credential, or `None` when it does not.
pub fn credential(name: &str, description: Option<&str>) -> Option<&'static str> {
    let words = words(name);
    let last = words.last().map(String::as_str)?;
    let before = &words[..words.len() - 1];
    let has = |word: &str| words.iter().any(|w| w == word);
    match last {
        "password" | "passphrase" => return Some("its name ends in `password`"),
        "secret" => return Some("its name ends in `secret`"),
        "token" if !before.is_empty() && !before.iter().any(|w| PAGING.contains(&w.as_str())) => {
            return Some("its name is a kind of token (`apiToken`, `readToken`)");
        }
        "key"
            if before.iter().any(|w| KEY_KINDS.contains(&w.as_str()))
                && !words.iter().any(|w| NOT_KEY_KINDS.contains(&w.as_str())) =>
        {
            return Some("its name is a kind of credential key (`apiKey`, `serviceKey`)");
        }
        "url" | "uri" if has("webhook") => return Some("its name is a webhook address"),
        _ => {}
    }
    if IDENTIFIERS.contains(&last) {
        return None;
    }
    description
        .filter(|d| says_redacted(d))
        .map(|_| "its description says the value is shown redacted")
}

/// Words before `key` that make it a credential.
const KEY_KINDS: &[&str] = &[
    "api", "service", "license", "private", "ssl", "secret", "account", "client", "signing", "auth",
];

/// Words that make a key something other than a credential.
const NOT_KEY_KINDS: &[&str] = &["public", "routing", "shard", "master"];

/// Words before `token` that make it a paging cursor rather than a credential.
const PAGING: &[&str] = &["next", "page", "continuation", "pagination", "cursor"];

/// Last words of names that identify or classify something rather than hold it.
const IDENTIFIERS: &[&str] = &["id", "ids", "type", "types", "name", "names"];

/// Whether a description says the value appears redacted: the word `redacted` (not
/// `unredacted`), first or after a verb or adverb that says how it is shown.
fn says_redacted(description: &str) -> bool {
    let lower = description.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(index, word)| {
        *word == "redacted"
            && (index == 0
                || matches!(
                    words[index - 1],
                    "appears" | "appear" | "partially" | "completely" | "is" | "are" | "shown"
                ))
    })
}

/// The words of a name, in lower case: split at `_`, `-`, `.`, spaces, and camelCase humps
/// (`accessKeyID` is `access key id`, `serviceURL` is `service url`).
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (index, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let previous = index.checked_sub(1).map(|i| chars[i]);
        let next = chars.get(index + 1).copied();
        let boundary = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            });
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    const REDACTED_KEY: &str = "Key that allows MongoDB Cloud to access your Datadog account.\n\n\
        **NOTE**: After you create a notification which requires an API or integration key, the \
        key appears partially redacted when you:\n\n* View or edit the alert through the Atlas UI.";

    /// Properties of MongoDB's published Atlas Administration API documents (2025-02-11,
    /// 2025-06-30, and the flattened integrations document): schema, property, description
    /// (shortened), and whether the rule takes it for a credential.
    const TABLE: &[(&str, &str, Option<&str>, bool)] = &[
        // Third-party integrations.
        ("Datadog", "apiKey", Some(REDACTED_KEY), true),
        ("OpsGenie", "apiKey", Some(REDACTED_KEY), true),
        ("VictorOps", "apiKey", Some(REDACTED_KEY), true),
        (
            "PagerDuty",
            "serviceKey",
            Some("Service key associated with your PagerDuty account."),
            true,
        ),
        (
            "Slack",
            "apiToken",
            Some("Key that allows MongoDB Cloud to access your Slack account."),
            true,
        ),
        (
            "NewRelic",
            "licenseKey",
            Some("Unique 40-hexadecimal digit string that identifies your New Relic license."),
            true,
        ),
        (
            "NewRelic",
            "readToken",
            Some("Query key used to access your New Relic account."),
            true,
        ),
        (
            "NewRelic",
            "writeToken",
            Some("Insert key associated with your New Relic account."),
            true,
        ),
        (
            "Webhook",
            "url",
            Some(
                "Endpoint web address to which MongoDB Cloud sends notifications.\n\n**NOTE**: When you view or edit the alert for a webhook notification, the URL appears partially redacted.",
            ),
            true,
        ),
        (
            "Webhook",
            "secret",
            Some("An optional field returned if your webhook is configured with a secret."),
            true,
        ),
        (
            "MicrosoftTeams",
            "microsoftTeamsWebhookUrl",
            Some(
                "Endpoint web address of the Microsoft Teams webhook to which MongoDB Cloud sends notifications.",
            ),
            true,
        ),
        (
            "Prometheus",
            "password",
            Some("Password needed to allow MongoDB Cloud to access your Prometheus account."),
            true,
        ),
        // Alert notifications.
        (
            "DatadogNotification",
            "datadogApiKey",
            Some(
                "Datadog API Key that MongoDB Cloud needs to send alert notifications to Datadog.",
            ),
            true,
        ),
        (
            "SlackNotification",
            "apiToken",
            Some(
                "Slack API token or Bot token that MongoDB Cloud needs to send alert notifications via Slack.",
            ),
            true,
        ),
        (
            "OpsGenieNotification",
            "opsGenieApiKey",
            Some("API Key that MongoDB Cloud needs to send this notification via Opsgenie."),
            true,
        ),
        (
            "VictorOpsNotification",
            "victorOpsApiKey",
            Some("API key that MongoDB Cloud needs to send alert notifications to Splunk On-Call."),
            true,
        ),
        (
            "PagerDutyNotification",
            "serviceKey",
            Some(
                "PagerDuty service key that MongoDB Cloud needs to send notifications via PagerDuty.",
            ),
            true,
        ),
        (
            "HipChatNotification",
            "notificationToken",
            Some(
                "HipChat API token that MongoDB Cloud needs to send alert notifications to HipChat.",
            ),
            true,
        ),
        (
            "WebhookNotification",
            "webhookUrl",
            Some("Target URL for a webhook-based alert."),
            true,
        ),
        (
            "WebhookNotification",
            "webhookSecret",
            Some("Authentication secret for a webhook-based alert."),
            true,
        ),
        (
            "MicrosoftTeamsNotification",
            "microsoftTeamsWebhookUrl",
            Some(
                "Microsoft Teams Webhook Uniform Resource Locator (URL) that MongoDB Cloud needs to send this notification via Microsoft Teams.",
            ),
            true,
        ),
        // API keys, service accounts and other credentials of the whole document.
        (
            "ApiKeyUserDetails",
            "privateKey",
            Some(
                "Redacted private key returned for this organization API key. This key displays unredacted when first created.",
            ),
            true,
        ),
        (
            "ServiceAccountSecret",
            "secret",
            Some(
                "The secret for the Service Account. It will be returned only the first time after creation.",
            ),
            true,
        ),
        (
            "GroupMigrationRequest",
            "destinationOrgPrivateApiKey",
            Some(
                "Unique string that identifies the private part of the API Key used to verify access to the destination organization.",
            ),
            true,
        ),
        (
            "AWSKMSConfiguration",
            "secretAccessKey",
            Some(
                "Human-readable label of the Identity and Access Management (IAM) secret access key.",
            ),
            true,
        ),
        (
            "GoogleCloudKMS",
            "serviceAccountKey",
            Some(
                "JavaScript Object Notation (JSON) object that contains the Google Cloud Key Management Service (KMS).",
            ),
            true,
        ),
        (
            "StreamsKafkaAuthentication",
            "sslKey",
            Some("SSL key for client authentication to Kafka."),
            true,
        ),
        (
            "StreamsKafkaAuthentication",
            "sslKeyPassword",
            Some("Password for the SSL key, if it is password protected."),
            true,
        ),
        (
            "LDAPSecuritySettings",
            "bindPassword",
            Some("Password that MongoDB Cloud uses to authenticate the **bindUsername**."),
            true,
        ),
        (
            "TargetOrg",
            "linkToken",
            Some("Link token that contains all the information required to complete the link."),
            true,
        ),
        // Not credentials.
        (
            "VictorOps",
            "routingKey",
            Some("Routing key associated with your Splunk On-Call account."),
            false,
        ),
        (
            "VictorOpsNotification",
            "victorOpsRoutingKey",
            Some(
                "Routing key that MongoDB Cloud needs to send alert notifications to Splunk On-Call.",
            ),
            false,
        ),
        (
            "NewRelic",
            "accountId",
            Some("Unique 40-hexadecimal digit string that identifies your New Relic account."),
            false,
        ),
        (
            "Slack",
            "channelName",
            Some("Name of the Slack channel to which MongoDB Cloud sends alert notifications."),
            false,
        ),
        (
            "Prometheus",
            "username",
            Some("Human-readable label that identifies your Prometheus incoming webhook."),
            false,
        ),
        (
            "DatadogNotification",
            "integrationId",
            Some(
                "The id of the associated integration, the credentials of which to use for requests.",
            ),
            false,
        ),
        (
            "DatadogNotification",
            "notifierId",
            Some(
                "The notifierId is a system-generated unique identifier assigned to each notification method.",
            ),
            false,
        ),
        (
            "AlertAudit",
            "apiKeyId",
            Some(
                "Unique 24-hexadecimal digit string that identifies the API Key that triggered the event.",
            ),
            false,
        ),
        (
            "AlertAudit",
            "publicKey",
            Some("Public part of the API key that triggered the event."),
            false,
        ),
        (
            "ApiKey",
            "publicKey",
            Some("Public API key value set for the specified organization API key."),
            false,
        ),
        (
            "GroupMigrationRequest",
            "destinationOrgPublicApiKey",
            Some(
                "Unique string that identifies the public part of the API Key used to verify access to the destination organization.",
            ),
            false,
        ),
        (
            "AWSKMSConfiguration",
            "accessKeyID",
            Some(
                "Unique alphanumeric string that identifies an Identity and Access Management (IAM) access key.",
            ),
            false,
        ),
        (
            "AWSKMSConfiguration",
            "customerMasterKeyID",
            Some(
                "Unique alphanumeric string that identifies the Amazon Web Services (AWS) Customer Master Key (CMK).",
            ),
            false,
        ),
        (
            "DiskBackupSnapshot",
            "masterKeyUUID",
            Some(
                "Unique string that identifies the Amazon Web Services (AWS) Key Management Service (KMS) Customer Master Key (CMK).",
            ),
            false,
        ),
        (
            "ManagedNamespaces",
            "customShardKey",
            Some("Database parameter used to divide the *collection* into shards."),
            false,
        ),
        (
            "ResourceTag",
            "key",
            Some("Constant that defines the set of the tag."),
            false,
        ),
        (
            "CostExplorerFilterResponseView",
            "token",
            Some("The token used to identify the created Cost Explorer query."),
            false,
        ),
        (
            "ServiceAccountSecret",
            "maskedSecretValue",
            Some("The masked Service Account secret."),
            false,
        ),
        (
            "AtlasSearchAnalyzer",
            "tokenFilters",
            Some(
                "Filter that performs operations such as: ... - Redaction, which is the removal of sensitive information from public documents.",
            ),
            false,
        ),
        (
            "ClusterDescription20240805",
            "redactClientLogData",
            Some("Enable or disable log redaction."),
            false,
        ),
        (
            "ClusterDescriptionProcessArgs",
            "queryStatsLogVerbosity",
            Some(
                "When set to 3, Atlas will include redacted and anonymized $queryStats output in MongoDB logs.",
            ),
            false,
        ),
        (
            "OrgServiceAccount",
            "tokenType",
            Some("The type of token."),
            false,
        ),
        (
            "FederationOidcIdentityProvider",
            "audience",
            Some("Identifier of the intended recipient of the token."),
            false,
        ),
        (
            "FederationSamlIdentityProvider",
            "ssoUrl",
            Some("URL that points to the receiver of the SAML authentication request."),
            false,
        ),
        (
            "StreamsHttpsConnection",
            "url",
            Some("The url to be used for the request."),
            false,
        ),
        (
            "BackupRestoreJobDelivery",
            "authHeader",
            Some("Header name to use when downloading the restore."),
            false,
        ),
        (
            "MongoDBAccessLogs",
            "authSource",
            Some("Database against which someone attempted to authenticate."),
            false,
        ),
        (
            "AzureKeyVault",
            "keyIdentifier",
            Some("Web address with a unique key that identifies for your Azure Key Vault."),
            false,
        ),
    ];

    #[test]
    fn the_rule_finds_the_credentials_of_the_published_documents() {
        let wrong: Vec<String> = TABLE
            .iter()
            .filter(|(_, name, description, expected)| {
                credential(name, *description).is_some() != *expected
            })
            .map(|(schema, name, description, expected)| {
                format!(
                    "{schema}.{name}: expected {expected}, got {:?}",
                    credential(name, *description)
                )
            })
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn each_rule_says_why() {
        assert_eq!(
            credential("bindPassword", None),
            Some("its name ends in `password`")
        );
        assert_eq!(
            credential("apiKey", None),
            Some("its name is a kind of credential key (`apiKey`, `serviceKey`)")
        );
        assert_eq!(
            credential("url", Some("The URL appears partially redacted.")),
            Some("its description says the value is shown redacted")
        );
        assert_eq!(
            credential("integrationId", Some("The key appears partially redacted.")),
            None
        );
        assert_eq!(credential("nextToken", None), None);
    }

    #[test]
    fn names_split_into_words() {
        assert_eq!(words("accessKeyID"), ["access", "key", "id"]);
        assert_eq!(words("serviceURL"), ["service", "url"]);
        assert_eq!(words("URLPath"), ["url", "path"]);
        assert_eq!(words("ssl_key-password"), ["ssl", "key", "password"]);
        assert_eq!(words("microsoftTeamsWebhookUrl").len(), 4);
    }
}
