//! Finding the first byte of a class in JSON text, many bytes per step: how the minifier consumes
//! string contents and whitespace in bulk.
//!
//! On x86-64 the scans are SSE2, sixteen bytes per step (every x86-64 CPU has SSE2, so there is
//! nothing to detect at run time). The block path's classification and compaction ([`classify`],
//! [`compact`]) use AVX-512 (BW, VBMI2) or SSSE3 where `cpufeatures` detects them at run time.
//! Elsewhere (aarch64, Cortex-M) everything is SWAR on `u64` words, eight bytes per step, in safe
//! code. All of them give exact results, and agree with each other and with byte loops (the tests
//! below).

/// The index of the first byte at or after `i` that ends the plain content of a string (`"`,
/// `\`, a control character or a non-ASCII byte), or `s.len()`.
#[inline]
pub(crate) fn string_stop(s: &[u8], i: usize) -> usize {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[allow(unsafe_code, reason = "calling an SSE2 function")]
    // SAFETY: this is compiled only where SSE2 is enabled for the whole build (the cfg above;
    // the x86-64 baseline), so the CPU running it has SSE2.
    let i = match unsafe { sse2::string_stop(s, i) } {
        Ok(found) => return found,
        Err(tail) => tail,
    };
    swar::string_stop(s, i)
}

/// The index of the first byte at or after `i` that is not JSON whitespace (space, tab, LF, CR),
/// or `s.len()`.
#[inline]
pub(crate) fn ws_stop(s: &[u8], i: usize) -> usize {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[allow(unsafe_code, reason = "calling an SSE2 function")]
    // SAFETY: as in `string_stop`: SSE2 is enabled for the whole build.
    let i = match unsafe { sse2::ws_stop(s, i) } {
        Ok(found) => return found,
        Err(tail) => tail,
    };
    swar::ws_stop(s, i)
}

/// One bit per byte of a 64-byte block (bit `k` for byte `k`), for each class the minifier's
/// block path needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Classes {
    pub quote: u64,
    pub backslash: u64,
    /// Space, tab, LF, CR.
    pub ws: u64,
    /// 0x00..=0x1F.
    pub control: u64,
    /// 0x80..=0xFF.
    pub high: u64,
    /// `{`, `}`, `[`, `]`, `:`, `,`.
    pub structural: u64,
}

/// The classes of the 64 bytes of `block`: with AVX-512BW where the CPU has it (detected at run
/// time, with [`compact`]'s features), else SSE2 on x86-64, SWAR elsewhere.
#[inline]
pub(crate) fn classify(block: &[u8; 64]) -> Classes {
    #[cfg(target_arch = "x86_64")]
    if avx512_compress::get() {
        #[allow(unsafe_code, reason = "calling an AVX-512 function")]
        // SAFETY: `get` detected AVX-512F, BW and VBMI2 on this CPU, a superset of what
        // `classify` enables.
        return unsafe { avx512::classify(block) };
    }
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[allow(unsafe_code, reason = "calling an SSE2 function")]
    // SAFETY: as in `string_stop`: SSE2 is enabled for the whole build.
    return unsafe { sse2::classify(block) };
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    swar::classify(block)
}

/// The room [`compact`] writes into: a block, and sixteen bytes that its copies may overrun.
pub(crate) const COMPACT_ROOM: usize = 64 + 16;

/// Writes the bytes of `block` whose bit is set in `keep` to the start of `out`, in order, and
/// returns how many there are. The bytes of `out` after them are overwritten with unspecified
/// values.
///
/// On x86-64 this is one AVX-512 VBMI2 compress (`vpcompressb`), or SSSE3 shuffles of eight
/// bytes by a table, detected at run time; elsewhere, and on x86-64 CPUs with neither, copies of
/// each run of kept bytes.
#[inline]
pub(crate) fn compact(block: &[u8; 64], keep: u64, out: &mut [u8; COMPACT_ROOM]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        if avx512_compress::get() {
            #[allow(unsafe_code, reason = "calling an AVX-512 function")]
            // SAFETY: `get` detected AVX-512F, BW and VBMI2 on this CPU, all that `compact` enables.
            return unsafe { avx512::compact(block, keep, out) };
        }
        if ssse3_shuffle::get() {
            #[allow(unsafe_code, reason = "calling an SSSE3 function")]
            // SAFETY: `get` detected SSSE3 on this CPU, which is what `compact` enables.
            return unsafe { ssse3::compact(block, keep, out) };
        }
    }
    swar::compact(block, keep, out)
}

