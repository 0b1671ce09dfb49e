//! Turns spec prose into rustdoc lines.

/// Splits `text` into doc lines, each either empty or starting with one space, ready to
/// follow `///`. Square brackets are escaped so rustdoc does not read them as links, and
/// bare URLs are wrapped in `<>` so rustdoc renders them as links.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .trim()
        .lines()
        .map(|line| {
            let line = line.trim_end();
            if line.is_empty() {
                String::new()
            } else {
                format!(" {}", escape_markdown(line))
            }
        })
        .collect();
    lines.dedup_by(|next, previous| next.is_empty() && previous.is_empty());
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

fn escape_markdown(line: &str) -> String {
    let escaped = line.replace('[', "\\[").replace(']', "\\]");
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
    fn code_span_with_backtick() {
        assert_eq!(code_span("a.b"), "`a.b`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a"), "`` `a ``");
    }
}
