//! `X-TIMESTAMP`: ISO 8601 local time with its UTC offset, `yyyy-MM-ddTHH:mm:ss[.SSS]TZD`.
//!
//! Forms seen in the wild, all produced and parsed here: `2020-01-01T04:10:00+07:00` (WIB),
//! `2020-09-22T01:51:00Z` (UTC), `2024-03-05T10:37:16.196+07:00` and `...16.196Z` (milliseconds,
//! the standard's own `yyyy-MM-ddTHH:mm:ss.SSSTZD`). The signature covers the header's exact bytes,
//! so the string you sign must be the string you send: format once and use the result twice.
//!
//! Calendar arithmetic is done here (proleptic Gregorian, years 0000–9999) so the crate needs no
//! `std` clock or date library; the caller supplies "now".

use core::fmt::Write as _;

use crate::error::{Error, Field, Result, TimestampErrorKind};

/// The largest UTC offset accepted, in minutes (±18:00, as `java.time.ZoneOffset`).
pub const MAX_OFFSET_MINUTES: i16 = 18 * 60;

/// WIB (Western Indonesia Time, Jakarta): UTC+07:00.
pub const WIB: i16 = 7 * 60;
/// WITA (Central Indonesia Time, Makassar, Bali): UTC+08:00.
pub const WITA: i16 = 8 * 60;
/// WIT (Eastern Indonesia Time, Jayapura): UTC+09:00.
pub const WIT: i16 = 9 * 60;

/// Longest timestamp text [`Timestamp::parse`] accepts (nine fraction digits and an offset).
pub const MAX_TIMESTAMP_LEN: usize = 35;

/// Longest timestamp [`Timestamp::format`] writes: `yyyy-MM-ddTHH:mm:ss.SSS+HH:mm`.
pub const FORMATTED_MAX_LEN: usize = 29;

/// A formatted timestamp in a fixed buffer.
pub type TimestampString = heapless::String<FORMATTED_MAX_LEN>;

const MS_PER_DAY: i64 = 86_400_000;
/// 0000-01-01T00:00:00 and 9999-12-31T23:59:59.999, local time, in Unix milliseconds.
const MIN_LOCAL_MS: i64 = -62_167_219_200_000;
const MAX_LOCAL_MS: i64 = 253_402_300_799_999;

/// How to write a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TimestampFormat {
    /// Append `.SSS` milliseconds.
    pub millis: bool,
    /// Write a zero offset as `Z` instead of `+00:00` (DOKU's form).
    pub utc_as_z: bool,
}

/// An instant and the UTC offset it is written in.
///
/// ```
/// use snapsign_core::timestamp::{Timestamp, TimestampFormat, WIB};
/// let ts = Timestamp::from_unix_seconds(1_577_826_600, WIB)?;
/// assert_eq!(ts.format(TimestampFormat::default()), "2020-01-01T04:10:00+07:00");
/// assert_eq!(Timestamp::parse("2020-01-01T04:10:00+07:00")?, ts);
/// # Ok::<(), snapsign_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    unix_millis: i64,
    offset_minutes: i16,
}

impl Timestamp {
    /// The instant `unix_millis` (milliseconds since 1970-01-01T00:00:00Z) at `offset_minutes`
    /// east of UTC.
    ///
    /// # Errors
    /// [`Error::TimestampOutOfRange`] when the offset is beyond ±18:00 or the local date falls
    /// outside years 0000–9999.
    ///
    /// ```
    /// use snapsign_core::timestamp::{Timestamp, TimestampFormat};
    /// let ts = Timestamp::from_unix_millis(1_709_609_836_196, 0)?;
    /// let f = TimestampFormat { millis: true, utc_as_z: true };
    /// assert_eq!(ts.format(f), "2024-03-05T03:37:16.196Z");
    /// assert!(Timestamp::from_unix_millis(i64::MAX, 0).is_err());
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn from_unix_millis(unix_millis: i64, offset_minutes: i16) -> Result<Self> {
        if offset_minutes.unsigned_abs() > MAX_OFFSET_MINUTES.unsigned_abs() {
            return Err(Error::TimestampOutOfRange);
        }
        let local = unix_millis
            .checked_add(i64::from(offset_minutes).saturating_mul(60_000))
            .ok_or(Error::TimestampOutOfRange)?;
        if !(MIN_LOCAL_MS..=MAX_LOCAL_MS).contains(&local) {
            return Err(Error::TimestampOutOfRange);
        }
        Ok(Timestamp { unix_millis, offset_minutes })
    }

