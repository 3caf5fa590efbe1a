//! What a document offers to select: its tags and its operations, listed for `--list` and
//! searched for what a selection that matches nothing most likely meant.

use std::fmt;

use openapiv3::{PathItem, ReferenceOr};

use crate::load::Document;

/// The tags and operations of a document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalogue {
    /// Every tag: those the document declares, in its order, then those only operations use.
    pub tags: Vec<Tag>,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
}

/// One tag and how many operations carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// The tag, as `--tag` takes it.
    pub name: String,
    /// The operations that carry it.
    pub operations: usize,
}

/// One operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// Its `operationId`, as `--operation` takes it.
    pub id: Option<String>,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path.
    pub path: String,
    /// Its tags.
    pub tags: Vec<String>,
}

impl Catalogue {
    /// The tags and operations of `document`.
    pub fn of(document: &Document) -> Catalogue {
        Catalogue::of_api(&document.api)
    }

    pub(crate) fn of_api(api: &openapiv3::OpenAPI) -> Catalogue {
        let mut catalogue = Catalogue {
            tags: api
                .tags
                .iter()
                .map(|tag| Tag {
                    name: tag.name.clone(),
                    operations: 0,
                })
                .collect(),
            operations: Vec::new(),
        };
        for (path, item) in &api.paths.paths {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for (method, operation) in methods(item) {
                for tag in &operation.tags {
                    match catalogue.tags.iter_mut().find(|t| t.name == *tag) {
                        Some(known) => known.operations += 1,
                        None => catalogue.tags.push(Tag {
                            name: tag.clone(),
                            operations: 1,
                        }),
                    }
                }
                catalogue.operations.push(Operation {
                    id: operation.operation_id.clone(),
                    method,
                    path: path.clone(),
                    tags: operation.tags.clone(),
                });
            }
        }
        catalogue
    }

    fn tag_names(&self) -> Vec<&str> {
        self.tags.iter().map(|t| t.name.as_str()).collect()
    }

    fn ids(&self) -> Vec<&str> {
        self.operations
            .iter()
            .filter_map(|o| o.id.as_deref())
            .collect()
    }

    /// Why `--tag name` selects nothing, and what to ask for instead: the operation it names when
    /// it is an operationId, else the tags it most likely means.
    pub fn explain_tag(&self, name: &str) -> String {
        if let Some(id) = self.ids().into_iter().find(|id| fold_equal(id, name)) {
            return format!(
                "no operation has the tag `{name}`: `{id}` is an operationId, not a tag; select \
                 it with `--operation {id}`"
            );
        }
        let mut message = format!("no operation has the tag `{name}`");
        suggest(
            &mut message,
            &crate::suggest::similar(name, &self.tag_names(), 3),
        );
        message
    }

    /// Why `--operation name` selects nothing, and what to ask for instead: the tag it names when
    /// it is one, else the operationIds it most likely means.
    pub fn explain_operation(&self, name: &str) -> String {
        if let Some(tag) = self
            .tag_names()
            .into_iter()
            .find(|tag| fold_equal(tag, name))
        {
            return format!(
                "no operation has the operationId `{name}`: `{tag}` is a tag, not an \
                 operationId; select its operations with `--tag {}`",
                quoted(tag)
            );
        }
        let mut message = format!("no operation has the operationId `{name}`");
        suggest(&mut message, &crate::suggest::similar(name, &self.ids(), 3));
        message
    }
}

/// Appends what to try: the suggestions, or where to find every name.
fn suggest(message: &mut String, near: &[&str]) {
    match near {
        [] => message.push_str("; `--list` shows every tag and operationId of the document"),
        [one] => message.push_str(&format!("; did you mean `{one}`?")),
        several => {
            let names: Vec<String> = several.iter().map(|n| format!("`{n}`")).collect();
            message.push_str(&format!("; did you mean one of {}?", names.join(", ")));
        }
    }
}

/// Whether two names are the same but for case and punctuation.
fn fold_equal(a: &str, b: &str) -> bool {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    fold(a) == fold(b)
}

