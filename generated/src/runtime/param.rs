//! Writing parameter values as OpenAPI 3.0's `style` and `explode` say: query parameters (form,
//! spaceDelimited, pipeDelimited, deepObject), path parameters (simple, label, matrix) and
//! headers (simple).

use serde::Serialize;

use super::request::{Query, encode_segment};

/// How a parameter's value is written (OpenAPI's `style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `name=a,b` (query; explode: `name=a&name=b`, an object's `key=value` pairs).
    Form,
    /// `name=a%20b` (query arrays and objects).
    SpaceDelimited,
    /// `name=a|b` (query arrays and objects).
    PipeDelimited,
    /// `name[key]=value` (query objects).
    DeepObject,
    /// `a,b` (path and header).
    Simple,
    /// `.a.b` (path).
    Label,
    /// `;name=a` (path).
    Matrix,
}

/// A parameter's value as the style rules see it: one text, a list of texts, or an object's keys
/// and texts. Values nested deeper are written as JSON text.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A single value: a string as it is, a number or boolean as its text.
    Scalar(String),
    /// An array's items.
    List(Vec<String>),
    /// An object's keys and values.
    Object(Vec<(String, String)>),
}

impl Shape {
    /// The shape of any value, through its JSON form: a JSON string is its text (no quotes),
    /// a number or boolean its text, `null` the empty text.
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Result<Shape, serde_json::Error> {
        Ok(Shape::from_json(&serde_json::to_value(value)?))
    }

    /// The shape of a JSON value, by the same rules as [`Shape::of`].
    pub(crate) fn from_json(value: &serde_json::Value) -> Shape {
        match value {
            serde_json::Value::Array(items) => Shape::List(items.iter().map(text).collect()),
            serde_json::Value::Object(map) => {
                Shape::Object(map.iter().map(|(k, v)| (k.clone(), text(v))).collect())
            }
            other => Shape::Scalar(text(other)),
        }
    }

    /// Every text in order: an object's keys and values alternating, as the unexploded styles
    /// write them.
    pub(crate) fn flat(&self) -> Vec<&str> {
        match self {
            Shape::Scalar(text) => vec![text.as_str()],
            Shape::List(items) => items.iter().map(String::as_str).collect(),
            Shape::Object(pairs) => pairs
                .iter()
                .flat_map(|(k, v)| [k.as_str(), v.as_str()])
                .collect(),
        }
    }
}

/// The text of one JSON value: strings unquoted, numbers as Rust writes them, arrays and objects
/// as JSON.
fn text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (None, Some(u), _) => u.to_string(),
            (None, None, Some(f)) => f.to_string(),
            _ => n.to_string(),
        },
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Percent-encodes each text and joins them with `separator`, written as it is.
fn joined(texts: &[&str], separator: &str) -> String {
    texts
        .iter()
        .map(|t| encode_segment(t))
        .collect::<Vec<_>>()
        .join(separator)
}

impl Query {
    /// Appends a parameter written in `style` (a query style), with `explode`.
    pub fn push_styled(&mut self, name: &str, value: &Shape, style: Style, explode: bool) {
        let separator = match style {
            Style::SpaceDelimited => "%20",
            Style::PipeDelimited => "|",
            _ => ",",
        };
        match (value, style, explode) {
            (Shape::Scalar(text), _, _) => self.push(name, text),
            (Shape::Object(pairs), Style::DeepObject, _) => {
                for (key, value) in pairs {
                    let name = format!("{}[{}]", encode_segment(name), encode_segment(key));
                    self.push_encoded(&name, &encode_segment(value));
                }
            }
            (Shape::List(items), _, true) => {
                for item in items {
                    self.push(name, item);
                }
            }
            (Shape::Object(pairs), _, true) => {
                for (key, value) in pairs {
                    self.push(key, value);
                }
            }
            (_, _, false) => {
                self.push_encoded(&encode_segment(name), &joined(&value.flat(), separator))
            }
        }
    }
}

