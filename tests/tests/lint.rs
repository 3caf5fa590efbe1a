//! Checks the OpenAPI document with the pinned Redocly CLI linter, using its `recommended` rules.
//!
//! The document must come out with no errors and no warnings. A second test feeds the linter a
//! deliberately broken document to show that the check is able to fail.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use codegen_tests::node::{self, RunOutput};
use codegen_tests::workspace_root;
use serde_json::Value;

/// Generous upper bound for one linter run; a normal run takes a second or two.
const LINT_TIMEOUT: Duration = Duration::from_secs(180);

/// Runs `redocly lint` on `document` with the given output format.
fn redocly_lint(document: &Path, format: &str) -> Result<RunOutput, String> {
    let mut command = node::command("redocly")?;
    command
        .arg("lint")
        .arg(format!("--format={format}"))
        .arg("--max-problems=1000")
        .arg("--extends=recommended")
        .arg(document)
        .current_dir(workspace_root());
    node::run_with_timeout(&mut command, LINT_TIMEOUT)
}

/// Parses the linter's JSON report from standard output.
fn json_report(output: &RunOutput) -> Result<Value, String> {
    serde_json::from_str(output.stdout.trim())
        .map_err(|e| format!("the linter's JSON report did not parse: {e}"))
}

/// Reads a count from the report's `totals` object.
fn total(report: &Value, key: &str) -> Option<u64> {
    report.get("totals")?.get(key)?.as_u64()
}

#[test]
#[allow(clippy::panic)]
fn spec_passes_redocly_lint() {
    let spec = workspace_root()
        .join("spec")
        .join("atlas-integrations.yaml");
    assert!(
        spec.is_file(),
        "missing OpenAPI document: {}",
        spec.display()
    );

    let output = redocly_lint(&spec, "json").unwrap_or_else(|e| panic!("{e}"));
    let report = json_report(&output).unwrap_or_else(|e| panic!("{e}\n{}", output.combined()));
    let problems = report
        .get("problems")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let clean = output.status.success()
        && total(&report, "errors") == Some(0)
        && total(&report, "warnings") == Some(0)
        && total(&report, "ignored") == Some(0)
        && problems == 0;
    if !clean {
        // The readable report is easier to act on than the JSON one.
        let readable = redocly_lint(&spec, "stylish")
            .map(|o| o.combined())
            .unwrap_or_else(|e| e);
        panic!(
            "redocly lint reported problems in {}\n{readable}\n--- JSON report ---\n{}",
            spec.display(),
            output.combined()
        );
    }
}

/// A temporary file that is removed when dropped.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

const BROKEN_DOCUMENT: &str = r##"openapi: 3.0.3
info:
  title: Broken on purpose
  version: '1.0'
  description: An operation whose response points at a schema that does not exist.
  license:
    name: Apache 2.0
    url: https://www.apache.org/licenses/LICENSE-2.0
servers:
  - url: https://api.example.org
paths:
  /things:
    get:
      operationId: listThings
      summary: List things
      responses:
        '200':
          description: The things.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Missing'
components: {}
"##;

#[test]
#[allow(clippy::panic)]
fn linter_rejects_a_broken_document() {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let file = TempFile(std::env::temp_dir().join(format!(
        "codegen-tests-broken-{}-{nanos}.yaml",
        std::process::id()
    )));
    std::fs::write(&file.0, BROKEN_DOCUMENT)
        .unwrap_or_else(|e| panic!("could not write {}: {e}", file.0.display()));

    let output = redocly_lint(&file.0, "json").unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !output.status.success(),
        "redocly lint accepted a document with an unresolved $ref\n{}",
        output.combined()
    );
    let report = json_report(&output).unwrap_or_else(|e| panic!("{e}\n{}", output.combined()));
    let rules: Vec<&str> = report
        .get("problems")
        .and_then(Value::as_array)
        .map(|problems| {
            problems
                .iter()
                .filter_map(|p| p.get("ruleId").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        rules.contains(&"no-unresolved-refs"),
        "expected a no-unresolved-refs problem, got {rules:?}\n{}",
        output.combined()
    );
}