    /// Like [`from_unix_millis`](Self::from_unix_millis), from whole seconds.
    ///
    /// # Errors
    /// [`Error::TimestampOutOfRange`], as for `from_unix_millis`.
    ///
    /// ```
    /// use snapsign_core::timestamp::{Timestamp, TimestampFormat, WITA};
    /// let ts = Timestamp::from_unix_seconds(0, WITA)?;
    /// assert_eq!(ts.format(TimestampFormat::default()), "1970-01-01T08:00:00+08:00");
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub fn from_unix_seconds(unix_seconds: i64, offset_minutes: i16) -> Result<Self> {
        let ms = unix_seconds.checked_mul(1000).ok_or(Error::TimestampOutOfRange)?;
        Self::from_unix_millis(ms, offset_minutes)
    }

    /// Milliseconds since the Unix epoch.
    ///
    /// ```
    /// use snapsign_core::timestamp::Timestamp;
    /// assert_eq!(Timestamp::parse("1970-01-01T07:00:01.5+07:00")?.unix_millis(), 1500);
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub const fn unix_millis(&self) -> i64 {
        self.unix_millis
    }

    /// The UTC offset in minutes east of UTC.
    ///
    /// ```
    /// use snapsign_core::timestamp::Timestamp;
    /// assert_eq!(Timestamp::parse("2020-01-01T04:10:00-03:30")?.offset_minutes(), -210);
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    pub const fn offset_minutes(&self) -> i16 {
        self.offset_minutes
    }

