//! The fast path (stub: takes nothing yet).

use super::{Minifier, Sink, Stage};

impl Minifier {
    pub(super) fn fast<S: Sink + ?Sized>(
        &mut self,
        _chunk: &[u8],
        i: usize,
        _run_start: &mut usize,
        _stage: &mut Stage,
        _sink: &mut S,
    ) -> usize {
        i
    }
}