#[cfg(target_arch = "x86_64")]
cpufeatures::new!(avx512_compress, "avx512f", "avx512bw", "avx512vbmi2");
#[cfg(target_arch = "x86_64")]
cpufeatures::new!(ssse3_shuffle, "ssse3");

/// 64 bytes per instruction: the block's classes as bit masks, and one compress for the kept bytes.
#[cfg(target_arch = "x86_64")]
#[allow(
    unsafe_code,
    reason = "the AVX-512 load of a block and store of its compressed bytes; each states why it is sound"
)]
mod avx512 {
    use super::splat;
    use core::arch::x86_64::{
        __m512i, _mm512_cmpeq_epi8_mask, _mm512_cmple_epu8_mask, _mm512_loadu_si512, _mm512_maskz_compress_epi8,
        _mm512_movepi8_mask, _mm512_or_si512, _mm512_set1_epi8, _mm512_storeu_si512,
    };

    /// The bytes of `v` equal to `b`, one bit each.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw")]
    fn eq(v: __m512i, b: u8) -> u64 {
        _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(splat(b)))
    }

    /// See [`super::classify`]: one load, a comparison (straight into a bit mask) per class.
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(super) fn classify(block: &[u8; 64]) -> super::Classes {
        // SAFETY: `block` is 64 readable bytes, which is what the unaligned load reads.
        let v = unsafe { _mm512_loadu_si512(block.as_ptr().cast()) };
        // `{}` and `[]` differ from each other only in bit 0x20 (0x5B/0x7B, 0x5D/0x7D).
        let folded = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
        super::Classes {
            quote: eq(v, b'"'),
            backslash: eq(v, b'\\'),
            ws: eq(v, b' ') | eq(v, b'\t') | eq(v, b'\n') | eq(v, b'\r'),
            control: _mm512_cmple_epu8_mask(v, _mm512_set1_epi8(0x1F)),
            high: _mm512_movepi8_mask(v),
            structural: eq(folded, b'{') | eq(folded, b'}') | eq(v, b':') | eq(v, b','),
        }
    }

    /// See [`super::compact`].
    #[target_feature(enable = "avx512f,avx512bw,avx512vbmi2")]
    pub(super) fn compact(block: &[u8; 64], keep: u64, out: &mut [u8; super::COMPACT_ROOM]) -> usize {
        // SAFETY: `block` is 64 readable bytes, which is what the unaligned load reads.
        let v = unsafe { _mm512_loadu_si512(block.as_ptr().cast()) };
        let packed = _mm512_maskz_compress_epi8(keep, v);
        // SAFETY: `out` has at least 64 writable bytes, which is what the unaligned store writes.
        unsafe { _mm512_storeu_si512(out.as_mut_ptr().cast(), packed) };
        keep.count_ones() as usize
    }
}

/// Eight bytes per shuffle, by a table of the kept bytes' indexes for each 8-bit mask.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code, reason = "the SSE2 load of sixteen bytes; it states why it is sound")]
mod ssse3 {
    use core::arch::x86_64::{
        _mm_cvtsi128_si64, _mm_loadu_si128, _mm_set_epi64x, _mm_shuffle_epi8, _mm_unpackhi_epi64,
    };

    /// For each 8-bit mask, the indexes of its set bits in order, one per byte from the lowest
    /// (the bytes after them are not used).
    static INDEXES: [u64; 256] = indexes();