    /// Writes the timestamp, e.g. `2020-01-01T04:10:00+07:00`.
    ///
    /// ```
    /// use snapsign_core::timestamp::{Timestamp, TimestampFormat};
    /// let ts = Timestamp::parse("2020-09-22T01:51:00Z")?;
    /// assert_eq!(ts.format(TimestampFormat::default()), "2020-09-22T01:51:00+00:00");
    /// assert_eq!(ts.format(TimestampFormat { millis: true, utc_as_z: true }), "2020-09-22T01:51:00.000Z");
    /// # Ok::<(), snapsign_core::Error>(())
    /// ```
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "the instant is range-checked at construction, so local time and its fields are bounded"
    )]
    pub fn format(&self, format: TimestampFormat) -> TimestampString {
        // In range by construction, so the arithmetic below cannot overflow.
        let local = self.unix_millis + i64::from(self.offset_minutes) * 60_000;
        let days = local.div_euclid(MS_PER_DAY);
        let ms_of_day = local.rem_euclid(MS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        let secs = ms_of_day / 1000;
        let mut out = TimestampString::new();
        // Capacity is the longest possible form, so writes cannot fail.
        let _ = write!(out, "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
        if format.millis {
            let _ = write!(out, ".{:03}", ms_of_day % 1000);
        }
        if self.offset_minutes == 0 && format.utc_as_z {
            let _ = out.push('Z');
        } else {
            let sign = if self.offset_minutes < 0 { '-' } else { '+' };
            let abs = self.offset_minutes.unsigned_abs();
            let _ = write!(out, "{sign}{:02}:{:02}", abs / 60, abs % 60);
        }
        out
    }

    /// Parses `yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:mm)`, validating every field (month lengths,
    /// leap years, offset range). The fraction may have 1 to 9 digits; time is kept to the
    /// millisecond.
    ///
    /// # Errors
    /// [`Error::InvalidTimestamp`] with the byte offset and the field that is wrong.
    ///
    /// ```
    /// use snapsign_core::{Error, TimestampErrorKind};
    /// use snapsign_core::timestamp::Timestamp;
    /// assert!(Timestamp::parse("2024-02-29T00:00:00Z").is_ok());
    /// assert_eq!(
    ///     Timestamp::parse("2023-02-29T00:00:00Z"),
    ///     Err(Error::InvalidTimestamp { offset: 8, kind: TimestampErrorKind::Day })
    /// );
    /// assert_eq!(
    ///     Timestamp::parse("2023-02-01 00:00:00Z"),
    ///     Err(Error::InvalidTimestamp { offset: 10, kind: TimestampErrorKind::Syntax })
    /// );
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_bytes(text.as_bytes())
    }

    /// [`parse`](Self::parse) for bytes that may not be UTF-8.
    ///
    /// # Errors
    /// As for `parse`.
    ///
    /// ```
    /// use snapsign_core::timestamp::Timestamp;
    /// assert!(Timestamp::parse_bytes(b"2020-01-01T04:10:00\xff07:00").is_err());
    /// ```
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "every field is at most a few digits, so sums and products stay far from the i64/u32 limits; positions are bounded by the text length"
    )]
    pub fn parse_bytes(text: &[u8]) -> Result<Self> {
        let mut p = Parser { text, pos: 0 };
        let year = p.digits(4)?;
        p.expect(b'-')?;
        let month = p.field(2, TimestampErrorKind::Month, |m| (1..=12).contains(&m))?;
        p.expect(b'-')?;
        let day_at = p.pos;
        let day = p.digits(2)?;
        if day == 0 || day > days_in_month(year, month) {
            return Err(Error::InvalidTimestamp { offset: day_at, kind: TimestampErrorKind::Day });
        }
        p.expect(b'T')?;
        let hour = p.field(2, TimestampErrorKind::Hour, |h| h <= 23)?;
        p.expect(b':')?;
        let minute = p.field(2, TimestampErrorKind::Minute, |m| m <= 59)?;
        p.expect(b':')?;
        let second = p.field(2, TimestampErrorKind::Second, |s| s <= 59)?;
        let mut millis = 0i64;
        if p.peek() == Some(b'.') {
            p.pos += 1;
            let start = p.pos;
            while let Some(d @ b'0'..=b'9') = p.peek() {
                if p.pos - start < 3 {
                    millis = millis * 10 + i64::from(d - b'0');
                }
                p.pos += 1;
            }
            let n = p.pos - start;
            if n == 0 || n > 9 {
                return Err(p.syntax_error());
            }
            for _ in n..3 {
                millis *= 10;
            }
        }
        let offset_at = p.pos;
        let offset_minutes: i16 = match p.peek() {
            Some(b'Z') => {
                p.pos += 1;
                0
            }
            Some(sign @ (b'+' | b'-')) => {
                p.pos += 1;
                let h = p.digits(2)?;
                p.expect(b':')?;
                let m = p.digits(2)?;
                let total = h * 60 + m;
                if m > 59 || total > MAX_OFFSET_MINUTES as u32 {
                    return Err(Error::InvalidTimestamp { offset: offset_at, kind: TimestampErrorKind::Offset });
                }
                let total = i16::try_from(total)
                    .map_err(|_| Error::InvalidTimestamp { offset: offset_at, kind: TimestampErrorKind::Offset })?;
                if sign == b'-' {
                    -total
                } else {
                    total
                }
            }
            _ => return Err(p.syntax_error()),
        };
        if p.pos != text.len() {
            return Err(p.syntax_error());
        }
        let days = days_from_civil(i64::from(year), month, day);
        let local = days * MS_PER_DAY + i64::from(hour * 3600 + minute * 60 + second) * 1000 + millis;
        Ok(Timestamp { unix_millis: local - i64::from(offset_minutes) * 60_000, offset_minutes })
    }
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
}

