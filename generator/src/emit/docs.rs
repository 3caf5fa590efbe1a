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
/// blocks are marked as text for the same reason. A line that Markdown reads as the lazy
/// continuation of a list item or a block quote (no blank line between, no indentation or `>`)
/// is indented under the item, or quoted, so that it reads the same and says so.
fn sanitise(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    // What a line continuing the current paragraph needs in front: the width of a list item's
    // marker, or a quote's `>`.
    let mut continues: Option<Continuation> = None;
    for line in text.trim().lines() {
        let line = line.trim();
        let line = if line.starts_with("```") || line.starts_with("~~~") {
            in_fence = !in_fence;
            continues = None;
            if in_fence {
                "```text".to_owned()
            } else {
                "```".to_owned()
            }
        } else if in_fence || line.is_empty() || line.starts_with('#') || is_thematic_break(line) {
            // A blank line, a heading or a rule ends the paragraph.
            continues = None;
            line.to_owned()
        } else if let Some(width) = list_marker_width(line) {
            continues = Some(Continuation::Item(width));
            line.to_owned()
        } else if line.starts_with('>') {
            continues = Some(Continuation::Quote);
            line.to_owned()
        } else {
            match continues {
                Some(Continuation::Item(width)) => format!("{:width$}{line}", ""),
                Some(Continuation::Quote) => format!("> {line}"),
                None => line.to_owned(),
            }
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

/// What a paragraph's next line needs to stay in it.
#[derive(Clone, Copy)]
enum Continuation {
    /// Indentation under a list item's text.
    Item(usize),
    /// A block quote's marker.
    Quote,
}

/// The width of the list item marker `line` starts with (`- `, `* `, `+ `, `1. `, `2) `), if it
/// starts with one.
fn list_marker_width(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    if let [b'-' | b'*' | b'+', b' ', ..] = bytes {
        return Some(2);
    }
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    match bytes.get(digits..digits + 2) {
        Some([b'.' | b')', b' ']) if (1..=9).contains(&digits) => Some(digits + 2),
        _ => None,
    }
}

/// Whether `line` is a thematic break (`---`, `***`, `___`), which ends a paragraph.
fn is_thematic_break(line: &str) -> bool {
    let marks: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    marks.len() >= 3
        && ["-", "*", "_"]
            .iter()
            .any(|mark| marks.chars().all(|c| c.to_string() == *mark))
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
    fn lazy_continuations_stay_in_their_item_or_quote() {
        assert_eq!(
            sanitise("Notes:\n- first item,\ncontinued\n10. tenth\nstill tenth\n\nA paragraph.\n"),
            vec![
                " Notes:",
                " - first item,",
                "   continued",
                " 10. tenth",
                "     still tenth",
                "",
                " A paragraph.",
            ]
        );
        assert_eq!(
            sanitise("> quoted\nlazily\n# Heading\nplain"),
            vec![" > quoted", " > lazily", " # Heading", " plain"]
        );
        // A rule or a fence ends the item; so does a blank line.
        assert_eq!(
            sanitise("- item\n---\nafter\n- item\n```\ncode\n```\nafter"),
            vec![
                " - item", " ---", " after", " - item", " ```text", " code", " ```", " after"
            ]
        );
        // Emphasis is not a list marker, nor is a rule of stars.
        assert_eq!(sanitise("*Note*\ntext"), vec![" *Note*", " text"]);
        assert_eq!(sanitise("* * *\ntext"), vec![" * * *", " text"]);
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
