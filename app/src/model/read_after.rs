//! The read-after position: how a client asks to read nothing older than what it has written (read-your-writes on
//! a board with read replicas; see `store/read_your_writes.rs`).
//!
//! A response to a request that wrote carries `Bulletin-Read-After: <position>`; a client that sends the highest
//! position it was given back with its later requests reads, on every instance, only from a database that has
//! that write. The position is an opaque decimal number (a PostgreSQL WAL position); a board without replicas
//! never sends one and ignores it.

pub const READ_AFTER_HEADER: &str = "bulletin-read-after";

/// A position as sent: 1-20 decimal digits. Anything else is treated as no position at all (it can only ever make
/// reads more current, so there is nothing to refuse).
pub fn parse_position(value: &str) -> Option<u64> {
    if value.is_empty() || value.len() > 20 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok().filter(|position| *position > 0)
}

#[cfg(test)]
mod tests {
    use super::parse_position;

    #[test]
    fn only_plain_positive_decimal_positions_are_read() {
        assert_eq!(parse_position("83886080"), Some(83_886_080));
        assert_eq!(parse_position("18446744073709551615"), Some(u64::MAX));
        for ignored in ["", "0", "-5", "+5", " 5", "0/16B3748", "18446744073709551616", &"9".repeat(21)] {
            assert_eq!(parse_position(ignored), None, "{ignored:?}");
        }
    }
}
