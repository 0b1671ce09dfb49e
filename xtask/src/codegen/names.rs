//! Rust identifiers from spec names: one sanitizer for every kind of name.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToSnakeCase};

/// Words that cannot be plain identifiers in Rust 2021, plus the reserved ones of later editions.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Checks whether `word` is a Rust keyword, which cannot be a plain identifier.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Converts any spec name to a snake-case Rust identifier: `firstName` -> `first_name`,
/// `type` -> `type_`, `2fa` -> `_2fa`.
pub fn snake_case(name: &str) -> String {
    let words = replace_non_identifier_chars(name).to_snake_case();
    finish_identifier(words, "_")
}

/// Converts any spec name to a Pascal-case Rust identifier: `contacts.externalOrganization`
/// -> `ContactsExternalOrganization`, `2x` -> `V2x`.
pub fn pascal_case(name: &str) -> String {
    let words = replace_non_identifier_chars(name).to_pascal_case();
    finish_identifier(words, "V")
}

/// Treats every character that cannot appear in an identifier as a word break.
fn replace_non_identifier_chars(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect()
}

fn finish_identifier(mut ident: String, digit_prefix: &str) -> String {
    if ident.is_empty() {
        return if digit_prefix == "_" {
            "value".to_owned()
        } else {
            "Empty".to_owned()
        };
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert_str(0, digit_prefix);
    }
    if KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    }
    ident
}

/// Hands out unique names within one scope, suffixing `2`, `3`... on collisions in the order
/// names are requested, so the outcome depends only on the spec's order.
#[derive(Debug, Default)]
pub struct NameScope {
    taken: BTreeSet<String>,
    /// `(wanted, given)` for every name that got a suffix, in the order they were asked for.
    renamed: Vec<(String, String)>,
}

impl NameScope {
    /// Reserves `name` as it is, returning false when it was already taken.
    pub fn reserve(&mut self, name: &str) -> bool {
        self.taken.insert(name.to_owned())
    }

    /// Returns `name`, or `name` with the smallest numeric suffix that is still free.
    pub fn unique(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let separator = if name.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        let given = (2..)
            .map(|n| format!("{name}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name");
        self.renamed.push((name, given.clone()));
        given
    }

    /// Returns the `(wanted, given)` pairs of the names that got a suffix, and clears them.
    pub fn take_renamed(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.renamed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_cases() {
        let cases = [
            ("firstName", "first_name"),
            ("selfUri", "self_uri"),
            ("type", "type_"),
            ("self", "self_"),
            ("2fa", "_2fa"),
            ("externalOrganizationId", "external_organization_id"),
            (
                "contacts.externalOrganization",
                "contacts_external_organization",
            ),
            ("", "value"),
        ];
        for (input, expected) in cases {
            assert_eq!(snake_case(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn pascal_case_cases() {
        let cases = [
            (
                "contacts.externalOrganization",
                "ContactsExternalOrganization",
            ),
            ("SOCIAL_EXPRESSION", "SocialExpression"),
            ("WORK2", "Work2"),
            ("GenesysCloud", "GenesysCloud"),
            ("with space", "WithSpace"),
            ("3rdParty", "V3rdParty"),
            ("", "Empty"),
            ("Self", "Self_"),
        ];
        for (input, expected) in cases {
            assert_eq!(pascal_case(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn name_scope_suffixes_collisions() {
        let mut scope = NameScope::default();
        assert_eq!(scope.unique("active".to_owned()), "active");
        assert_eq!(scope.unique("active".to_owned()), "active2");
        assert_eq!(scope.unique("active".to_owned()), "active3");
        assert_eq!(scope.unique("work2".to_owned()), "work2");
        assert_eq!(scope.unique("work2".to_owned()), "work2_2");
        let renamed = scope.take_renamed();
        assert_eq!(renamed[0], ("active".to_owned(), "active2".to_owned()));
        assert_eq!(renamed.len(), 3);
    }
}