    #[allow(
        clippy::arithmetic_side_effects,
        clippy::indexing_slicing,
        reason = "bit < 8 and n < 8 index bytes of a u64; mask < 256, the table's length"
    )]
    const fn indexes() -> [u64; 256] {
        let mut table = [0u64; 256];
        let mut mask = 0;
        while mask < 256 {
            let (mut bit, mut n, mut entry) = (0, 0, 0u64);
            while bit < 8 {
                if mask >> bit & 1 == 1 {
                    entry |= (bit as u64) << (8 * n);
                    n += 1;
                }
                bit += 1;
            }
            table[mask] = entry;
            mask += 1;
        }
        table
    }

    /// See [`super::compact`].
    #[target_feature(enable = "ssse3")]
    #[allow(
        clippy::arithmetic_side_effects,
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss,
        clippy::cast_possible_truncation,
        reason = "n counts kept bytes, at most 64, and each store ends by n + 8 <= 72; the casts keep bit patterns, or take the mask's byte for eight bytes"
    )]
    pub(super) fn compact(block: &[u8; 64], keep: u64, out: &mut [u8; super::COMPACT_ROOM]) -> usize {
        let mut n = 0;
        for (k, part) in block.chunks_exact(16).enumerate() {
            let Ok(part) = <&[u8; 16]>::try_from(part) else { continue };
            // SAFETY: `part` is sixteen readable bytes, which is what the unaligned load reads.
            let v = unsafe { _mm_loadu_si128(part.as_ptr().cast()) };
            let lo = (keep >> (16 * k)) as u8;
            let hi = (keep >> (16 * k + 8)) as u8;
            let index = |mask: u8| INDEXES.get(usize::from(mask)).copied().unwrap_or(0);
            let (lo_idx, hi_idx) = (index(lo), index(hi));
            // The high half's indexes point into the high eight bytes.
            let shuffle = _mm_set_epi64x((hi_idx | 0x0808_0808_0808_0808) as i64, lo_idx as i64);
            let packed = _mm_shuffle_epi8(v, shuffle);
            let halves = [_mm_cvtsi128_si64(packed), _mm_cvtsi128_si64(_mm_unpackhi_epi64(packed, packed))];
            for (half, count) in halves.into_iter().zip([lo.count_ones(), hi.count_ones()]) {
                if let Some(dst) = out.get_mut(n..n + 8) {
                    dst.copy_from_slice(&(half as u64).to_le_bytes());
                }
                n += count as usize;
            }
        }
        n
    }
}

/// A byte as the `i8` that the x86-64 intrinsics take, bit pattern kept.
#[cfg(target_arch = "x86_64")]
#[allow(clippy::cast_possible_wrap, reason = "the byte's bit pattern is what the comparison uses")]
const fn splat(b: u8) -> i8 {
    b as i8
}

const fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Sixteen bytes per step. Each function returns `Ok` with the exact index of the first byte of
/// its class, or `Err` with the index where fewer than sixteen bytes are left.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[allow(unsafe_code, reason = "the SSE2 load of sixteen bytes; each use states why it is sound")]
mod sse2 {
    use super::splat;
    use core::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    /// The sixteen bytes at `i`, if there are sixteen.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn load(s: &[u8], i: usize) -> Option<__m128i> {
        let block: &[u8; 16] = s.get(i..i.checked_add(16)?)?.try_into().ok()?;
        // SAFETY: `block` is sixteen readable bytes (a borrowed `[u8; 16]`), which is all that
        // `_mm_loadu_si128` reads; it has no alignment requirement.
        Some(unsafe { _mm_loadu_si128(block.as_ptr().cast()) })
    }

    /// One bit per byte of `m`'s sixteen: the byte's high bit.
    #[inline]
    #[target_feature(enable = "sse2")]
    #[allow(clippy::cast_sign_loss, reason = "movemask sets only the low 16 bits")]
    fn bits(m: __m128i) -> u32 {
        _mm_movemask_epi8(m) as u32
    }

    /// The bytes of `v` equal to `b` (all ones), the others zero.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn eq(v: __m128i, b: u8) -> __m128i {
        _mm_cmpeq_epi8(v, _mm_set1_epi8(splat(b)))
    }

    /// See [`super::classify`]: four sixteen-byte loads, a comparison per class.
    #[inline]
    #[target_feature(enable = "sse2")]
    #[allow(clippy::arithmetic_side_effects, reason = "shift = 16 * k < 64 for the four parts")]
    pub(super) fn classify(block: &[u8; 64]) -> super::Classes {
        let mut c = super::Classes { quote: 0, backslash: 0, ws: 0, control: 0, high: 0, structural: 0 };
        for (k, part) in block.chunks_exact(16).enumerate() {
            let Some(v) = load(part, 0) else { continue };
            let shift = 16 * k;
            let ws = _mm_or_si128(_mm_or_si128(eq(v, b' '), eq(v, b'\t')), _mm_or_si128(eq(v, b'\n'), eq(v, b'\r')));
            // `{}` and `[]` differ from each other only in bit 0x20 (0x5B/0x7B, 0x5D/0x7D).
            let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
            let brackets = _mm_or_si128(
                _mm_cmpeq_epi8(folded, _mm_set1_epi8(splat(b'{'))),
                _mm_cmpeq_epi8(folded, _mm_set1_epi8(splat(b'}'))),
            );
            let structural = _mm_or_si128(brackets, _mm_or_si128(eq(v, b':'), eq(v, b',')));
            let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
            c.quote |= u64::from(bits(eq(v, b'"'))) << shift;
            c.backslash |= u64::from(bits(eq(v, b'\\'))) << shift;
            c.ws |= u64::from(bits(ws)) << shift;
            c.control |= u64::from(bits(control)) << shift;
            c.high |= u64::from(bits(v)) << shift;
            c.structural |= u64::from(bits(structural)) << shift;
        }
        c
    }

    #[target_feature(enable = "sse2")]
    #[allow(clippy::arithmetic_side_effects, reason = "i + 16 <= s.len() after a successful load")]
    pub(super) fn string_stop(s: &[u8], mut i: usize) -> Result<usize, usize> {
        while let Some(v) = load(s, i) {
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(splat(b'"')));
            let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(splat(b'\\')));
            // v <= 0x1F (unsigned) exactly when min(v, 0x1F) == v.
            let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
            // `v` itself: a non-ASCII byte has its high bit set.
            let stop = bits(_mm_or_si128(_mm_or_si128(quote, backslash), _mm_or_si128(control, v)));
            if stop != 0 {
                return Ok(i + stop.trailing_zeros() as usize);
            }
            i += 16;
        }
        Err(i)
    }

    #[target_feature(enable = "sse2")]
    #[allow(clippy::arithmetic_side_effects, reason = "i + 16 <= s.len() after a successful load")]
    pub(super) fn ws_stop(s: &[u8], mut i: usize) -> Result<usize, usize> {
        while let Some(v) = load(s, i) {
            let space = _mm_cmpeq_epi8(v, _mm_set1_epi8(splat(b' ')));
            let tab = _mm_cmpeq_epi8(v, _mm_set1_epi8(splat(b'\t')));
            let lf = _mm_cmpeq_epi8(v, _mm_set1_epi8(splat(b'\n')));
            let cr = _mm_cmpeq_epi8(v, _mm_set1_epi8(splat(b'\r')));
            let other = !bits(_mm_or_si128(_mm_or_si128(space, tab), _mm_or_si128(lf, cr))) & 0xFFFF;
            if other != 0 {
                return Ok(i + other.trailing_zeros() as usize);
            }
            i += 16;
        }
        Err(i)
    }
}

/// Eight bytes per step in `u64` words, then a byte loop for the tail.
pub(crate) mod swar {
    use super::is_ws;

