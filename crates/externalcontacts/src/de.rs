//! Serde helpers that generated code shares.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Error, Visitor};

/// Deserializes a string enum from borrowed text when the deserializer can lend it, so that
/// known values cost no allocation.
pub(crate) struct StrVisitor<T>(PhantomData<T>);

impl<T> StrVisitor<T> {
    pub(crate) fn new() -> Self {
        StrVisitor(PhantomData)
    }
}

impl<T> Visitor<'_> for StrVisitor<T>
where
    T: for<'a> From<&'a str> + From<String>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }

    fn visit_string<E: Error>(self, value: String) -> Result<T, E> {
        Ok(T::from(value))
    }
}
