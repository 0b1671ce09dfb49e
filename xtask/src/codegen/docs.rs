//! Turns spec prose into rustdoc lines.

/// Width that doc text is wrapped at, leaving room for `    /// ` within 100 columns.
const DOC_WIDTH: usize = 88;

/// Splits `text` into doc lines, each either empty or starting with one space, ready to
/// follow `///`. Long lines are wrapped at word boundaries. Square brackets are escaped so
/// rustdoc does not read them as links, and bare URLs are wrapped in `<>` so rustdoc
/// renders them as links.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let text = text.replace('\r', "");
    // Leading indentation is dropped, because rustdoc would run indented text as a doctest.
    for line in text.trim().lines().map(str::trim) {
        if line.is_empty() {
            lines.push(String::new());
            continue;
        }
        // A code fence without a language would also be a doctest.
        if line == "```" && !inside_fence(&lines) {
            lines.push(" ```text".to_owned());
            continue;
        }
        if line.starts_with("```") || inside_fence(&lines) {
            lines.push(format!(" {line}"));
            continue;
        }
        let escaped = escape_markdown(line);
        // A list item's continuation lines are indented to its text, as Markdown requires.
        let indent = if escaped.starts_with("- ") || escaped.starts_with("* ") {
            "  "
        } else {
            ""
        };
        lines.extend(
            wrap(&escaped, indent)
                .into_iter()
                .map(|wrapped| format!(" {wrapped}")),
        );
    }
    lines.dedup_by(|next, previous| next.is_empty() && previous.is_empty());
    lines
}

/// Breaks `line` at spaces into lines of at most `DOC_WIDTH` characters, where words allow.
fn wrap(line: &str, continuation_indent: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for (index, word) in line.split(' ').enumerate() {
        if index > 0 {
            if current.chars().count() + 1 + word.chars().count() > DOC_WIDTH {
                lines.push(std::mem::replace(
                    &mut current,
                    continuation_indent.to_owned(),
                ));
            } else {
                current.push(' ');
            }
        }
        current.push_str(word);
    }
    lines.push(current);
    lines
}

/// Joins paragraphs of doc lines with one empty line between non-empty paragraphs.
pub fn join_paragraphs(paragraphs: impl IntoIterator<Item = Vec<String>>) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in paragraphs
        .into_iter()
        .filter(|paragraph| !paragraph.is_empty())
    {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(paragraph);
    }
    lines
}

/// One doc line from already formatted Markdown, such as a code span built by the generator.
pub fn markdown_line(markdown: impl Into<String>) -> Vec<String> {
    vec![format!(" {}", markdown.into())]
}

/// Wraps a wire value in a Markdown code span, choosing a fence that the value cannot close.
pub fn code_span(value: &str) -> String {
    let fence = if value.contains('`') { "``" } else { "`" };
    let padding = if value.starts_with('`') || value.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{padding}{value}{padding}{fence}")
}

/// Checks whether the lines so far leave a code fence open.
fn inside_fence(lines: &[String]) -> bool {
    lines
        .iter()
        .filter(|line| line.trim_start().starts_with("```"))
        .count()
        % 2
        == 1
}

fn escape_markdown(line: &str) -> String {
    // Brackets would be read as links, and `<`/`>` as HTML tags (`List<String>`).
    let escaped = line
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "\\<")
        .replace('>', "\\>");
    escaped
        .split(' ')
        .map(|word| {
            let is_url = word.starts_with("http://") || word.starts_with("https://");
            if is_url {
                let url = word.trim_end_matches(['.', ',', ';', ')']);
                format!("<{url}>{}", &word[url.len()..])
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_lines_escape_and_wrap() {
        let lines = doc_lines("See https://example.com/a.\n\n\n[x] is set.\n");
        assert_eq!(
            lines,
            [" See <https://example.com/a>.", "", " \\[x\\] is set."]
        );
    }

    #[test]
    fn doc_lines_wrap_long_lines() {
        let words = ["word"; 30].join(" ");
        let lines = doc_lines(&format!("- {words}"));
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines
                .iter()
                .all(|line| line.chars().count() <= DOC_WIDTH + 1),
            "{lines:?}"
        );
        assert!(
            lines[1].starts_with("   word"),
            "continuation is indented: {lines:?}"
        );
    }

    #[test]
    fn doc_lines_neutralize_html_and_code() {
        let lines = doc_lines("Use List<String>.\r\n    indented\n```\nlet x = 1;\n```");
        assert_eq!(
            lines,
            [
                " Use List\\<String\\>.",
                " indented",
                " ```text",
                " let x = 1;",
                " ```"
            ]
        );
    }

    #[test]
    fn code_span_with_backtick() {
        assert_eq!(code_span("a.b"), "`a.b`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a"), "`` `a ``");
    }
}
