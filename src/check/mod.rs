//! The second stage: read the bytes and check them. Digests of every file in one read
//! (with the SWHIDs of source archives), the checksum files the release manager
//! uploaded, every signature against its project's KEYS and every Sigstore bundle
//! against the pinned root, what SBOMs and provenance claim, and source archives
//! against their siblings and their tag, with caches so that an unchanged file is never
//! read twice. Outcomes
//! are data on the tree; the plan decides what is fatal. A new signature or checksum
//! form goes here.

pub mod archive;
pub mod cache;
pub mod cache_journal;
pub mod cache_stream;
pub mod checksums;
pub mod companion_cache;
pub mod companions;
pub mod cosign_key;
pub mod decompress;
pub mod digest;
pub mod digest_cache;
pub mod extra_signatures;
pub mod minisign;
pub mod pgp;
mod release_keys;
pub mod signed_lists;
pub mod signify;
pub mod sigstore;
pub mod source;
pub mod ssh_sig;
pub mod swhid;
mod tool_output;
mod unpacked;
pub mod uploaded;
pub mod verify;
