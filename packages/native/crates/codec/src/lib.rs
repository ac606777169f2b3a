//! The logic behind `@s2/native`, free of any Node-API types so that `cargo test` exercises it
//! directly. Every decoder bounds-checks every read: bad input is an `Err`, never a panic.

pub mod error;
pub mod rowdat1;
pub mod textrow;
mod textparse;

#[cfg(unix)]
pub mod collocated;

pub use error::{CodecError, ErrorKind};
