//! The integrations resource and what it stores: the checks and operations of an authenticated
//! request (the last step of the documented order), projects and their integrations, ids,
//! validation of what is written, masking of what is read, seeding, and paging with its query
//! parameters.

use axum::http::{Method, StatusCode, header};
use serde_json::{Map, Value, json};

#[cfg(doc)]
use crate::FakeAtlas;
use crate::State;
use crate::auth::Role;
use crate::server::{GROUPS_PREFIX, Incoming, Target, route};
use crate::wire::{
    Payload, Reply, Shape, api_error, form_pairs, integration_not_found, method_not_allowed,
    parse_bool,
};

/// The ten values the `integrationType` path parameter accepts, in the document's order.
pub const INTEGRATION_TYPES: [&str; 10] = [
    "PAGER_DUTY",
    "SLACK",
    "DATADOG",
    "NEW_RELIC",
    "OPS_GENIE",
    "VICTOR_OPS",
    "WEBHOOK",
    "HIP_CHAT",
    "PROMETHEUS",
    "MICROSOFT_TEAMS",
];

/// The kinds [`FakeAtlas::seed`] cycles through: every kind the document has a schema for.
const SEED_KINDS: [&str; 9] = [
    "PAGER_DUTY",
    "SLACK",
    "DATADOG",
    "NEW_RELIC",
    "OPS_GENIE",
    "VICTOR_OPS",
    "WEBHOOK",
    "PROMETHEUS",
    "MICROSOFT_TEAMS",
];

/// Default, largest and smallest page sizes of the list operation.
const DEFAULT_ITEMS_PER_PAGE: usize = 100;
const MAX_ITEMS_PER_PAGE: usize = 500;

/// How the list operation pages, for servers (or intermediaries) that do not page as Atlas does;
/// set with [`FakeAtlas::set_paging`]. The default pages as Atlas does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Paging {
    /// Answers at most this many items per page, whatever `itemsPerPage` asks; links name the
    /// page size used.
    pub max_items_per_page: Option<usize>,
    /// Every page has a `rel=next` link, the last one too.
    pub always_next: bool,
    /// Pages leave out `totalCount`.
    pub omit_total_count: bool,
    /// Every request is answered with the first page.
    pub ignore_page_num: bool,
}

/// The query parameters of the resource.
#[derive(Debug)]
struct Query {
    /// `includeCount`, default true.
    include_count: bool,
    /// `itemsPerPage`, 1..=500, default 100.
    items_per_page: usize,
    /// `pageNum`, at least 1, default 1.
    page_num: usize,
}

impl Query {
    /// Parses and checks the query; an error names the parameter and its value.
    fn parse(query: Option<&str>) -> Result<Self, (String, String)> {
        let mut parsed = Self {
            include_count: true,
            items_per_page: DEFAULT_ITEMS_PER_PAGE,
            page_num: 1,
        };
        for (name, value) in form_pairs(query.unwrap_or("")) {
            let ok = match name.as_str() {
                "includeCount" => parse_bool(&value).map(|flag| parsed.include_count = flag),
                "envelope" | "pretty" => parse_bool(&value).map(|_| ()),
                "itemsPerPage" => value
                    .parse::<usize>()
                    .ok()
                    .filter(|items| (1..=MAX_ITEMS_PER_PAGE).contains(items))
                    .map(|items| parsed.items_per_page = items),
                "pageNum" => value
                    .parse::<usize>()
                    .ok()
                    .filter(|page| (1..=i32::MAX as usize).contains(page))
                    .map(|page| parsed.page_num = page),
                _ => Some(()),
            };
            if ok.is_none() {
                return Err((name, value));
            }
        }
        Ok(parsed)
    }
}

impl State {
    /// A new 24-digit hexadecimal id, unique within this server.
    pub(crate) fn next_id(&mut self) -> String {
        self.id_counter = self.id_counter.wrapping_add(1);
        format!("{}{:06x}", self.id_prefix, self.id_counter & 0xff_ffff)
    }

