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

/// Whole seconds since the epoch (0 for a clock set before 1970).
pub fn now_seconds() -> u64 {
    u64::try_from(now_millis() / 1000).unwrap_or(0)
}
