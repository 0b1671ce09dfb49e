//! Errors about the spec: each names the file, the place in it and what to change.

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in the spec: a JSON pointer such as `#/paths/~1api~1v2~1items/get/parameters/2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Pointer("#".to_owned())
    }

    /// Wraps text that is already a JSON pointer with escaped tokens.
    pub fn from_escaped(pointer: &str) -> Self {
        Pointer(pointer.to_owned())
    }

    /// Appends one reference token, escaping `~` and `/` as RFC 6901 requires.
    pub fn push(&self, token: impl fmt::Display) -> Self {
        let token = token.to_string().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{token}", self.0))
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Location of an error in the spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecLocation {
    /// A line and column (1-based), for YAML syntax errors.
    LineColumn {
        line: usize,
        column: usize,
    },
    Pointer(Pointer),
    /// A JSON pointer together with the line and column where the parser stopped.
    PointerAt {
        pointer: Pointer,
        line: usize,
        column: usize,
    },
    File,
}

/// A spec the generator cannot turn into code.
#[derive(Debug, Clone)]
pub struct SpecError {
    pub file: PathBuf,
    pub location: SpecLocation,
    pub message: String,
    /// Change to the spec that fixes the error.
    pub help: String,
}

impl SpecError {
    pub fn at(pointer: &Pointer, message: impl Into<String>, help: impl Into<String>) -> Self {
        SpecError {
            file: PathBuf::new(),
            location: SpecLocation::Pointer(pointer.clone()),
            message: message.into(),
            help: help.into(),
        }
    }

    /// Fills in the spec file's path, which lowering does not know.
    pub fn in_file(mut self, file: &Path) -> Self {
        self.file = file.to_owned();
        self
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        match &self.location {
            SpecLocation::LineColumn { line, column } => write!(f, "{file}:{line}:{column}")?,
            SpecLocation::Pointer(pointer) => write!(f, "{file}{pointer}")?,
            SpecLocation::PointerAt {
                pointer,
                line,
                column,
            } => write!(f, "{file}{pointer} (line {line}, column {column})")?,
            SpecLocation::File => write!(f, "{file}")?,
        }
        write!(f, ": {}\n  help: {}", self.message, self.help)
    }
}

impl std::error::Error for SpecError {}

/// Result of a lowering step.
pub type SpecResult<T> = Result<T, SpecError>;
