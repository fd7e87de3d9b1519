//! The current time in milliseconds since the epoch, in the browser or on the server.

pub fn now_millis() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
    }
}

/// The UTC RFC 3339 time of a `<input type="datetime-local">` value (`2026-12-01T18:00`), read in this browser's
/// time zone; `None` if it is not a time. (On the server, where there is no local zone, it is read as UTC.)
pub fn local_input_to_utc(value: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value));
        (!date.get_time().is_nan()).then(|| String::from(date.to_iso_string()))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let with_seconds = if value.len() == 16 { format!("{value}:00Z") } else { format!("{value}Z") };
        crate::model::time::parse_rfc3339_millis(&with_seconds).map(crate::model::time::format_utc_millis)
    }
}

/// Whole seconds since the epoch (0 for a clock set before 1970).
pub fn now_seconds() -> u64 {
    u64::try_from(now_millis() / 1000).unwrap_or(0)
}
