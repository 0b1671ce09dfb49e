//! The files a standalone crate needs beside its models and operations: `Cargo.toml`, the
//! crate root and the runtime, which is the External Contacts crate's hand-written runtime.
//!
//! The runtime files are compiled into the generator, so a generated crate always carries the
//! runtime of the generator that wrote it.

use anyhow::{Context, Result};
use askama::Template;

/// The hand-written runtime modules, copied unchanged into every standalone crate.
pub const RUNTIME_MODULES: &[(&str, &str)] = &[
    (
        "auth.rs",
        include_str!("../../../crates/externalcontacts/src/auth.rs"),
    ),
    (
        "client.rs",
        include_str!("../../../crates/externalcontacts/src/client.rs"),
    ),
    (
        "date_time.rs",
        include_str!("../../../crates/externalcontacts/src/date_time.rs"),
    ),
    (
        "de.rs",
        include_str!("../../../crates/externalcontacts/src/de.rs"),
    ),
    (
        "error.rs",
        include_str!("../../../crates/externalcontacts/src/error.rs"),
    ),
    (
        "pagination.rs",
        include_str!("../../../crates/externalcontacts/src/pagination.rs"),
    ),
    (
        "param.rs",
        include_str!("../../../crates/externalcontacts/src/param.rs"),
    ),
    (
        "region.rs",
        include_str!("../../../crates/externalcontacts/src/region.rs"),
    ),
    (
        "request.rs",
        include_str!("../../../crates/externalcontacts/src/request.rs"),
    ),
    (
        "retry.rs",
        include_str!("../../../crates/externalcontacts/src/retry.rs"),
    ),
];

/// The External Contacts crate root: its module declarations and re-exports are the runtime's.
const PRODUCT_LIB: &str = include_str!("../../../crates/externalcontacts/src/lib.rs");

/// The External Contacts manifest, whose `[dependencies]` are the runtime's.
const PRODUCT_MANIFEST: &str = include_str!("../../../crates/externalcontacts/Cargo.toml");

#[derive(Template)]
#[template(path = "Cargo.toml.jinja", escape = "none")]
struct Manifest<'a> {
    crate_name: &'a str,
    description: String,
    dependencies: String,
}

#[derive(Template)]
#[template(path = "lib.rs.jinja", escape = "none")]
struct CrateRoot<'a> {
    title: &'a str,
    version: &'a str,
    spec_label: &'a str,
    /// The runtime's module declarations and re-exports, as Rust source.
    runtime_items: String,
}

/// The spec's own description, for the crate's description and docs.
pub struct SpecInfo<'a> {
    /// `info.title`, such as "PureCloud Platform API".
    pub title: &'a str,
    /// `info.version`.
    pub version: &'a str,
    /// The spec's path as generated headers name it.
    pub spec_label: &'a str,
}