/// A tag as a shell reads it back: in double quotes when it has spaces or other special
/// characters.
fn quoted(tag: &str) -> String {
    if tag
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
    {
        tag.to_owned()
    } else {
        format!("\"{}\"", tag.replace('"', "\\\""))
    }
}

fn methods(item: &PathItem) -> impl Iterator<Item = (&'static str, &openapiv3::Operation)> {
    [
        ("GET", &item.get),
        ("PUT", &item.put),
        ("POST", &item.post),
        ("DELETE", &item.delete),
        ("OPTIONS", &item.options),
        ("HEAD", &item.head),
        ("PATCH", &item.patch),
        ("TRACE", &item.trace),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.as_ref().map(|op| (method, op)))
}

/// The listing `--list` prints: each tag with its number of operations, then each operation with
/// its operationId, method, path and tags.
impl fmt::Display for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "tags ({}):", self.tags.len())?;
        for tag in &self.tags {
            writeln!(f, "  {}  ({} operation(s))", tag.name, tag.operations)?;
        }
        write!(f, "operations ({}):", self.operations.len())?;
        let width = self
            .operations
            .iter()
            .map(|o| o.id.as_deref().map_or(1, str::len))
            .max()
            .unwrap_or(0);
        for operation in &self.operations {
            let tags = if operation.tags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", operation.tags.join(", "))
            };
            write!(
                f,
                "\n  {:width$}  {} {}{tags}",
                operation.id.as_deref().unwrap_or("-"),
                operation.method,
                operation.path,
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCUMENT: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n\
        tags: [{name: Third-Party Integrations}, {name: Clusters}]\n\
        paths:\n  /a:\n    get:\n      operationId: listThirdPartyIntegrations\n      \
        tags: [Third-Party Integrations]\n      responses: {'204': {description: d}}\n    \
        post:\n      operationId: createCluster\n      tags: [Clusters]\n      \
        responses: {'204': {description: d}}\n";

    /// The catalogue of [`DOCUMENT`]; empty, so that every test fails, if it does not parse.
    fn catalogue() -> Catalogue {
        Document::parse(DOCUMENT, "a.yaml")
            .map(|document| Catalogue::of(&document))
            .unwrap_or_default()
    }

    #[test]
    fn tags_and_operations_are_listed() {
        let catalogue = catalogue();
        assert_eq!(
            catalogue.to_string(),
            "tags (2):\n  Third-Party Integrations  (1 operation(s))\n  Clusters  (1 operation(s))\n\
             operations (2):\n  listThirdPartyIntegrations  GET /a  [Third-Party Integrations]\n  \
             createCluster               POST /a  [Clusters]"
        );
    }

    #[test]
    fn a_near_miss_tag_gets_a_suggestion() {
        assert_eq!(
            catalogue().explain_tag("Third Party Integrations"),
            "no operation has the tag `Third Party Integrations`; did you mean `Third-Party Integrations`?"
        );
    }

    #[test]
    fn an_operation_id_given_as_a_tag_is_named() {
        assert_eq!(
            catalogue().explain_tag("createCluster"),
            "no operation has the tag `createCluster`: `createCluster` is an operationId, not a tag; select it with `--operation createCluster`"
        );
    }

    #[test]
    fn a_tag_given_as_an_operation_is_named() {
        assert_eq!(
            catalogue().explain_operation("Third-Party Integrations"),
            "no operation has the operationId `Third-Party Integrations`: `Third-Party Integrations` is a tag, not an operationId; select its operations with `--tag \"Third-Party Integrations\"`"
        );
    }

    #[test]
    fn a_near_miss_operation_id_gets_a_suggestion() {
        assert_eq!(
            catalogue().explain_operation("listThirdPartyIntegration"),
            "no operation has the operationId `listThirdPartyIntegration`; did you mean `listThirdPartyIntegrations`?"
        );
        assert_eq!(
            catalogue().explain_operation("deleteEverything"),
            "no operation has the operationId `deleteEverything`; `--list` shows every tag and operationId of the document"
        );
    }
}
