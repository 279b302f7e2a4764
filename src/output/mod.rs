//! The fourth stage: everything closer makes from the plan. Pages and their contexts
//! (`render`), checksum lists (`sums`), Metalinks, the mirror lists and stamp in the
//! release tree (`lists`), and `write`, the one writer of the site. A new output goes
//! here, as its own module that `render` or `lists` calls.

pub mod commit;
pub mod fingerprint;
pub mod held;
pub mod lists;
pub mod metalink;
pub mod metrics;
pub mod render;
pub mod site;
pub mod site_digest;
pub mod site_key;
pub mod site_state;
pub mod sums;
pub mod torrent;
pub mod write;
