//! Loading what the flags point at: files and standard input, request bodies, keys, the client
//! secret and the timestamp.

pub(crate) mod body;
pub(crate) mod env;
pub(crate) mod file;
pub(crate) mod key;
pub(crate) mod provider;
pub(crate) mod secret;
pub(crate) mod timestamp;
