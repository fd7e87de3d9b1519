//! Reading our RFC 3339 timestamps and saying how long ago they were, in the browser without a date library.

/// Milliseconds since the Unix epoch of a `YYYY-MM-DDTHH:MM:SS[.fff]Z` timestamp.
pub fn parse_utc_millis(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || bytes[10] != b'T' || !text.ends_with('Z') {
        return None;
    }
    let num = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let millis = match text.get(19..text.len() - 1)? {
        "" => 0,
        fraction => fraction.strip_prefix('.')?.get(..3).and_then(|f| f.parse::<i64>().ok())?,
    };
    if !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some((((days * 24 + hour) * 60 + minute) * 60 + second) * 1000 + millis)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Milliseconds since the Unix epoch of an RFC 3339 date-time with any offset (`Z`, `+02:00`, `-05:30`) and any
/// number of fraction digits (beyond milliseconds they are dropped): what a client may send as a time.
pub fn parse_rfc3339_millis(text: &str) -> Option<i64> {
    let text = text.trim();
    let bytes = text.as_bytes();
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || !matches!(bytes[10], b'T' | b't') {
        return None;
    }
    let (local, offset_minutes) = match text.get(19..)? {
        zone if zone.ends_with(['Z', 'z']) => (&text[..text.len() - 1], 0),
        zone => {
            let sign_at = zone.rfind(['+', '-'])?;
            let (fraction, offset) = zone.split_at(sign_at);
            let offset_bytes = offset.as_bytes();
            if offset.len() != 6 || offset_bytes[3] != b':' {
                return None;
            }
            let (hours, minutes) = (offset.get(1..3)?.parse::<i64>().ok()?, offset.get(4..6)?.parse::<i64>().ok()?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            (&text[..19 + fraction.len()], sign * (hours * 60 + minutes))
        }
    };
    let fraction = local.get(19..)?;
    let millis = match fraction {
        "" => String::new(),
        f => {
            let digits = f.strip_prefix('.').filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))?;
            format!(".{:0<3}", &digits[..digits.len().min(3)])
        }
    };
    parse_utc_millis(&format!("{}T{}{millis}Z", &local[..10], &local[11..19])).map(|at| at - offset_minutes * 60_000)
}

/// The timestamp text Bulletin stores and sends (`2026-11-26T15:00:00.123Z`) of epoch milliseconds.
pub fn format_utc_millis(millis: i64) -> String {
    let (days, rest) = (millis.div_euclid(86_400_000), millis.rem_euclid(86_400_000));
    let (year, month, day) = civil_from_days(days);
    let (hour, minute) = (rest / 3_600_000, rest / 60_000 % 60);
    let (second, milli) = (rest / 1000 % 60, rest % 1000);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{milli:03}Z")
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (the inverse of `days_from_civil`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// "just now", "5 minutes ago", "3 hours ago", "yesterday", "4 days ago", or the date for anything older.
pub fn relative_time(timestamp: &str, now_millis: i64) -> String {
    let Some(then) = parse_utc_millis(timestamp) else { return timestamp.to_owned() };
    let seconds = (now_millis - then).max(0) / 1000;
    let plural = |n: i64, unit: &str| format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" });
    match seconds {
        0..=44 => "just now".to_owned(),
        45..=3_599 => plural((seconds / 60).max(1), "minute"),
        3_600..=86_399 => plural(seconds / 3_600, "hour"),
        86_400..=172_799 => "yesterday".to_owned(),
        172_800..=604_799 => plural(seconds / 86_400, "day"),
        _ => timestamp.get(..10).unwrap_or(timestamp).to_owned(),
    }
}

/// The exact time for a tooltip: `2026-11-26 15:00 UTC`.
pub fn exact_time(timestamp: &str) -> String {
    match (timestamp.get(..10), timestamp.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => timestamp.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_to_epoch_millis() {
        assert_eq!(parse_utc_millis("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(parse_utc_millis("2000-03-01T00:00:01.500Z"), Some(951_868_801_500));
        assert_eq!(parse_utc_millis("2026-11-26T15:00:00Z"), Some(1_795_705_200_000));
        for bad in [
            "",
            "yesterday",
            "2026-13-01T00:00:00.000Z",
            "2026-11-26 15:00:00.000Z",
            "2026-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
        ] {
            assert_eq!(parse_utc_millis(bad), None, "{bad}");
        }
    }

    #[test]
    fn times_with_offsets_parse_and_format_as_utc() {
        let utc = |text: &str| parse_rfc3339_millis(text).map(format_utc_millis);
        assert_eq!(utc("2026-12-01T10:00:00Z").as_deref(), Some("2026-12-01T10:00:00.000Z"));
        assert_eq!(utc("2026-12-01T10:00:00.5+02:00").as_deref(), Some("2026-12-01T08:00:00.500Z"));
        assert_eq!(utc("2026-12-31T23:30:00.123456-01:00").as_deref(), Some("2027-01-01T00:30:00.123Z"));
        assert_eq!(utc("2024-02-29T00:00:00+00:00").as_deref(), Some("2024-02-29T00:00:00.000Z"));
        for bad in
            ["", "tomorrow", "2026-12-01", "2026-12-01T10:00:00", "2026-12-01T10:00:00+2", "2026-12-01T10:00:00.Z"]
        {
            assert_eq!(parse_rfc3339_millis(bad), None, "{bad}");
        }
        for millis in [0, 951_868_801_500, 1_795_705_200_000, -86_400_001] {
            assert_eq!(parse_utc_millis(&format_utc_millis(millis)), Some(millis), "{millis}");
        }
    }

    #[test]
    fn relative_times_read_naturally() {
        let at = |s: &str| parse_utc_millis(s).unwrap();
        let post = "2026-11-26T12:00:00.000Z";
        assert_eq!(relative_time(post, at("2026-11-26T12:00:10.000Z")), "just now");
        assert_eq!(relative_time(post, at("2026-11-26T12:01:00.000Z")), "1 minute ago");
        assert_eq!(relative_time(post, at("2026-11-26T12:05:00.000Z")), "5 minutes ago");
        assert_eq!(relative_time(post, at("2026-11-26T15:00:00.000Z")), "3 hours ago");
        assert_eq!(relative_time(post, at("2026-11-27T13:00:00.000Z")), "yesterday");
        assert_eq!(relative_time(post, at("2026-11-30T12:00:00.000Z")), "4 days ago");
        assert_eq!(relative_time(post, at("2027-01-01T00:00:00.000Z")), "2026-11-26");
        assert_eq!(exact_time(post), "2026-11-26 12:00 UTC");
    }
}