    /// The integrations resource, for an authenticated request.
    pub(crate) fn resource(&mut self, request: &Incoming, role: Role) -> Reply {
        let (group, kind) = match route(&request.path) {
            Target::List { group } => (group, None),
            Target::Item { group, kind } => (group, Some(kind)),
            Target::Token | Target::Unknown => {
                return api_error(
                    StatusCode::NOT_FOUND,
                    "RESOURCE_NOT_FOUND",
                    format!("Cannot find resource {}.", request.path),
                );
            }
        };
        if !is_object_id(&group) {
            return api_error(
                StatusCode::BAD_REQUEST,
                "INVALID_GROUP_ID",
                format!("An invalid group ID {group} was specified."),
            )
            .with_parameters(vec![Value::String(group)]);
        }
        let query = match Query::parse(request.query.as_deref()) {
            Ok(query) => query,
            Err((name, value)) => {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_QUERY_PARAMETER",
                    format!("Invalid query parameter {name} specified: {value}."),
                )
                .with_parameters(vec![Value::String(name), Value::String(value)]);
            }
        };
        if !self.projects.contains_key(&group) {
            return api_error(
                StatusCode::NOT_FOUND,
                "GROUP_NOT_FOUND",
                format!("No group with ID {group} exists."),
            )
            .with_parameters(vec![Value::String(group)]);
        }
        let Some(kind) = kind else {
            if request.method != Method::GET {
                return method_not_allowed(&request.method);
            }
            return self.page(&group, &query);
        };
        let allowed = [Method::GET, Method::POST, Method::PUT, Method::DELETE];
        if !allowed.contains(&request.method) {
            return method_not_allowed(&request.method);
        }
        if !INTEGRATION_TYPES.contains(&kind.as_str()) {
            return api_error(
                StatusCode::NOT_FOUND,
                "INTEGRATION_TYPE_NOT_FOUND",
                format!("No integration type {kind} exists."),
            )
            .with_parameters(vec![Value::String(kind)]);
        }
        if request.method != Method::GET && role == Role::ReadOnly {
            return api_error(
                StatusCode::FORBIDDEN,
                "USER_UNAUTHORIZED",
                "The current user is not authorized to perform this action.",
            );
        }
        match request.method {
            Method::POST => self.create(&group, &kind, request, &query),
            Method::PUT => self.update(&group, &kind, request, &query),
            Method::DELETE => self.delete(&group, &kind),
            _ => self.get(&group, &kind),
        }
    }

    /// GET one integration.
    fn get(&self, group: &str, kind: &str) -> Reply {
        match self.find(group, kind) {
            Some(index) => {
                let integration = self
                    .projects
                    .get(group)
                    .and_then(|list| list.get(index))
                    .map_or(Value::Null, masked);
                Reply::json(StatusCode::OK, integration, Shape::Single)
            }
            None => integration_not_found(group, kind),
        }
    }

    /// POST: configure a kind that the project does not have yet.
    fn create(&mut self, group: &str, kind: &str, request: &Incoming, query: &Query) -> Reply {
        let mut body = match validated_body(kind, request) {
            Ok(body) => body,
            Err(reply) => return reply,
        };
        if self.find(group, kind).is_some() {
            return api_error(
                StatusCode::CONFLICT,
                "INTEGRATION_ALREADY_CONFIGURED",
                format!("An integration of type {kind} is already configured for group {group}."),
            )
            .with_parameters(vec![Value::String(kind.to_owned())]);
        }
        let id = self.next_id();
        body.insert("id".to_owned(), Value::String(id));
        self.projects
            .entry(group.to_owned())
            .or_default()
            .push(Value::Object(body));
        self.page(group, query)
    }

    /// PUT: replace the settings of a configured kind, keeping its id.
    fn update(&mut self, group: &str, kind: &str, request: &Incoming, query: &Query) -> Reply {
        let mut body = match validated_body(kind, request) {
            Ok(body) => body,
            Err(reply) => return reply,
        };
        let Some(index) = self.find(group, kind) else {
            return integration_not_found(group, kind);
        };
        if let Some(slot) = self
            .projects
            .get_mut(group)
            .and_then(|list| list.get_mut(index))
        {
            let id = slot.get("id").cloned().unwrap_or(Value::Null);
            body.insert("id".to_owned(), id);
            *slot = Value::Object(body);
        }
        self.page(group, query)
    }

    /// DELETE one integration.
    fn delete(&mut self, group: &str, kind: &str) -> Reply {
        let Some(index) = self.find(group, kind) else {
            return integration_not_found(group, kind);
        };
        if let Some(list) = self.projects.get_mut(group) {
            list.remove(index);
        }
        Reply {
            status: StatusCode::NO_CONTENT,
            headers: Vec::new(),
            payload: Payload::Empty,
        }
    }

    /// Where the project's first integration of a kind sits.
    fn find(&self, group: &str, kind: &str) -> Option<usize> {
        self.projects
            .get(group)?
            .iter()
            .position(|item| kind_of(item) == kind)
    }

    /// One page of the project's integrations, masked.
    fn page(&self, group: &str, query: &Query) -> Reply {
        let empty = Vec::new();
        let all = self.projects.get(group).unwrap_or(&empty);
        let total = all.len();
        let paging = self.paging;
        let per_page = paging
            .max_items_per_page
            .map_or(query.items_per_page, |most| {
                query.items_per_page.min(most.max(1))
            });
        let page_num = if paging.ignore_page_num {
            1
        } else {
            query.page_num
        };
        let start = (page_num - 1).saturating_mul(per_page);
        let results: Vec<Value> = all.iter().skip(start).take(per_page).map(masked).collect();
        let href = |page: usize| {
            format!(
                "{}{GROUPS_PREFIX}{group}/integrations?pageNum={page}&itemsPerPage={per_page}",
                self.base_url
            )
        };
        let mut links = vec![json!({"href": href(page_num), "rel": "self"})];
        if page_num > 1 {
            links.push(json!({"href": href(page_num - 1), "rel": "previous"}));
        }
        if paging.always_next || start.saturating_add(per_page) < total {
            links.push(json!({"href": href(page_num + 1), "rel": "next"}));
        }
        let mut body = Map::new();
        body.insert("links".to_owned(), Value::Array(links));
        body.insert("results".to_owned(), Value::Array(results));
        if query.include_count && !paging.omit_total_count {
            body.insert("totalCount".to_owned(), json!(total));
        }
        Reply::json(StatusCode::OK, Value::Object(body), Shape::List)
    }
}