/// A path parameter's value written in `style` (simple, label or matrix), with `explode`,
/// percent-encoded; it takes the place of `{name}` in the path.
pub fn path_value(name: &str, value: &Shape, style: Style, explode: bool) -> String {
    let name = encode_segment(name);
    let pairs = |pairs: &[(String, String)], separator: &str| {
        pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode_segment(k), encode_segment(v)))
            .collect::<Vec<_>>()
            .join(separator)
    };
    match (style, value, explode) {
        (Style::Label, Shape::List(items), true) => {
            let items: Vec<&str> = items.iter().map(String::as_str).collect();
            format!(".{}", joined(&items, "."))
        }
        (Style::Label, Shape::Object(object), true) => format!(".{}", pairs(object, ".")),
        (Style::Label, _, _) => format!(".{}", joined(&value.flat(), ",")),
        (Style::Matrix, Shape::List(items), true) => items
            .iter()
            .map(|item| format!(";{name}={}", encode_segment(item)))
            .collect(),
        (Style::Matrix, Shape::Object(object), true) => format!(";{}", pairs(object, ";")),
        (Style::Matrix, _, _) => format!(";{name}={}", joined(&value.flat(), ",")),
        (_, Shape::Object(object), true) => pairs(object, ","),
        _ => joined(&value.flat(), ","),
    }
}

/// A header's value in the simple style, with `explode`: `a,b`, and an object's pairs `k,v,…` or,
/// exploded, `k=v,…`. Nothing is percent-encoded.
pub fn header_value(value: &Shape, explode: bool) -> String {
    match (value, explode) {
        (Shape::Object(pairs), true) => pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        _ => value.flat().join(","),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object() -> Shape {
        Shape::Object(vec![("R".into(), "100".into()), ("G".into(), "200".into())])
    }

    fn list() -> Shape {
        Shape::List(vec!["blue".into(), "black".into()])
    }

    fn query(value: &Shape, style: Style, explode: bool) -> String {
        let mut query = Query::new();
        query.push_styled("color", value, style, explode);
        query.as_str().to_owned()
    }

    #[test]
    fn query_styles_follow_the_table() {
        assert_eq!(query(&list(), Style::Form, true), "?color=blue&color=black");
        assert_eq!(query(&list(), Style::Form, false), "?color=blue,black");
        assert_eq!(query(&object(), Style::Form, true), "?R=100&G=200");
        assert_eq!(query(&object(), Style::Form, false), "?color=R,100,G,200");
        assert_eq!(
            query(&list(), Style::SpaceDelimited, false),
            "?color=blue%20black"
        );
        assert_eq!(
            query(&list(), Style::PipeDelimited, false),
            "?color=blue|black"
        );
        assert_eq!(
            query(&object(), Style::DeepObject, true),
            "?color[R]=100&color[G]=200"
        );
        assert_eq!(
            query(&Shape::Scalar("a,b".into()), Style::Form, false),
            "?color=a%2Cb"
        );
    }

    #[test]
    fn path_and_header_styles_follow_the_table() {
        assert_eq!(
            path_value("id", &list(), Style::Simple, false),
            "blue,black"
        );
        assert_eq!(
            path_value("id", &object(), Style::Simple, true),
            "R=100,G=200"
        );
        assert_eq!(
            path_value("id", &list(), Style::Label, false),
            ".blue,black"
        );
        assert_eq!(path_value("id", &list(), Style::Label, true), ".blue.black");
        assert_eq!(
            path_value("id", &Shape::Scalar("5".into()), Style::Matrix, false),
            ";id=5"
        );
        assert_eq!(
            path_value("id", &list(), Style::Matrix, true),
            ";id=blue;id=black"
        );
        assert_eq!(
            path_value("id", &object(), Style::Matrix, true),
            ";R=100;G=200"
        );
        assert_eq!(header_value(&object(), false), "R,100,G,200");
    }

    #[test]
    fn free_form_values_are_their_text() {
        let shape = |v: serde_json::Value| Shape::of(&v).ok();
        assert_eq!(
            shape(serde_json::json!("hello")),
            Some(Shape::Scalar("hello".into()))
        );
        assert_eq!(
            shape(serde_json::json!(1.0)),
            Some(Shape::Scalar("1".into()))
        );
        assert_eq!(
            shape(serde_json::json!(true)),
            Some(Shape::Scalar("true".into()))
        );
        assert_eq!(
            shape(serde_json::json!([1, "a"])),
            Some(Shape::List(vec!["1".into(), "a".into()]))
        );
    }
}