/// The rendered files of a standalone crate that do not come from the spec's operations and
/// schemas.
pub struct CrateFiles {
    /// `Cargo.toml`, without a header.
    pub manifest: String,
    /// `src/lib.rs`, unformatted.
    pub root: String,
    /// Runtime modules by file name under `src/`, with doctests naming this crate.
    pub runtime: Vec<(&'static str, String)>,
}

/// Renders the manifest and crate root of a crate named `crate_name`.
pub fn render(crate_name: &str, info: &SpecInfo<'_>) -> Result<CrateFiles> {
    let manifest = Manifest {
        crate_name,
        description: format!("Typed async client for the {}", info.title.trim()),
        dependencies: runtime_dependencies()?,
    };
    let root = CrateRoot {
        title: info.title.trim(),
        version: info.version,
        spec_label: info.spec_label,
        runtime_items: runtime_items()?,
    };
    let mut manifest = manifest.render()?;
    if !manifest.ends_with('\n') {
        manifest.push('\n');
    }
    Ok(CrateFiles {
        manifest,
        root: root.render()?,
        runtime: RUNTIME_MODULES
            .iter()
            .map(|(name, text)| (*name, rename_crate_paths(text, crate_name)))
            .collect(),
    })
}

/// Points the runtime's doctests, which use `externalcontacts::`, at the crate `crate_name`.
fn rename_crate_paths(text: &str, crate_name: &str) -> String {
    text.replace(
        "externalcontacts::",
        &format!("{}::", crate_name.replace('-', "_")),
    )
}

/// Returns the `[dependencies]` table of the External Contacts manifest, printed as TOML.
fn runtime_dependencies() -> Result<String> {
    let manifest: toml_edit::DocumentMut = PRODUCT_MANIFEST
        .parse()
        .context("crates/externalcontacts/Cargo.toml is not valid TOML")?;
    let dependencies = manifest
        .get("dependencies")
        .and_then(toml_edit::Item::as_table)
        .context("crates/externalcontacts/Cargo.toml has no [dependencies] table")?;
    let mut out = toml_edit::DocumentMut::new();
    out.insert("dependencies", toml_edit::Item::Table(dependencies.clone()));
    Ok(out.to_string().trim().to_owned())
}

/// Returns the External Contacts crate root without its own docs and doctests: the module
/// declarations, re-exports and attributes that every generated crate shares.
fn runtime_items() -> Result<String> {
    let mut file = syn::parse_file(PRODUCT_LIB)
        .context("crates/externalcontacts/src/lib.rs does not parse")?;
    file.attrs.retain(|attr| !attr.path().is_ident("doc"));
    file.items.retain(|item| !is_doctest_only(item));
    // The External Contacts API uses all of the runtime; a smaller spec may use little of it.
    let allow: syn::Attribute = syn::parse_quote!(
        #[allow(dead_code, reason = "the runtime serves every spec; this one may not use all of it")]
    );
    for item in &mut file.items {
        if let syn::Item::Mod(module) = item {
            let generated = module.ident == "models" || module.ident == "operations";
            if !generated {
                module.attrs.push(allow.clone());
            }
        }
    }
    Ok(prettyplease::unparse(&file))
}

/// Checks whether an item exists only under `#[cfg(doctest)]`, such as the README's doctests.
fn is_doctest_only(item: &syn::Item) -> bool {
    let attrs = match item {
        syn::Item::Struct(item) => &item.attrs,
        syn::Item::Mod(item) => &item.attrs,
        syn::Item::Const(item) => &item.attrs,
        _ => return false,
    };
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Ident>()
                .is_ok_and(|ident| ident == "doctest")
    })
}

/// Checks that `name` can name a crate on crates.io and in `Cargo.toml`.
pub fn validate_crate_name(name: &str) -> Result<()> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    anyhow::ensure!(
        valid,
        "`{name}` is not a valid crate name\n  help: use ASCII letters, digits, `-` and `_`, starting with a letter (at most 64 characters), such as `genesys-platform`"
    );
    let ident = name.replace('-', "_");
    let reserved = super::names::is_keyword(&ident)
        || ["alloc", "core", "proc_macro", "std", "test"].contains(&ident.as_str());
    anyhow::ensure!(
        !reserved,
        "`{name}` is not a valid crate name: `{ident}` is a Rust keyword or a built-in crate\n  help: choose another name, such as `{ident}-api`"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn every_runtime_module_is_copied() {
        let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../crates/externalcontacts/src");
        let mut on_disk: Vec<String> = std::fs::read_dir(&src)
            .expect("the runtime folder exists")
            .map(|entry| entry.expect("a folder entry").file_name())
            .map(|name| name.to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".rs") && name != "lib.rs")
            .collect();
        on_disk.sort();

        let copied: Vec<&str> = RUNTIME_MODULES.iter().map(|(name, _)| *name).collect();

        assert_eq!(
            on_disk, copied,
            "RUNTIME_MODULES must list every runtime file"
        );
    }

    #[test]
    fn crate_root_keeps_modules_and_drops_product_docs() {
        let items = runtime_items().expect("the product crate root parses");

        assert!(items.contains("pub mod models;"), "{items}");
        assert!(
            items.contains("pub use crate::client::{Client, ClientBuilder};"),
            "{items}"
        );
        assert!(!items.contains("README"), "{items}");
        assert!(!items.contains("//!"), "{items}");
    }

    #[test]
    fn crate_names_are_checked() {
        for good in ["genesys-platform", "a", "api_v2"] {
            assert!(validate_crate_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "2fa",
            "has space",
            "ümlaut",
            "-lead",
            "fn",
            "self",
            "std",
        ] {
            let err = validate_crate_name(bad).expect_err(bad).to_string();
            assert!(err.contains(&format!("`{bad}`")), "{err}");
        }
    }
}