/// The body of a create or update, checked against the path's kind; the client's `id` is
/// dropped. Everything else is kept exactly as sent.
fn validated_body(kind: &str, request: &Incoming) -> Result<Map<String, Value>, Reply> {
    let json_content = request
        .header(header::CONTENT_TYPE)
        .and_then(|value| value.split(';').next())
        .map(|media| media.trim().to_ascii_lowercase())
        .is_some_and(|media| media == "application/json" || media.ends_with("+json"));
    if !json_content {
        return Err(api_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "The request body must be application/json.",
        ));
    }
    let value: Value = serde_json::from_slice(&request.body).map_err(|error| {
        api_error(
            StatusCode::BAD_REQUEST,
            "INVALID_JSON",
            format!("Received JSON is malformed: {error}."),
        )
    })?;
    let Value::Object(mut body) = value else {
        return Err(api_error(
            StatusCode::BAD_REQUEST,
            "INVALID_JSON",
            "Received JSON is not an object.",
        ));
    };
    let sent_type = body.get("type").and_then(Value::as_str).unwrap_or("");
    if sent_type != kind {
        return Err(api_error(
            StatusCode::BAD_REQUEST,
            "INVALID_INTEGRATION_TYPE",
            format!("The body's type {sent_type:?} does not match the path's {kind}."),
        )
        .with_parameters(vec![json!(sent_type), json!(kind)]));
    }
    if kind == "HIP_CHAT" {
        return Err(api_error(
            StatusCode::BAD_REQUEST,
            "INVALID_INTEGRATION_TYPE",
            "HIP_CHAT integrations can no longer be created or changed.",
        )
        .with_parameters(vec![json!(kind)]));
    }
    for field in required_fields(kind) {
        let present = match body.get(*field) {
            None => false,
            Some(Value::Null) => nullable(kind, field),
            Some(_) => true,
        };
        if !present {
            return Err(api_error(
                StatusCode::BAD_REQUEST,
                "MISSING_ATTRIBUTE",
                format!("The required attribute {field} was not specified."),
            )
            .with_parameters(vec![json!(field)]));
        }
    }
    for field in secret_fields(kind).iter().chain(write_only_fields(kind)) {
        if body.get(*field).is_some_and(|value| !value.is_string()) {
            return Err(api_error(
                StatusCode::BAD_REQUEST,
                "INVALID_ATTRIBUTE",
                format!("Invalid attribute {field} specified."),
            )
            .with_parameters(vec![json!(field)]));
        }
    }
    body.remove("id");
    Ok(body)
}

