//! Prints tokens as Rust source in-process: `syn` parses them into a file, `prettyplease` prints it,
//! and the `@generated` line goes on top.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Formats one generated module. Fails only if the emitter produced tokens that are not a Rust
/// file, which is a bug in the generator rather than in the document.
///
/// Items are parsed and printed one at a time, so that only one item's syntax tree is alive at
/// once: a module of tens of thousands of types would otherwise hold its tokens, their parse
/// buffer and the whole syntax tree together.
pub fn render(tokens: &TokenStream, command: &str, source: &str) -> Result<String, String> {
    let body = render_items(tokens)?;
    Ok(join(command, source, [body]))
}

/// Formats the items of one part of a module, without the `@generated` line; [`join`] puts the
/// parts together.
pub fn render_items(tokens: &TokenStream) -> Result<String, String> {
    let mut body = String::new();
    for item in items(tokens) {
        let file: syn::File =
            syn::parse2(item).map_err(|e| format!("emitted tokens do not parse: {e}"))?;
        if !body.is_empty() {
            body.push('\n');
        }
        body.push_str(&space_items(&prettyplease::unparse(&file)));
    }
    Ok(body)
}

/// A whole module from its parts formatted in order by [`render_items`]: the text [`render`]
/// gives for all of their items at once.
pub fn join(command: &str, source: &str, parts: impl IntoIterator<Item = String>) -> String {
    let mut text = format!("{}\n\n", header(command, source));
    let mut first = true;
    for part in parts.into_iter().filter(|part| !part.is_empty()) {
        if !first {
            text.push('\n');
        }
        text.push_str(&part);
        first = false;
    }
    text
}

/// `text` with a blank line before each item that follows another inside a block (methods and
/// constants of an `impl`, items of a module), as rustfmt leaves them when written by hand:
/// a line at the same indentation as the previous one, which ended an item (`}` or `;`), that
/// starts an item or its docs and attributes.
fn space_items(text: &str) -> String {
    const STARTS: &[&str] = &[
        "///", "#[", "pub ", "pub(", "fn ", "const ", "type ", "impl", "struct ", "enum ", "mod ",
        "static ", "trait ", "unsafe ", "async ",
    ];
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous: Option<&str> = None;
    // Inside an inner attribute (`#![allow(…)]`, perhaps over several lines), and whether the
    // previous line closed one.
    let (mut in_inner, mut inner_closed) = (false, false);
    for line in text.lines() {
        if let Some(before) = previous {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let ended = before.ends_with('}')
                || before.ends_with(';')
                || (inner_closed && !line.starts_with("#!"));
            let trimmed = line.trim_start();
            if ended
                && indent(before) == indent(line)
                && !before.trim_start().starts_with("use ")
                && !before.trim_start().starts_with("//")
                && STARTS.iter().any(|start| trimmed.starts_with(start))
            {
                out.push('\n');
            }
        }
        in_inner |= line.starts_with("#![");
        inner_closed = in_inner && line.ends_with(']');
        in_inner &= !inner_closed;
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

/// Splits a module's tokens into its items: each ends with a `;` or a braced group (and the `;`
/// that may follow it, as in `use a::{b, c};`). Attributes stay with the item they precede, and
/// inner attributes with the first item.
fn items(tokens: &TokenStream) -> impl Iterator<Item = TokenStream> {
    let mut tokens = tokens.clone().into_iter().peekable();
    std::iter::from_fn(move || {
        let mut item = Vec::new();
        while let Some(token) = tokens.next() {
            let end = match &token {
                TokenTree::Punct(p) => p.as_char() == ';',
                TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
                _ => false,
            };
            let braced = matches!(&token, TokenTree::Group(_));
            item.push(token);
            if end {
                if braced
                    && let Some(semi) =
                        tokens.next_if(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ';'))
                {
                    item.push(semi);
                }
                break;
            }
        }
        (!item.is_empty()).then(|| item.into_iter().collect())
    })
}

/// The first line of every generated file: marks it generated and names how to regenerate it.
pub fn header(command: &str, source: &str) -> String {
    let command = if command.is_empty() {
        "the generator"
    } else {
        command
    };
    format!("// @generated by `{command}` from {source}. Do not edit by hand.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_in_blocks_are_set_apart_and_fields_and_statements_are_not() {
        let printed = "#![allow(\n    deprecated\n)]\npub struct A {\n    pub a: u8,\n    /// B.\n    pub b: u8,\n}\nimpl A {\n    const N: u8 = 1;\n    /// New.\n    pub fn new() -> Self {\n        let a = 1;\n        let b = 2;\n        if a == b {}\n        Self { a, b }\n    }\n    fn other() {}\n}\n";
        assert_eq!(
            space_items(printed),
            "#![allow(\n    deprecated\n)]\n\npub struct A {\n    pub a: u8,\n    /// B.\n    pub b: u8,\n}\n\nimpl A {\n    const N: u8 = 1;\n\n    /// New.\n    pub fn new() -> Self {\n        let a = 1;\n        let b = 2;\n        if a == b {}\n        Self { a, b }\n    }\n\n    fn other() {}\n}\n"
        );
    }

    #[test]
    fn top_level_items_are_separated_by_a_blank_line() {
        let tokens: TokenStream = "struct A; fn f() {} const C: u8 = 2;"
            .parse()
            .unwrap_or_default();
        let text = render(&tokens, "cmd", "doc.yaml").unwrap_or_default();
        assert_eq!(
            text,
            "// @generated by `cmd` from doc.yaml. Do not edit by hand.\n\nstruct A;\n\nfn f() {}\n\nconst C: u8 = 2;\n"
        );
    }
}
