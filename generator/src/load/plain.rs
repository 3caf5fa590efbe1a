//! Reading a document as plain, order-keeping data within the loader's limits, before it is
//! given OpenAPI's structure: depth and node count are checked as the parser goes, so that no
//! input can exhaust the stack or the memory.

use std::cell::Cell;
use std::fmt;

use indexmap::IndexMap;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::{Limits, yaml};
use crate::diagnostics::Code;

/// A document read as plain data, before it is given the structure of OpenAPI: mappings keep
/// their order, so that a document rebuilt from it reads as the original did.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Plain {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    String(String),
    Seq(Vec<Plain>),
    Map(IndexMap<String, Plain>),
}

impl Plain {
    /// The value under `key`, for a mapping.
    pub(super) fn get(&self, key: &str) -> Option<&Plain> {
        match self {
            Plain::Map(map) => map.get(key),
            _ => None,
        }
    }

    /// The text, for a string.
    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Plain::String(s) => Some(s),
            _ => None,
        }
    }
}

impl serde::Serialize for Plain {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Plain::Null => s.serialize_unit(),
            Plain::Bool(b) => s.serialize_bool(*b),
            Plain::Int(i) => s.serialize_i64(*i),
            Plain::UInt(u) => s.serialize_u64(*u),
            Plain::Float(f) => s.serialize_f64(*f),
            Plain::String(text) => s.serialize_str(text),
            Plain::Seq(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Plain::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// What building the plain value has used of the limits, shared by every level of it.
struct Budget<'l> {
    limits: &'l Limits,
    nodes: Cell<usize>,
    /// Which limit stopped the parse, if one did, so that the parser's error is reported as
    /// `limit` with this message.
    exceeded: Cell<Option<String>>,
}

/// Builds one node of the plain value, `depth` levels down.
struct Node<'b, 'l> {
    budget: &'b Budget<'l>,
    depth: usize,
}

impl Node<'_, '_> {
    fn count<E: de::Error>(&self) -> Result<(), E> {
        let nodes = self.budget.nodes.get() + 1;
        self.budget.nodes.set(nodes);
        if nodes > self.budget.limits.max_nodes {
            let message = format!(
                "the document has more than {} nodes, counting YAML aliases expanded (`Limits::max_nodes`)",
                self.budget.limits.max_nodes
            );
            return Err(self.exceed(message));
        }
        Ok(())
    }

    fn enter<E: de::Error>(&self) -> Result<(), E> {
        self.count()?;
        if self.depth >= self.budget.limits.max_depth {
            let message = format!(
                "the document nests deeper than {} levels (`Limits::max_depth`)",
                self.budget.limits.max_depth
            );
            return Err(self.exceed(message));
        }
        Ok(())
    }

    fn exceed<E: de::Error>(&self, message: String) -> E {
        let error = E::custom(&message);
        self.budget.exceeded.set(Some(message));
        error
    }

    fn child(&self) -> Node<'_, '_> {
        Node {
            budget: self.budget,
            depth: self.depth + 1,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Plain;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Plain, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = Plain;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Plain, E> {
        self.count()?;
        Ok(Plain::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Plain, E> {
        self.count()?;
        Ok(Plain::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Plain, E> {
        self.count()?;
        Ok(Plain::UInt(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Plain, E> {
        self.count()?;
        Ok(Plain::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Plain, E> {
        self.count()?;
        Ok(Plain::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Plain, E> {
        self.count()?;
        Ok(Plain::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Plain, E> {
        self.count()?;
        Ok(Plain::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Plain, E> {
        self.visit_unit()
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Plain, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Plain, A::Error> {
        self.enter()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.child())? {
            items.push(item);
        }
        Ok(Plain::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Plain, A::Error> {
        self.enter()?;
        let mut entries = IndexMap::new();
        while let Some(key) = map.next_key_seed(self.child())? {
            let key = match key {
                Plain::String(s) => s,
                Plain::Int(i) => i.to_string(),
                Plain::UInt(u) => u.to_string(),
                Plain::Float(f) => f.to_string(),
                Plain::Bool(b) => b.to_string(),
                Plain::Null => "null".to_owned(),
                Plain::Seq(_) | Plain::Map(_) => {
                    return Err(de::Error::custom("a key is a mapping or a sequence"));
                }
            };
            let value = map.next_value_seed(self.child())?;
            if entries.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            entries.insert(key, value);
        }
        Ok(Plain::Map(entries))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _data: A) -> Result<Plain, A::Error> {
        Err(de::Error::custom("YAML tags are not supported"))
    }
}

/// Reads the text as plain data within the limits: a failure is `(code, message)`.
pub(super) fn parse_plain(
    text: &str,
    is_json: bool,
    limits: &Limits,
) -> Result<Plain, (Code, String)> {
    let budget = Budget {
        limits,
        nodes: Cell::new(0),
        exceeded: Cell::new(None),
    };
    let root = Node {
        budget: &budget,
        depth: 0,
    };
    let result = if is_json {
        let mut de = serde_json::Deserializer::from_str(text);
        root.deserialize(&mut de)
            .and_then(|plain| de.end().map(|()| plain))
            .map_err(|e| e.to_string())
    } else {
        root.deserialize(yaml::Deserializer::from_str(text))
            .map_err(|e| e.to_string())
    };
    result.map_err(|message| {
        if let Some(limit) = budget.exceeded.take() {
            // The parser's message has the limit's, with where it stopped.
            match message.rfind(" at line ") {
                Some(cut) => (Code::Limit, format!("{limit}{}", &message[cut..])),
                None => (Code::Limit, limit),
            }
        } else if message.starts_with("recursion limit exceeded") {
            let message = format!(
                "the document nests deeper than the parser's own limit of 128 levels (`Limits::max_depth` cannot raise it): {message}"
            );
            (Code::Limit, message)
        } else if message.starts_with("repetition limit exceeded") {
            let message = format!(
                "YAML aliases expand to more than the parser allows ({message}); see also `Limits::max_nodes`"
            );
            (Code::Limit, message)
        } else {
            (Code::Parse, message)
        }
    })
}