/// The required properties of a kind's schema, besides `type`.
fn required_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "PAGER_DUTY" => &["serviceKey"],
        "SLACK" => &["apiToken", "channelName"],
        "DATADOG" | "OPS_GENIE" | "VICTOR_OPS" => &["apiKey"],
        "NEW_RELIC" => &["accountId", "licenseKey", "readToken", "writeToken"],
        "WEBHOOK" => &["url"],
        "PROMETHEUS" => &["enabled", "serviceDiscovery", "username"],
        "MICROSOFT_TEAMS" => &["microsoftTeamsWebhookUrl"],
        _ => &[],
    }
}

/// Whether a required property may be `null`.
fn nullable(kind: &str, field: &str) -> bool {
    kind == "SLACK" && field == "channelName"
}

/// The properties masked on read.
fn secret_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "PAGER_DUTY" => &["serviceKey"],
        "SLACK" => &["apiToken"],
        "DATADOG" | "OPS_GENIE" | "VICTOR_OPS" => &["apiKey"],
        "NEW_RELIC" => &["licenseKey", "readToken", "writeToken"],
        "WEBHOOK" => &["secret", "url"],
        "MICROSOFT_TEAMS" => &["microsoftTeamsWebhookUrl"],
        "HIP_CHAT" => &["notificationToken"],
        _ => &[],
    }
}

/// The properties never returned.
fn write_only_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "PROMETHEUS" => &["password"],
        _ => &[],
    }
}

/// The `type` of a stored integration.
pub(crate) fn kind_of(integration: &Value) -> &str {
    integration
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Masks a secret the way Atlas does: stars for all but the last four characters (all stars
/// when it has four characters or fewer).
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    let mut masked = "*".repeat(chars.len() - 4);
    masked.extend(&chars[chars.len() - 4..]);
    masked
}

/// A stored integration as reads return it.
fn masked(integration: &Value) -> Value {
    let Value::Object(fields) = integration else {
        return integration.clone();
    };
    let kind = kind_of(integration);
    let mut out = fields.clone();
    for field in write_only_fields(kind) {
        out.remove(*field);
    }
    for field in secret_fields(kind) {
        if let Some(Value::String(secret)) = out.get_mut(*field) {
            *secret = mask(secret);
        }
    }
    Value::Object(out)
}

/// Integration number `index` of [`FakeAtlas::seed`], without its id.
pub(crate) fn seeded_integration(index: usize) -> Map<String, Value> {
    let kind = SEED_KINDS[index % SEED_KINDS.len()];
    let fields = match kind {
        "PAGER_DUTY" => json!({
            "region": "US",
            "serviceKey": format!("pagerduty-service-key-{index:06}"),
        }),
        "SLACK" => json!({
            "apiToken": format!("xoxb-slack-token-{index:06}"),
            "channelName": format!("alerts-{index}"),
            "teamName": format!("team-{index}"),
        }),
        "DATADOG" => json!({
            "apiKey": format!("datadog-api-key-{index:06}"),
            "region": "US",
            "sendCollectionLatencyMetrics": false,
            "sendDatabaseMetrics": false,
        }),
        "NEW_RELIC" => json!({
            "accountId": format!("{index:040x}"),
            "licenseKey": format!("ab{index:038x}"),
            "readToken": format!("newrelic-read-token-{index:06}"),
            "writeToken": format!("newrelic-write-token-{index:06}"),
        }),
        "OPS_GENIE" => json!({
            "apiKey": format!("opsgenie-api-key-{index:06}"),
            "region": "US",
        }),
        "VICTOR_OPS" => json!({
            "apiKey": format!("victorops-api-key-{index:06}"),
            "routingKey": format!("routing-{index}"),
        }),
        "WEBHOOK" => json!({
            "url": format!("https://hooks.example/{index:06}"),
            "secret": format!("webhook-secret-{index:06}"),
        }),
        "PROMETHEUS" => json!({
            "enabled": true,
            "serviceDiscovery": "http",
            "username": format!("prom_user_{index}"),
            "password": format!("prom-password-{index:06}"),
        }),
        _ => json!({
            "microsoftTeamsWebhookUrl": format!("https://teams.example/webhook/{index:06}"),
        }),
    };
    let mut integration = Map::new();
    integration.insert("type".to_owned(), Value::String(kind.to_owned()));
    if let Value::Object(fields) = fields {
        integration.extend(fields);
    }
    integration
}

/// Whether a group id matches `^([a-f0-9]{24})$`.
fn is_object_id(id: &str) -> bool {
    id.len() == 24
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
