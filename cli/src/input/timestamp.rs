//! The `X-TIMESTAMP` to sign: as given, or the current time in a UTC offset.

use std::time::{SystemTime, UNIX_EPOCH};

use snapsign_core::provider::TimestampStyle;
use snapsign_core::timestamp::{Timestamp, TimestampFormat, MAX_OFFSET_MINUTES, WIB, WIT, WITA};

use crate::args::TimeArgs;
use crate::failure::{Failure, Outcome};

/// The current time in Unix milliseconds.
pub(crate) fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)).unwrap_or(0)
}

/// The X-TIMESTAMP to use: `--timestamp` as given, or now in `--offset` (default +07:00).
pub(crate) fn resolve_timestamp(t: &TimeArgs) -> Outcome<String> {
    resolve_timestamp_for(t, None)
}

/// As [`resolve_timestamp`], with a provider's style for what `--offset` and `--millis` leave
/// open.
pub(crate) fn resolve_timestamp_for(t: &TimeArgs, style: Option<TimestampStyle>) -> Outcome<String> {
    if let Some(ts) = &t.timestamp {
        return Ok(ts.clone());
    }
    let (offset, utc_as_z, profile_millis) = match (&t.offset, style) {
        (Some(text), _) => {
            let (offset, z) = parse_offset(text)?;
            (offset, z, false)
        }
        (None, Some(s)) => (s.offset_minutes, s.format.utc_as_z, s.format.millis),
        (None, None) => (WIB, false, false),
    };
    let ts = Timestamp::from_unix_millis(now_millis(), offset).map_err(|e| Failure::input("--offset", e))?;
    Ok(ts.format(TimestampFormat { millis: t.millis || profile_millis, utc_as_z }).to_string())
}

/// Parses `--offset`: `Z`, `±HH:MM`, `WIB`, `WITA`, `WIT`, `UTC`. Returns minutes and whether to
/// write a zero offset as `Z`.
fn parse_offset(text: &str) -> Outcome<(i16, bool)> {
    let bad = || {
        Failure::input(
            "--offset",
            format!("'{text}' is not a UTC offset; use +07:00 (WIB), +08:00 (WITA), +09:00 (WIT), Z or ±HH:MM"),
        )
    };
    match text {
        "Z" | "z" => return Ok((0, true)),
        "UTC" | "utc" => return Ok((0, false)),
        "WIB" | "wib" => return Ok((WIB, false)),
        "WITA" | "wita" => return Ok((WITA, false)),
        "WIT" | "wit" => return Ok((WIT, false)),
        _ => {}
    }
    let b = text.as_bytes();
    if b.len() != 6 || b[3] != b':' || !matches!(b[0], b'+' | b'-') {
        return Err(bad());
    }
    let h: i16 = text.get(1..3).and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    let m: i16 = text.get(4..6).and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    if m > 59 || h * 60 + m > MAX_OFFSET_MINUTES {
        return Err(bad());
    }
    let total = h * 60 + m;
    Ok((if b[0] == b'-' { -total } else { total }, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+07:00").ok().map(|o| o.0), Some(420));
        assert_eq!(parse_offset("-03:30").ok().map(|o| o.0), Some(-210));
        assert_eq!(parse_offset("Z").ok(), Some((0, true)));
        assert_eq!(parse_offset("+00:00").ok(), Some((0, false)));
        assert!(parse_offset("+19:00").is_err());
        assert!(parse_offset("0700").is_err());
        assert!(parse_offset("+0é:00").is_err());
    }
}
