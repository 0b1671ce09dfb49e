//! Text forms of path, query and header parameter values.

use crate::Error;

/// Returns the text of a path parameter, rejecting values that would change the path: an
/// empty value, `.` and `..` (URL normalization drops or resolves the last two).
pub(crate) fn path_segment(name: &str, value: &impl ParamValue) -> Result<String, Error> {
    let text = value.param_value();
    if text.is_empty() || text == "." || text == ".." {
        return Err(Error::InvalidRequest(format!(
            "the path parameter `{name}` is `{text}`, which would change the request path; pass an id"
        )));
    }
    Ok(text)
}

/// A value that can be written into a URL path segment, a query string or a header.
///
/// Generated enums implement it with their wire value.
pub trait ParamValue {
    /// Returns the value as the API expects it in text form.
    fn param_value(&self) -> String;
}

impl ParamValue for String {
    fn param_value(&self) -> String {
        self.clone()
    }
}

impl ParamValue for bool {
    fn param_value(&self) -> String {
        self.to_string()
    }
}

macro_rules! display_param_value {
    ($($ty:ty),*) => {
        $(impl ParamValue for $ty {
            fn param_value(&self) -> String {
                self.to_string()
            }
        })*
    };
}

display_param_value!(i32, i64, f32, f64);

impl ParamValue for chrono::DateTime<chrono::Utc> {
    /// RFC 3339 with milliseconds and `Z`, the form Genesys Cloud sends.
    fn param_value(&self) -> String {
        crate::date_time::format(self)
    }
}

/// A JSON value in a URL: a string as it is, anything else as its JSON text. Parameters the
/// spec types as objects take it.
impl ParamValue for serde_json::Value {
    fn param_value(&self) -> String {
        match self {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }
}

impl ParamValue for chrono::NaiveDate {
    fn param_value(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_uses_milliseconds_and_z() {
        let value = chrono::DateTime::parse_from_rfc3339("2022-10-21T14:34:56+02:00").unwrap();
        let value = value.with_timezone(&chrono::Utc);
        assert_eq!(value.param_value(), "2022-10-21T12:34:56.000Z");
    }

    #[test]
    fn path_segment_rejects_path_changing_values() {
        for value in ["", ".", ".."] {
            let err = path_segment("contact_id", &value.to_owned()).expect_err(value);
            assert!(err.to_string().contains("`contact_id`"), "{err}");
        }
        assert_eq!(
            path_segment("contact_id", &"...".to_owned())
                .ok()
                .as_deref(),
            Some("...")
        );
    }

    #[test]
    fn json_value_param_text() {
        assert_eq!(serde_json::json!("name").param_value(), "name");
        assert_eq!(serde_json::json!({"a": 1}).param_value(), r#"{"a":1}"#);
    }

    #[test]
    fn date_is_iso_8601() {
        let value = chrono::NaiveDate::from_ymd_opt(2022, 1, 2).unwrap();
        assert_eq!(value.param_value(), "2022-01-02");
    }
}
