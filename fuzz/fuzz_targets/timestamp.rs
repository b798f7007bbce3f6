//! X-TIMESTAMP parse/format round trips.
//!
//! - Any text `Timestamp::parse_bytes` accepts is at most MAX_TIMESTAMP_LEN bytes, is in range
//!   (`from_unix_millis` accepts its instant and offset), and every format of it parses back to
//!   the same instant (truncated to the second without `.SSS`) and offset.
//! - Any (unix_ms, offset) that `from_unix_millis` accepts formats, in all four forms, to text
//!   that parses back identical; out-of-range ones are refused rather than wrapped.
#![no_main]

use libfuzzer_sys::fuzz_target;
use snapsign_core::timestamp::{Timestamp, TimestampFormat, MAX_OFFSET_MINUTES, MAX_TIMESTAMP_LEN};
use snapsign_core::Error;

const FORMATS: [TimestampFormat; 4] = [
    TimestampFormat { millis: false, utc_as_z: false },
    TimestampFormat { millis: false, utc_as_z: true },
    TimestampFormat { millis: true, utc_as_z: false },
    TimestampFormat { millis: true, utc_as_z: true },
];

/// 0000-01-01T00:00:00 and 9999-12-31T23:59:59.999 as local Unix milliseconds.
const MIN_LOCAL_MS: i64 = -62_167_219_200_000;
const MAX_LOCAL_MS: i64 = 253_402_300_799_999;

fn round_trip(ts: Timestamp) {
    for f in FORMATS {
        let text = ts.format(f);
        let back = Timestamp::parse(&text).unwrap_or_else(|e| panic!("{text} does not parse: {e}"));
        assert_eq!(back.offset_minutes(), ts.offset_minutes(), "{text}");
        let expected = if f.millis { ts.unix_millis() } else { ts.unix_millis() - ts.unix_millis().rem_euclid(1000) };
        assert_eq!(back.unix_millis(), expected, "{text}");
        // Formatting is a function of the instant: the re-parsed value formats identically.
        assert_eq!(back.format(f), text);
    }
}

fn check_constructed(ms: i64, offset: i16) {
    match Timestamp::from_unix_millis(ms, offset) {
        Ok(ts) => {
            assert!(offset.unsigned_abs() <= MAX_OFFSET_MINUTES as u16);
            round_trip(ts);
        }
        Err(Error::TimestampOutOfRange) => {
            let local = ms.checked_add(i64::from(offset) * 60_000);
            let in_range = offset.unsigned_abs() <= MAX_OFFSET_MINUTES as u16
                && local.is_some_and(|l| (MIN_LOCAL_MS..=MAX_LOCAL_MS).contains(&l));
            assert!(!in_range, "({ms}, {offset}) refused but in range");
        }
        Err(e) => panic!("unexpected error {e:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    match Timestamp::parse_bytes(data) {
        Ok(ts) => {
            assert!(data.len() <= MAX_TIMESTAMP_LEN, "accepted {} bytes", data.len());
            assert!(data.is_ascii());
            assert_eq!(Timestamp::from_unix_millis(ts.unix_millis(), ts.offset_minutes()), Ok(ts));
            // `parse` (str) agrees with `parse_bytes`.
            assert_eq!(Timestamp::parse(std::str::from_utf8(data).unwrap()), Ok(ts));
            round_trip(ts);
        }
        Err(Error::InvalidTimestamp { offset, .. }) => assert!(offset <= data.len()),
        Err(e) => panic!("parse_bytes returned {e:?}"),
    }

    // Arbitrary (ms, offset) from the first 10 bytes: as given, and folded into range.
    if data.len() >= 10 {
        let ms = i64::from_le_bytes(data[..8].try_into().unwrap());
        let offset = i16::from_le_bytes(data[8..10].try_into().unwrap());
        check_constructed(ms, offset);
        let folded_offset = offset % (MAX_OFFSET_MINUTES + 1);
        let lo = MIN_LOCAL_MS + 18 * 3_600_000;
        let hi = MAX_LOCAL_MS - 18 * 3_600_000;
        let folded_ms = lo + ms.rem_euclid(hi - lo + 1);
        check_constructed(folded_ms, folded_offset);
        // Seconds: never an overflow, only TimestampOutOfRange.
        let _ = Timestamp::from_unix_seconds(ms, offset);
    }
});
