//! Serde functions for date-time fields: lenient when reading, and writing the exact form
//! Genesys Cloud sends, `2022-10-21T12:34:56.789Z`.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserializer, Serializer};

/// Parses RFC 3339 with or without fractional seconds and with `Z` or a numeric offset. A
/// timestamp without any offset is taken as UTC, as Genesys Cloud stores every time in UTC.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(value) = DateTime::parse_from_rfc3339(text) {
        return Some(value.with_timezone(&Utc));
    }
    // Offsets without a colon, such as `+0200`.
    if let Ok(value) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(value.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|value| value.and_utc())
}

/// Writes UTC with milliseconds and `Z`.
pub fn format(value: &DateTime<Utc>) -> String {
    value.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// For `Option<DateTime<Utc>>` fields, used as `#[serde(with = "crate::date_time::option")]`.
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(
        value: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.serialize_str(&format(value)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        deserializer.deserialize_option(OptionVisitor)
    }

    /// Reads the text without copying it when the deserializer can lend it.
    struct OptionVisitor;

    impl<'de> serde::de::Visitor<'de> for OptionVisitor {
        type Value = Option<DateTime<Utc>>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an RFC 3339 date-time or null")
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_str(self)
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
            parse(text).map(Some).ok_or_else(|| {
                E::custom(format_args!(
                    "invalid date-time `{text}`: expected RFC 3339, such as 2022-10-21T12:34:56.789Z"
                ))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_genesys_forms() {
        let expected = "2022-10-21T12:34:56.000Z";
        for text in [
            "2022-10-21T12:34:56Z",
            "2022-10-21T12:34:56.000Z",
            "2022-10-21T14:34:56+02:00",
            "2022-10-21T14:34:56+0200",
            "2022-10-21T12:34:56",
        ] {
            let value = parse(text).unwrap_or_else(|| panic!("{text} parses"));
            assert_eq!(format(&value), expected, "{text}");
        }
    }

    #[test]
    fn parse_keeps_milliseconds() {
        let value = parse("2022-10-21T12:34:56.789Z").expect("parses");
        assert_eq!(format(&value), "2022-10-21T12:34:56.789Z");
    }

    #[test]
    fn parse_rejects_garbage() {
        assert!(parse("yesterday").is_none());
    }
}
