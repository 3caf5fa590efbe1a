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
/// is indented under the item, or quoted, so that it reads the same and says so. Prose outside
/// code is escaped where rustdoc would misread it (see [`escape_prose`]).
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
        } else if in_fence {
            line.to_owned()
        } else if line.is_empty() || line.starts_with('#') || is_thematic_break(line) {
            // A blank line, a heading or a rule ends the paragraph.
            continues = None;
            escape_line(line)
        } else if let Some(width) = list_marker_width(line) {
            continues = Some(Continuation::Item(width));
            escape_line(line)
        } else if line.starts_with('>') {
            continues = Some(Continuation::Quote);
            escape_line(line)
        } else {
            let line = escape_line(line);
            match continues {
                Some(Continuation::Item(width)) => format!("{:width$}{line}", ""),
                Some(Continuation::Quote) => format!("> {line}"),
                None => line,
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

/// One line of prose with its code spans kept as they are and the rest escaped.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        let ticks = rest[start..].len() - rest[start..].trim_start_matches('`').len();
        let fence = &rest[start..start + ticks];
        // The span closes at the next run of exactly as many backticks.
        let after = &rest[start + ticks..];
        let close = after
            .match_indices(fence)
            .find(|(at, _)| !after[at + ticks..].starts_with('`') && !after[..*at].ends_with('`'));
        out.push_str(&escape_prose(&rest[..start]));
        match close {
            Some((at, _)) => {
                out.push_str(&rest[start..start + ticks + at + ticks]);
                rest = &after[at + ticks..];
            }
            None => {
                // An unmatched run is literal backticks.
                out.push_str(fence);
                rest = after;
            }
        }
    }
    out.push_str(&escape_prose(rest));
    out
}

/// Escapes what rustdoc would misread in prose: square brackets that are not an inline link
/// (`items[n]` would be an intra-doc link to `n`), the `<` that opens something shaped like an
/// HTML tag (`the <value>` would be an unclosed tag), and bare URLs, which are put in `<...>` so
/// that they are links. Inline links (`[text](url)`), autolinks (`<https://...>`) and escapes
/// already there are kept.
fn escape_prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        if c == '\\' {
            // An escape, kept with the character it escapes.
            let n = rest[1..].chars().next().map_or(0, char::len_utf8);
            out.push_str(&rest[..1 + n]);
            i += 1 + n;
            continue;
        }
        if c == '[' {
            if let Some(len) = inline_link(rest) {
                let close = rest[..len].rfind("](").unwrap_or(0);
                out.push('[');
                out.push_str(&escape_prose(&rest[1..close]));
                out.push_str(&rest[close..len]);
                i += len;
                continue;
            }
            out.push_str("\\[");
            i += 1;
            continue;
        }
        if c == ']' {
            out.push_str("\\]");
            i += 1;
            continue;
        }
        if c == '<' {
            if let Some(len) = autolink(rest) {
                out.push_str(&rest[..len]);
                i += len;
                continue;
            }
            let tag_like = rest[1..]
                .chars()
                .next()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
            out.push_str(if tag_like { "&lt;" } else { "<" });
            i += 1;
            continue;
        }
        let starts_word = text[..i]
            .chars()
            .next_back()
            .is_none_or(|p| !p.is_alphanumeric());
        if starts_word && (rest.starts_with("https://") || rest.starts_with("http://")) {
            let len = bare_url(rest);
            out.push('<');
            out.push_str(&rest[..len]);
            out.push('>');
            i += len;
            continue;
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// The length of the inline link `[text](destination)` that `text` starts with, if it does.
fn inline_link(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut close = None;
    for (at, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(at);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    let destination = text[close + 1..].strip_prefix('(')?;
    let mut depth = 1usize;
    for (at, c) in destination.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(close + 2 + at + 1);
                }
            }
            c if c.is_whitespace() && !destination[..at].contains('"') => return None,
            _ => {}
        }
    }
    None
}

/// The length of the autolink `<scheme:...>` that `text` starts with, if it does.
fn autolink(text: &str) -> Option<usize> {
    let inner = &text[1..];
    let end = inner.find('>')?;
    let target = &inner[..end];
    let (scheme, after) = target.split_once(':')?;
    let scheme_ok = scheme.len() >= 2
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
    let after_ok = !after.is_empty() && !after.contains(|c: char| c.is_whitespace() || c == '<');
    (scheme_ok && after_ok).then_some(end + 2)
}

/// The length of the bare URL `text` starts with: up to white space, a quote or a bracket that
/// closes nothing it opened, without the punctuation that ends a sentence.
fn bare_url(text: &str) -> usize {
    let mut end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '\'' | '[' | ']'))
        .unwrap_or(text.len());
    loop {
        let url = &text[..end];
        let Some(last) = url.chars().next_back() else {
            break;
        };
        let unbalanced = last == ')' && url.matches('(').count() < url.matches(')').count();
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '*' | '_') || unbalanced {
            end -= last.len_utf8();
        } else {
            break;
        }
    }
    end
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
    use super::{escape_line, sanitise};

    #[test]
    fn brackets_that_are_not_links_are_escaped() {
        assert_eq!(
            escape_line("set **replicationSpecs[n].regionConfigs[m].priority**"),
            "set **replicationSpecs\\[n\\].regionConfigs\\[m\\].priority**"
        );
        assert_eq!(
            escape_line("see [the docs](https://example.com/a_(b)) or [RFC 7616]"),
            "see [the docs](https://example.com/a_(b)) or \\[RFC 7616\\]"
        );
        assert_eq!(
            escape_line("already \\[escaped\\]"),
            "already \\[escaped\\]"
        );
    }

    #[test]
    fn what_looks_like_html_is_text() {
        assert_eq!(
            escape_line("only for abbr title=\"AWS\">AWS</abbr>; the <value> can be"),
            "only for abbr title=\"AWS\">AWS&lt;/abbr>; the &lt;value> can be"
        );
        assert_eq!(escape_line("when a < b and b > c"), "when a < b and b > c");
        assert_eq!(
            escape_line("see <https://example.com/x>"),
            "see <https://example.com/x>"
        );
    }

    #[test]
    fn bare_urls_become_links() {
        assert_eq!(
            escape_line("instructions in https://www.mongodb.com/docs/atlas/backup/. Then"),
            "instructions in <https://www.mongodb.com/docs/atlas/backup/>. Then"
        );
        assert_eq!(
            escape_line("For example: \"https://example.blob.core.windows.net/container\"."),
            "For example: \"<https://example.blob.core.windows.net/container>\"."
        );
        assert_eq!(
            escape_line("(see http://example.com/a)"),
            "(see <http://example.com/a>)"
        );
    }

    #[test]
    fn code_spans_are_kept() {
        assert_eq!(
            escape_line("`items[0]` and ``a `<b>` c`` but [x]"),
            "`items[0]` and ``a `<b>` c`` but \\[x\\]"
        );
        assert_eq!(escape_line("a lone ` tick [y]"), "a lone ` tick \\[y\\]");
    }

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