#[allow(
    clippy::arithmetic_side_effects,
    reason = "positions are bounded by the text length and values by four decimal digits"
)]
impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn syntax_error(&self) -> Error {
        Error::InvalidTimestamp { offset: self.pos, kind: TimestampErrorKind::Syntax }
    }

    fn expect(&mut self, b: u8) -> Result<()> {
        if self.peek() != Some(b) {
            return Err(self.syntax_error());
        }
        self.pos += 1;
        Ok(())
    }

    fn digits(&mut self, n: usize) -> Result<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            match self.peek() {
                Some(d @ b'0'..=b'9') => v = v * 10 + u32::from(d - b'0'),
                _ => return Err(self.syntax_error()),
            }
            self.pos += 1;
        }
        Ok(v)
    }

    fn field(&mut self, n: usize, kind: TimestampErrorKind, ok: impl Fn(u32) -> bool) -> Result<u32> {
        let at = self.pos;
        let v = self.digits(n)?;
        if !ok(v) {
            return Err(Error::InvalidTimestamp { offset: at, kind });
        }
        Ok(v)
    }
}

/// Checks a received `X-TIMESTAMP` against the verifier's clock.
///
/// `now_unix_millis` is the caller's current time; `allowed_seconds` the accepted difference in
/// either direction (the standard fixes none; 900 s is common).
///
/// # Errors
/// [`Error::InvalidTimestamp`] when the text does not parse, [`Error::TimestampSkew`] when it is
/// too far from now.
///
/// ```
/// use snapsign_core::{Error, timestamp::check_skew};
/// let now = 1_577_826_600_000; // 2020-01-01T04:10:00+07:00
/// assert!(check_skew("2020-01-01T04:20:00+07:00", now, 900).is_ok());
/// assert_eq!(
///     check_skew("2020-01-01T04:30:00+07:00", now, 900),
///     Err(Error::TimestampSkew { skew_seconds: 1200, allowed_seconds: 900 })
/// );
/// ```
#[allow(clippy::arithmetic_side_effects, reason = "u32 seconds times 1000 fits in u64; dividing cannot overflow")]
pub fn check_skew(timestamp: &str, now_unix_millis: i64, allowed_seconds: u32) -> Result<Timestamp> {
    let ts = Timestamp::parse(timestamp)?;
    let skew_ms = ts.unix_millis.saturating_sub(now_unix_millis);
    if skew_ms.unsigned_abs() > u64::from(allowed_seconds) * 1000 {
        return Err(Error::TimestampSkew { skew_seconds: skew_ms / 1000, allowed_seconds });
    }
    Ok(ts)
}

/// Checks that `text` is a well-formed timestamp, for the string-to-sign builders.
pub(crate) fn validate(text: &str) -> Result<()> {
    if text.len() > MAX_TIMESTAMP_LEN {
        return Err(Error::FieldTooLong { field: Field::Timestamp, max: MAX_TIMESTAMP_LEN });
    }
    Timestamp::parse(text).map(|_| ())
}

const fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

const fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
#[allow(
    clippy::arithmetic_side_effects,
    reason = "callers pass years 0..=9999, so every intermediate is a few million at most"
)]
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "callers pass day counts of years 0..=9999, so every intermediate is small"
)]
#[allow(clippy::cast_possible_truncation, reason = "day is 1..=31 and month 1..=12 by construction")]
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: TimestampFormat = TimestampFormat { millis: false, utc_as_z: false };

    #[test]
    fn civil_round_trip_over_the_whole_range() {
        let mut days = days_from_civil(0, 1, 1);
        let last = days_from_civil(9999, 12, 31);
        assert_eq!(days, -719_528);
        while days <= last {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            days += 97;
        }
    }

    #[test]
    fn range_edges() {
        let first = Timestamp::from_unix_millis(MIN_LOCAL_MS, 0).unwrap();
        assert_eq!(first.format(PLAIN), "0000-01-01T00:00:00+00:00");
        let last = Timestamp::from_unix_millis(MAX_LOCAL_MS, 0).unwrap();
        assert_eq!(last.format(TimestampFormat { millis: true, utc_as_z: true }), "9999-12-31T23:59:59.999Z");
        assert_eq!(Timestamp::from_unix_millis(MAX_LOCAL_MS, 1), Err(Error::TimestampOutOfRange));
        assert_eq!(Timestamp::from_unix_millis(MIN_LOCAL_MS - 1, 0), Err(Error::TimestampOutOfRange));
        assert_eq!(Timestamp::from_unix_millis(0, 18 * 60 + 1), Err(Error::TimestampOutOfRange));
        assert_eq!(Timestamp::from_unix_millis(0, i16::MIN), Err(Error::TimestampOutOfRange));
        assert_eq!(Timestamp::from_unix_seconds(i64::MIN, 0), Err(Error::TimestampOutOfRange));
        let neg = Timestamp::from_unix_millis(-1, -(18 * 60)).unwrap();
        assert_eq!(neg.format(TimestampFormat { millis: true, utc_as_z: false }), "1969-12-31T05:59:59.999-18:00");
    }

    #[test]
    fn parse_errors_point_at_the_field() {
        let e = |s: &str| match Timestamp::parse(s) {
            Err(Error::InvalidTimestamp { offset, kind }) => (offset, kind),
            other => panic!("{s}: {other:?}"),
        };
        use TimestampErrorKind::*;
        assert_eq!(e("2020-13-01T00:00:00Z"), (5, Month));
        assert_eq!(e("2020-00-01T00:00:00Z"), (5, Month));
        assert_eq!(e("2100-02-29T00:00:00Z"), (8, Day));
        assert_eq!(e("2020-04-31T00:00:00Z"), (8, Day));
        assert_eq!(e("2020-01-01T24:00:00Z"), (11, Hour));
        assert_eq!(e("2020-01-01T00:60:00Z"), (14, Minute));
        assert_eq!(e("2020-01-01T00:00:60Z"), (17, Second));
        assert_eq!(e("2020-01-01T00:00:00+18:01"), (19, Offset));
        assert_eq!(e("2020-01-01T00:00:00+07:60"), (19, Offset));
        assert_eq!(e("2020-01-01T00:00:00"), (19, Syntax));
        assert_eq!(e("2020-01-01T00:00:00+0700"), (22, Syntax));
        assert_eq!(e("2020-01-01T00:00:00.Z"), (20, Syntax));
        assert_eq!(e("2020-01-01T00:00:00.1234567890Z"), (30, Syntax));
        assert_eq!(e("2020-01-01T00:00:00z"), (19, Syntax));
        assert_eq!(e("2020-01-01t00:00:00Z"), (10, Syntax));
        assert_eq!(e("2020-01-01T00:00:00Z "), (20, Syntax));
        assert_eq!(e("20-01-01T00:00:00Z"), (2, Syntax));
        assert_eq!(e(""), (0, Syntax));
    }

    #[test]
    fn fractions_and_offsets() {
        let a = Timestamp::parse("2024-03-05T10:37:16.196+07:00").unwrap();
        let b = Timestamp::parse("2024-03-05T03:37:16.196Z").unwrap();
        assert_eq!(a.unix_millis(), b.unix_millis());
        assert_eq!(a.unix_millis(), 1_709_609_836_196);
        assert_eq!(Timestamp::parse("2024-03-05T03:37:16.196123Z").unwrap().unix_millis(), 1_709_609_836_196);
        assert_eq!(Timestamp::parse("2024-03-05T03:37:16.1Z").unwrap().unix_millis(), 1_709_609_836_100);
        assert_eq!(a.format(TimestampFormat { millis: true, utc_as_z: true }), "2024-03-05T10:37:16.196+07:00");
    }

    #[test]
    fn skew_in_the_past_is_negative() {
        let now = 1_577_826_600_000;
        assert_eq!(
            check_skew("2020-01-01T03:50:00+07:00", now, 900),
            Err(Error::TimestampSkew { skew_seconds: -1200, allowed_seconds: 900 })
        );
        assert!(check_skew("2020-01-01T03:55:00+07:00", now, 900).is_ok());
    }
}
