//! What went wrong in the last failed call on each thread: `snapsign_last_error_offset` and
//! `snapsign_last_error_message` read it.

use std::cell::Cell;

use snapsign_core::provider::PROFILES;
use snapsign_core::Error;

use super::result::snapsign_result;

/// A failure of one C call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// A core error.
    Core(Error),
    /// An argument of the C call itself was unusable; `name` is the parameter's name.
    Argument { name: &'static str, problem: Problem },
    /// A panic was caught at the boundary.
    Panic,
}

/// What was wrong with a C argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// NULL for a required pointer.
    Null,
    /// NULL with a non-zero length (the length is named by `length`).
    NullWithLength { length: &'static str },
    /// A length that, added to its pointer, passes the end of the address space.
    BeyondAddressSpace,
    /// A pointer not aligned for its type.
    Misaligned,
    /// Flag bits this version does not define.
    UnknownFlags,
    /// A selector value this version does not define.
    UnknownValue,
    /// A provider profile name that is not in the core's table.
    UnknownProfile,
    /// An index at or past the number of items (the count is given by the function named by
    /// `count`).
    IndexOutOfRange { count: &'static str },
    /// An output region that overlaps another argument (named by `other`).
    Overlaps { other: &'static str },
}

impl Failure {
    pub(crate) fn code(&self) -> snapsign_result {
        match self {
            Failure::Core(e) => snapsign_result::from_error(e),
            Failure::Argument { problem: Problem::Null | Problem::NullWithLength { .. }, .. } => {
                snapsign_result::NullPointer
            }
            Failure::Argument { problem: Problem::Overlaps { .. }, .. } => snapsign_result::OverlappingBuffers,
            Failure::Argument { .. } => snapsign_result::InvalidArgument,
            Failure::Panic => snapsign_result::InternalPanic,
        }
    }

    pub(crate) fn offset(&self) -> Option<usize> {
        match self {
            Failure::Core(e) => e.offset(),
            _ => None,
        }
    }

    /// The readable message: the core's for its errors; for an argument, which one and what was
    /// wrong with it.
    pub(crate) fn message(&self) -> String {
        let name = match *self {
            Failure::Core(e) => return e.to_string(),
            Failure::Panic => return format!("{}: a panic was caught at the C boundary", self.code().description()),
            Failure::Argument { name, .. } => name,
        };
        let Failure::Argument { problem, .. } = *self else { return String::new() };
        let what = match problem {
            Problem::Null => format!("{name} is NULL"),
            Problem::NullWithLength { length } => format!("{name} is NULL but {length} is not 0"),
            Problem::BeyondAddressSpace => format!("{name} goes beyond the end of the address space"),
            Problem::Misaligned => format!("{name} is not aligned for its type"),
            Problem::UnknownFlags => format!("{name} has bits this version does not define"),
            Problem::UnknownValue => format!("{name} is not a value this version defines"),
            Problem::UnknownProfile => {
                let known: Vec<&str> = PROFILES.iter().map(|p| p.name).collect();
                format!("{name} is not a provider profile this version knows ({})", known.join(", "))
            }
            Problem::IndexOutOfRange { count } => format!("{name} is not below {count}"),
            Problem::Overlaps { other } => format!("{name} overlaps {other}"),
        };
        format!("{}: {what}", self.code().description())
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

thread_local! {
    static LAST_FAILURE: Cell<Option<Failure>> = const { Cell::new(None) };
}

pub(crate) fn set(failure: Option<Failure>) {
    // `try_with` fails only while the thread is being torn down; the detail is then lost.
    let _ = LAST_FAILURE.try_with(|cell| cell.set(failure));
}

pub(crate) fn get() -> Option<Failure> {
    LAST_FAILURE.try_with(Cell::get).ok().flatten()
}
