//! The generator never panics, whatever the document: hundreds of damaged versions of the real
//! document, each either generating or failing with diagnostics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codegen_tests::workspace_root;
use generator::{Config, Document};

/// A small deterministic generator, so that a failure can be replayed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Damages `text` in one of several ways: drops, duplicates or swaps lines, cuts it short, or
/// replaces a token with another from elsewhere in the document.
fn damage(text: &str, rng: &mut XorShift) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let tokens = [
        "$ref: '#/components/schemas/Nope'",
        "oneOf: []",
        "type: object",
        "- ",
        "{",
        "enum: [a, A]",
        "nullable: true",
        "discriminator: {propertyName: x}",
        "'日本'",
        "not: {}",
    ];
    match rng.below(5) {
        0 => {
            let at = rng.below(lines.len());
            lines.remove(at);
        }
        1 => {
            let at = rng.below(lines.len());
            lines.insert(at, lines[rng.below(lines.len())]);
        }
        2 => {
            let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
            lines.swap(a, b);
        }
        3 => lines.truncate(rng.below(lines.len())),
        _ => {
            let at = rng.below(lines.len());
            let indent = lines[at].len() - lines[at].trim_start().len();
            let replaced = format!(
                "{}{}",
                &lines[at][..indent],
                tokens[rng.below(tokens.len())]
            );
            let mut owned: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
            owned[at] = replaced;
            return owned.join("\n");
        }
    }
    lines.join("\n")
}

#[test]
fn damaged_documents_never_panic() {
    let text =
        std::fs::read_to_string(workspace_root().join("spec/atlas-integrations.yaml")).unwrap();
    let mut rng = XorShift(0x5eed_1234_abcd_ef01);
    let (mut generated, mut refused) = (0, 0);
    for round in 0..600 {
        let mut damaged = damage(&text, &mut rng);
        if round % 3 == 0 {
            damaged = damage(&damaged, &mut rng);
        }
        let outcome = Document::parse(&damaged, "damaged.yaml")
            .and_then(|doc| generator::generate(&doc, &Config::default()));
        match outcome {
            Ok(_) => generated += 1,
            Err(diagnostics) => {
                assert!(
                    diagnostics.has_errors(),
                    "a refusal names at least one error"
                );
                refused += 1;
            }
        }
    }
    // Both outcomes occur, so the damage reaches the generator and not only the parser.
    assert!(
        generated > 50 && refused > 50,
        "generated {generated}, refused {refused}"
    );
}
