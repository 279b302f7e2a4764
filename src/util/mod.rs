//! Small helpers every stage may use: file I/O that names the path in every error,
//! text formatting and escaping, version ordering, the problem list, the clock, fault
//! injection for the crash tests. Nothing
//! here knows about the pipeline.

pub mod arrival;
pub mod clock;
pub mod fault;
pub mod fs;
pub mod lock;
pub mod platform;
pub mod problem;
pub mod secrets;
pub mod sha;
pub mod text;
pub mod version;
