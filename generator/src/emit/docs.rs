//! Documentation attributes, sanitised so that text from a document is safe as rustdoc.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc]` attributes, one per line, for `text`, or for `fallback` when the document says nothing.
pub(crate) fn doc_attrs(text: Option<&str>, fallback: impl FnOnce() -> String) -> TokenStream {
    let text = match text {
        Some(text) if !text.trim().is_empty() => text.to_owned(),
        _ => fallback(),
    };
    let lines = sanitise(&text);
    quote! { #( #[doc = #lines] )* }
}

/// Appends `extra` as a paragraph after `text`.
pub(crate) fn with_paragraph(text: Option<&str>, extra: &str) -> String {
    match text {
        Some(text) if !text.trim().is_empty() => format!("{}\n\n{extra}", text.trim_end()),
        _ => extra.to_owned(),
    }
}

/// Splits `text` into doc lines, each with the leading space rustdoc expects. Indentation is
/// dropped, since rustdoc would read four spaces as a code block and run it as a test; fenced
/// blocks are marked as text for the same reason.
fn sanitise(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    for line in text.trim().lines() {
        let line = line.trim();
        let line = if line.starts_with("```") || line.starts_with("~~~") {
            in_fence = !in_fence;
            if in_fence {
                "```text".to_owned()
            } else {
                "```".to_owned()
            }
        } else {
            line.to_owned()
        };
        if line.is_empty() && out.last().is_some_and(String::is_empty) {
            continue;
        }
        out.push(line);
    }
    // Close a fence the text left open, so that it cannot swallow the rest of the item's docs.
    if in_fence {
        out.push("```".to_owned());
    }
    out.into_iter()
        .map(|l| if l.is_empty() { l } else { format!(" {l}") })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sanitise;

    #[test]
    fn indentation_cannot_make_a_doctest() {
        assert_eq!(
            sanitise("Example:\n\n    let x = 1;\n"),
            vec![" Example:", "", " let x = 1;"]
        );
    }

    #[test]
    fn fences_are_text_and_balanced() {
        assert_eq!(
            sanitise("```\ncode\n```"),
            vec![" ```text", " code", " ```"]
        );
        assert_eq!(sanitise("```json\n{}"), vec![" ```text", " {}", " ```"]);
    }
}
