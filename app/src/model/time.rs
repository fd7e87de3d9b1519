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
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some((((days * 24 + hour) * 60 + minute) * 60 + second) * 1000 + millis)
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
        for bad in ["", "yesterday", "2026-13-01T00:00:00.000Z", "2026-11-26 15:00:00.000Z"] {
            assert_eq!(parse_utc_millis(bad), None, "{bad}");
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
