//! The data every stage shares, below all of them: the release tree and what the checks
//! fill into it, and the formats of the files closer owns in the release tree (the stamp,
//! the `since` stamps, the signed index). Plain values; the only I/O is reading closer's own small files.

pub mod archive;
pub mod artifact;
mod artifact_record;
pub mod carried;
pub mod codec;
pub mod continent;
pub mod digests;
pub mod held;
pub mod hex_serde;
pub mod index;
pub mod listing;
pub mod profile;
pub mod published;
pub mod run;
pub mod signature;
pub mod signature_rule;
pub mod since;
pub mod stamp;
pub mod tree;
pub mod version_series;
