//! Writes the seed corpora of the fuzz targets under `fuzz/corpus/<target>/`, from the JSON
//! examples of `spec/` and `tests/fixtures/` (every `example`, and every `value` of `examples`)
//! and from the JSON lines of the seed pages given as arguments (files, or folders of them).
//!
//! ```sh
//! cargo run --manifest-path fuzz/Cargo.toml -p fuzz-seeds -- ../shared/seed
//! ```
//!
//! Run from the workspace root. The files are named after a hash of their content, so running it
//! again adds nothing twice.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::env::current_dir()?;
    if !root.join("fuzz/Cargo.toml").is_file() {
        return Err("run this from the workspace root (where fuzz/ is)".into());
    }
    let mut examples = BTreeSet::new();
    for dir in ["spec", "tests/fixtures"] {
        for path in files(&root.join(dir))? {
            if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                let Ok(text) = fs::read_to_string(&path) else {
                    continue;
                };
                let Ok(document) = serde_yaml::from_str::<serde_yaml::Value>(&text) else {
                    continue;
                };
                collect(&document, &mut examples);
            }
        }
    }
    for argument in std::env::args().skip(1) {
        if !Path::new(&argument).exists() {
            return Err(format!("{argument}: no such file or folder").into());
        }
        for path in files(Path::new(&argument))? {
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            for line in text.lines().map(str::trim) {
                if line.starts_with(['{', '['])
                    && let Ok(value) = serde_json::from_str::<Value>(line)
                {
                    examples.insert(value.to_string());
                }
            }
        }
    }
    let examples: Vec<Value> = examples
        .iter()
        .filter_map(|text| serde_json::from_str(text).ok())
        .collect();
    let integrations: Vec<&Value> = examples
        .iter()
        .filter(|e| e.get("type").is_some_and(Value::is_string))
        .collect();
    let errors: Vec<&Value> = examples
        .iter()
        .filter(|e| e.get("errorCode").is_some())
        .collect();
    let page = json!({
        "links": [{"href": "https://cloud.mongodb.com/api/atlas", "rel": "self"}],
        "results": integrations,
        "totalCount": integrations.len(),
    });

    let corpus = root.join("fuzz/corpus");
    let mut written = 0;
    // integration: every example as sent (compact and spaced), and a page of every kind.
    for value in examples.iter().chain([&page]) {
        written += write(&corpus.join("integration"), value.to_string().as_bytes())?;
        let pretty = serde_json::to_string_pretty(value)?;
        written += write(&corpus.join("integration"), pretty.as_bytes())?;
    }
    // object_keys: every example object, and one whose keys repeat, escape and overlap.
    for value in examples.iter().filter(|e| e.is_object()).chain([&page]) {
        written += write(&corpus.join("object_keys"), value.to_string().as_bytes())?;
    }
    let tricky = br#"{"href":"https://x","r\u0065l":null,"":1,"a":{"b":[1,2.50,"c"]},"a\"b":true}"#;
    written += write(&corpus.join("object_keys"), tricky)?;
    // parse_response: each operation with its success body and each documented error.
    let list = 0;
    let (get, update, create, delete) = (1, 2, 3, 4);
    let integration = integrations
        .first()
        .map_or_else(|| json!({}), |v| (*v).clone());
    let mut answers: Vec<Answer<'_>> = vec![
        (list, 200, vec![], page.to_string().into_bytes()),
        (
            list | 0x80,
            200,
            vec![],
            json!({"status": 200, "content": page})
                .to_string()
                .into_bytes(),
        ),
        (list | 0x40, 200, vec![], page.to_string().into_bytes()),
        (get, 200, vec![], integration.to_string().into_bytes()),
        (update, 200, vec![], integration.to_string().into_bytes()),
        (create, 200, vec![], integration.to_string().into_bytes()),
        (delete, 204, vec![], Vec::new()),
        (
            list,
            429,
            vec![("retry-after", "7"), ("ratelimit-remaining", "0")],
            Vec::new(),
        ),
        (
            get,
            503,
            vec![("retry-after", "Thu, 01 Jan 1970 00:00:00 GMT")],
            b"<html>busy</html>".to_vec(),
        ),
    ];
    for error in &errors {
        let status = error.get("error").and_then(Value::as_u64).unwrap_or(400);
        let status = u16::try_from(status).unwrap_or(400);
        for operation in [list, get, update, create, delete] {
            answers.push((operation, status, vec![], error.to_string().into_bytes()));
        }
    }
    for (selector, status, headers, body) in answers {
        let mut input = vec![selector];
        input.extend((status - 100).to_be_bytes());
        let headers: Vec<(&str, &str)> = [("content-type", "application/json")]
            .into_iter()
            .chain(headers)
            .collect();
        input.push(u8::try_from(headers.len())?);
        for (name, value) in headers {
            input.push(u8::try_from(name.len())?);
            input.extend(name.as_bytes());
            input.push(u8::try_from(value.len())?);
            input.extend(value.as_bytes());
        }
        input.extend(body);
        written += write(&corpus.join("parse_response"), &input)?;
    }
    println!(
        "{written} new seed files under {} from {} examples",
        corpus.display(),
        examples.len()
    );
    Ok(())
}

/// One seed of `parse_response`: the operation byte, the status, extra headers and the body.
type Answer<'a> = (u8, u16, Vec<(&'a str, &'a str)>, Vec<u8>);

/// Every file at `path`: the file itself, or those of the folder and its subfolders.
fn files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(path)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        for entry in entries {
            found.extend(files(&entry)?);
        }
    }
    Ok(found)
}

/// Collects the JSON text of every `example`, and of every `value` under `examples`.
fn collect(value: &serde_yaml::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            for (key, item) in map {
                match key.as_str() {
                    Some("example") => add(item, out),
                    Some("examples") => match item {
                        serde_yaml::Value::Mapping(named) => {
                            for example in named.values() {
                                if let Some(value) = example.get("value") {
                                    add(value, out);
                                }
                            }
                        }
                        serde_yaml::Value::Sequence(list) => list.iter().for_each(|v| add(v, out)),
                        _ => {}
                    },
                    _ => {}
                }
                collect(item, out);
            }
        }
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|v| collect(v, out)),
        serde_yaml::Value::Tagged(tagged) => collect(&tagged.value, out),
        _ => {}
    }
}

/// Adds an example that is an object or an array.
fn add(value: &serde_yaml::Value, out: &mut BTreeSet<String>) {
    if let Ok(json) = serde_json::to_value(value)
        && (json.is_object() || json.is_array())
    {
        out.insert(json.to_string());
    }
}

/// Writes one seed file named after its content's hash; `1` when it is new.
fn write(dir: &Path, content: &[u8]) -> std::io::Result<usize> {
    fs::create_dir_all(dir)?;
    // FNV-1a: a stable name without a dependency.
    let hash = content
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
        });
    let path = dir.join(format!("seed-{hash:016x}"));
    if path.exists() {
        return Ok(0);
    }
    fs::write(path, content)?;
    Ok(1)
}