    /// `0x01` in every byte of a word.
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    /// `0x80` in every byte of a word.
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);

    /// `0x7F` in every byte of a word.
    #[cfg_attr(
        all(target_arch = "x86_64", target_feature = "sse2"),
        allow(dead_code, reason = "the fallback where there is no SSE2; tested against SSE2 here")
    )]
    const LOWS: u64 = !HIGHS;

    /// The high bit of each byte of `w` that is zero, exactly (adding `0x7F` to the low seven
    /// bits cannot carry into the next byte).
    #[cfg_attr(
        all(target_arch = "x86_64", target_feature = "sse2"),
        allow(dead_code, reason = "the fallback where there is no SSE2; tested against SSE2 here")
    )]
    const fn zero_bytes(w: u64) -> u64 {
        !(((w & LOWS).wrapping_add(LOWS)) | w) & HIGHS
    }

    /// The high bit of each byte of `w` equal to `b`.
    #[cfg_attr(
        all(target_arch = "x86_64", target_feature = "sse2"),
        allow(dead_code, reason = "the fallback where there is no SSE2; tested against SSE2 here")
    )]
    const fn eq_bytes(w: u64, b: u8) -> u64 {
        zero_bytes(w ^ ONES.wrapping_mul(b as u64))
    }

    /// The high bits of a word's bytes as eight bits, byte 0 lowest.
    #[cfg_attr(
        all(target_arch = "x86_64", target_feature = "sse2"),
        allow(dead_code, reason = "the fallback where there is no SSE2; tested against SSE2 here")
    )]
    const fn gather(high_bits: u64) -> u64 {
        ((high_bits >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
    }

    /// See [`super::classify`]: eight `u64` words.
    #[cfg_attr(
        all(target_arch = "x86_64", target_feature = "sse2"),
        allow(dead_code, reason = "the fallback where there is no SSE2; tested against SSE2 here")
    )]
    #[allow(clippy::arithmetic_side_effects, reason = "shift = 8 * k < 64 for the eight words")]
    pub(crate) fn classify(block: &[u8; 64]) -> super::Classes {
        let mut c = super::Classes { quote: 0, backslash: 0, ws: 0, control: 0, high: 0, structural: 0 };
        for (k, part) in block.chunks_exact(8).enumerate() {
            let Ok(bytes) = <[u8; 8]>::try_from(part) else { continue };
            let w = u64::from_le_bytes(bytes);
            let shift = 8 * k;
            let folded = w | (ONES * 0x20);
            let ws = eq_bytes(w, b' ') | eq_bytes(w, b'\t') | eq_bytes(w, b'\n') | eq_bytes(w, b'\r');
            let structural = eq_bytes(folded, b'{') | eq_bytes(folded, b'}') | eq_bytes(w, b':') | eq_bytes(w, b',');
            // A byte is below 0x20 when its top three bits are zero.
            let control = zero_bytes(w & (ONES * 0xE0));
            c.quote |= gather(eq_bytes(w, b'"')) << shift;
            c.backslash |= gather(eq_bytes(w, b'\\')) << shift;
            c.ws |= gather(ws) << shift;
            c.control |= gather(control) << shift;
            c.high |= gather(w & HIGHS) << shift;
            c.structural |= gather(structural) << shift;
        }
        c
    }

    /// See [`super::compact`]: each run of kept bytes in sixteen-byte copies from a padded source
    /// (a copy may overrun the run into `out`'s spare bytes; the next one overwrites it).
    #[cfg_attr(
        target_arch = "x86_64",
        allow(dead_code, reason = "the fallback where there is no SSSE3; tested against the others here")
    )]
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "start + run <= 64, so every index is below 64 + 16; n counts at most 64 bytes"
    )]
    pub(crate) fn compact(block: &[u8; 64], keep: u64, out: &mut [u8; super::COMPACT_ROOM]) -> usize {
        const COPY: usize = 16;
        let mut src = [0u8; 64 + COPY];
        if let Some(s) = src.get_mut(..64) {
            s.copy_from_slice(block);
        }
        let mut keep = keep;
        let mut n = 0;
        while keep != 0 {
            let start = keep.trailing_zeros() as usize;
            let run = (!(keep >> start)).trailing_zeros() as usize;
            let mut k = 0;
            while k < run {
                if let (Some(d), Some(s)) = (out.get_mut(n + k..n + k + COPY), src.get(start + k..start + k + COPY)) {
                    d.copy_from_slice(s);
                }
                k += COPY;
            }
            n += run;
            let done = start + run;
            keep = if done < 64 { (keep >> done) << done } else { 0 };
        }
        n
    }

    fn word(s: &[u8], i: usize) -> Option<u64> {
        s.get(i..i.checked_add(8)?).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_le_bytes)
    }

    /// See [`super::string_stop`]. In each word, a byte's high bit is set in `special` if it is
    /// one of the stopping bytes; the lowest such byte is exact (the subtraction tricks can only
    /// mis-flag bytes above a truly flagged one).
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "i < s.len() in the byte loop; i + 8 <= s.len() in the word loop; trailing_zeros / 8 < 8"
    )]
    pub(crate) fn string_stop(s: &[u8], mut i: usize) -> usize {
        while let Some(w) = word(s, i) {
            let quote = w ^ (ONES * u64::from(b'"'));
            let backslash = w ^ (ONES * u64::from(b'\\'));
            let special = (quote.wrapping_sub(ONES) & !quote)
                | (backslash.wrapping_sub(ONES) & !backslash)
                | (w.wrapping_sub(ONES * 0x20) & !w)
                | w;
            let special = special & HIGHS;
            if special != 0 {
                return i + (special.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        while let Some(&c) = s.get(i) {
            if c < 0x20 || c == b'"' || c == b'\\' || c >= 0x80 {
                break;
            }
            i += 1;
        }
        i
    }

    /// See [`super::ws_stop`]. Runs of spaces (indentation) are skipped eight bytes at a time.
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "i < s.len() when incremented by 1; i + 8 <= s.len() in the word loop; trailing_zeros / 8 < 8"
    )]
    pub(crate) fn ws_stop(s: &[u8], mut i: usize) -> usize {
        loop {
            while let Some(w) = word(s, i) {
                // High bit set in each byte that is not a space (exact for the lowest such byte).
                let x = w ^ (ONES * u64::from(b' '));
                let not_space = ((x & !HIGHS).wrapping_add(!HIGHS) | x) & HIGHS;
                if not_space != 0 {
                    i += (not_space.trailing_zeros() / 8) as usize;
                    break;
                }
                i += 8;
            }
            if !s.get(i).is_some_and(|&c| is_ws(c)) {
                return i;
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn naive_string_stop(s: &[u8], i: usize) -> usize {
        (i..s.len()).find(|&j| s[j] < 0x20 || s[j] == b'"' || s[j] == b'\\' || s[j] >= 0x80).unwrap_or(s.len())
    }

    fn naive_ws_stop(s: &[u8], i: usize) -> usize {
        (i..s.len()).find(|&j| !is_ws(s[j])).unwrap_or(s.len())
    }

    /// Every byte value at every position of buffers around the word and block sizes, over a
    /// background of each class, from starts around them: the classifiers agree with the byte loops.
    #[test]
    fn classifiers_agree_with_byte_loops() {
        for background in [b'a', b' ', b'\t', b'\n', b'\r', b'"', 0xC3] {
            for len in [0usize, 1, 7, 8, 9, 15, 16, 17, 31, 33, 40] {
                for pos in 0..len.max(1) {
                    for b in 0..=255u8 {
                        let mut s: Vec<u8> = alloc::vec![background; len];
                        if let Some(x) = s.get_mut(pos) {
                            *x = b;
                        }
                        for start in [0, 1, 7, 8, 9, 15, 16, 17] {
                            let start = start.min(len);
                            assert_eq!(string_stop(&s, start), naive_string_stop(&s, start));
                            assert_eq!(swar::string_stop(&s, start), naive_string_stop(&s, start));
                            assert_eq!(ws_stop(&s, start), naive_ws_stop(&s, start));
                            assert_eq!(swar::ws_stop(&s, start), naive_ws_stop(&s, start));
                        }
                    }
                }
            }
        }
    }
    /// Masks of every shape (runs at every start and length, alternating bits, random words) over
    /// a block of distinct bytes: every compaction writes exactly the kept bytes, in order.
    #[test]
    fn compactions_agree_with_byte_loop() {
        let block: [u8; 64] = core::array::from_fn(|k| u8::try_from(k).unwrap_or(0).wrapping_mul(37).wrapping_add(11));
        let mut masks = alloc::vec![0u64, !0, 0x5555_5555_5555_5555, 0xAAAA_AAAA_AAAA_AAAA, 1, 1 << 63];
        for start in 0..64 {
            for len in 1..=64 - start {
                let run = if len == 64 { !0 } else { ((1u64 << len) - 1) << start };
                masks.extend([run, !run]);
            }
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            masks.extend([x, x & (x >> 1), x | (x >> 3)]);
        }
        for keep in masks {
            let expected: Vec<u8> = (0..64).filter(|&k| keep >> k & 1 == 1).map(|k| block[k]).collect();
            let mut out = [0xEEu8; COMPACT_ROOM];
            let n = compact(&block, keep, &mut out);
            assert_eq!(&out[..n], &expected[..], "{keep:#018x}");
            let mut out = [0xEEu8; COMPACT_ROOM];
            let n = swar::compact(&block, keep, &mut out);
            assert_eq!(&out[..n], &expected[..], "swar {keep:#018x}");
            #[cfg(target_arch = "x86_64")]
            #[allow(unsafe_code, reason = "calling the detected x86-64 functions")]
            {
                if ssse3_shuffle::get() {
                    let mut out = [0xEEu8; COMPACT_ROOM];
                    // SAFETY: SSSE3 was detected.
                    let n = unsafe { ssse3::compact(&block, keep, &mut out) };
                    assert_eq!(&out[..n], &expected[..], "ssse3 {keep:#018x}");
                }
                if avx512_compress::get() {
                    let mut out = [0xEEu8; COMPACT_ROOM];
                    // SAFETY: AVX-512F, BW and VBMI2 were detected.
                    let n = unsafe { avx512::compact(&block, keep, &mut out) };
                    assert_eq!(&out[..n], &expected[..], "avx512 {keep:#018x}");
                }
            }
        }
    }

    /// Every byte value at every position of a block, over backgrounds of each class: every
    /// classifier this CPU can run (AVX-512BW, SSE2, SWAR) agrees with a byte loop.
    #[test]
    fn classify_agrees_with_byte_loop() {
        fn naive(block: &[u8; 64]) -> Classes {
            let mask = |f: &dyn Fn(u8) -> bool| {
                block.iter().enumerate().filter(|(_, &b)| f(b)).fold(0u64, |m, (k, _)| m | 1 << k)
            };
            Classes {
                quote: mask(&|b| b == b'"'),
                backslash: mask(&|b| b == b'\\'),
                ws: mask(&|b| is_ws(b)),
                control: mask(&|b| b < 0x20),
                high: mask(&|b| b >= 0x80),
                structural: mask(&|b| b"{}[]:,".contains(&b)),
            }
        }
        for background in [b'a', b' ', b'"', b'{', 0x1F, 0x80, 0xFF] {
            for pos in 0..64 {
                for b in 0..=255u8 {
                    let mut block = [background; 64];
                    block[pos] = b;
                    block[(pos * 7 + 13) % 64] = b;
                    assert_eq!(classify(&block), naive(&block));
                    assert_eq!(swar::classify(&block), naive(&block));
                    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
                    #[allow(unsafe_code, reason = "calling the SSE2 classifier, which `classify` may bypass")]
                    // SAFETY: SSE2 is enabled for the whole build.
                    let sse2 = unsafe { sse2::classify(&block) };
                    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
                    assert_eq!(sse2, naive(&block));
                }
            }
        }
    }
}
