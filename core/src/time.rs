//! Times: every time in the format is Unix seconds, UTC.

use core::fmt;

/// A time as Unix seconds (UTC), the unit of every time in the format. `Display` writes RFC 3339
/// UTC (`2026-06-01T10:00:00Z`); outside the years 1970–9999 it writes `Unix time <seconds>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(pub u64);

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match der::DateTime::from_unix_duration(core::time::Duration::from_secs(self.0)) {
            Ok(dt) => write!(f, "{dt}"),
            Err(_) => write!(f, "Unix time {}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UnixTime;

    #[test]
    fn displays_rfc3339_utc_or_the_number() {
        assert_eq!(UnixTime(1_780_308_000).to_string(), "2026-06-01T10:00:00Z");
        assert_eq!(UnixTime(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(
            UnixTime(u64::MAX).to_string(),
            format!("Unix time {}", u64::MAX)
        );
    }
}
