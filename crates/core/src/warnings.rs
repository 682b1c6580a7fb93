//! AdmissionReview warnings that survive the API server: it truncates each
//! warning longer than 256 characters and drops warnings past 4,096 in total
//! (all sources of one request). So each warning is fitted to 256 bytes by
//! shortening its values (an image, a name) with an ellipsis, never its fixed
//! words or field path; and a response lists warnings only while they fit its
//! budget, then says how many more there are.

use std::fmt::Write as _;

/// The most a single warning may hold, in bytes (the API server counts
/// characters; a byte is never more than a character).
pub(crate) const WARNING_MAX: usize = 256;
/// What one response's warnings may hold together, in bytes: under the API
/// server's 4,096, leaving room for other webhooks' warnings on the request.
pub(crate) const WARNINGS_BUDGET: usize = 3_072;

const ELLIPSIS: &str = "...";
/// What a shortened value keeps at least, before its ellipsis.
const VALUE_MIN: usize = 8;

/// A piece of a warning.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Piece<'a> {
    /// Words and field paths: never shortened.
    Fixed(&'a str),
    /// A value written as it is (an object name); may be shortened.
    Plain(&'a str),
    /// A value written quoted (`"nginx:1.25"`); may be shortened.
    Quoted(&'a str),
}

/// The pieces written out, each value shortened (longest first) until the
/// whole fits in `max` bytes.
pub(crate) fn fit(pieces: &[Piece<'_>], max: usize) -> String {
    let mut kept: Vec<usize> = pieces.iter().map(|piece| piece.value_len()).collect();
    loop {
        let text = write(pieces, &kept);
        let excess = text.len().saturating_sub(max);
        if excess == 0 {
            return text;
        }
        // Shorten the longest value still above its minimum by the excess
        // (at least by a character, so this ends).
        let longest = pieces
            .iter()
            .zip(kept.iter_mut())
            .filter(|(piece, kept)| piece.value_len() > 0 && **kept > VALUE_MIN)
            .map(|(_, kept)| kept)
            .max_by_key(|kept| **kept);
        match longest {
            Some(kept) => *kept = kept.saturating_sub(excess.max(1)).max(VALUE_MIN),
            None => return truncate(&text, max).to_owned(),
        }
    }
}

impl Piece<'_> {
    /// The length of the text a piece holds, fixed or not.
    fn len(&self) -> usize {
        match self {
            Piece::Fixed(text) | Piece::Plain(text) | Piece::Quoted(text) => text.len(),
        }
    }

    /// The length of the value a piece holds; 0 for fixed text.
    fn value_len(&self) -> usize {
        match self {
            Piece::Fixed(_) => 0,
            Piece::Plain(value) | Piece::Quoted(value) => value.len(),
        }
    }
}

/// The pieces with each value cut to `kept[i]` bytes (on a character boundary).
fn write(pieces: &[Piece<'_>], kept: &[usize]) -> String {
    let room: usize = pieces.iter().map(Piece::len).sum();
    let mut text = String::with_capacity(room + room / 8);
    for (piece, &keep) in pieces.iter().zip(kept) {
        // Most values are written whole, without a copy.
        match piece {
            Piece::Fixed(words) => text.push_str(words),
            Piece::Plain(value) if value.len() <= keep => text.push_str(value),
            Piece::Quoted(value) if value.len() <= keep => {
                let _ = write!(text, "{value:?}");
            }
            Piece::Plain(value) => {
                text.push_str(truncate(value, keep.saturating_sub(ELLIPSIS.len())));
                text.push_str(ELLIPSIS);
            }
            Piece::Quoted(value) => {
                let cut = truncate(value, keep.saturating_sub(ELLIPSIS.len()));
                let _ = write!(text, "{:?}", format!("{cut}{ELLIPSIS}"));
            }
        }
    }
    text
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character.
pub(crate) fn truncate(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The warnings of one response, kept within [`WARNINGS_BUDGET`].
pub(crate) struct Warnings {
    listed: Vec<String>,
    bytes: usize,
    unlisted: usize,
}

/// Room kept for the closing "… more" warning.
const SUMMARY_MAX: usize = 160;

impl Warnings {
    pub(crate) fn new() -> Self {
        Warnings {
            listed: Vec::new(),
            bytes: 0,
            unlisted: 0,
        }
    }

    /// Whether another warning may still be listed; once one did not fit,
    /// the rest are only counted (see [`Warnings::skip`]).
    pub(crate) fn has_room(&self) -> bool {
        self.unlisted == 0
    }

    /// Adds a warning made of `pieces` (fitted to [`WARNING_MAX`]) if the
    /// budget has room for it; otherwise counts it as unlisted.
    pub(crate) fn push(&mut self, pieces: &[Piece<'_>]) {
        if self.has_room() {
            let warning = fit(pieces, WARNING_MAX);
            if self.bytes + warning.len() + SUMMARY_MAX <= WARNINGS_BUDGET {
                self.bytes += warning.len();
                self.listed.push(warning);
                return;
            }
        }
        self.skip();
    }

    /// Counts a warning that is not listed.
    pub(crate) fn skip(&mut self) {
        self.unlisted += 1;
    }

    /// The warnings, closed by one that counts the unlisted ones, if any:
    /// `summary(n)` words it.
    pub(crate) fn finish(mut self, summary: impl FnOnce(usize) -> String) -> Vec<String> {
        if self.unlisted > 0 {
            let text = summary(self.unlisted);
            self.listed.push(truncate(&text, SUMMARY_MAX).to_owned());
        }
        self.listed
    }
}

impl Default for Warnings {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests;
