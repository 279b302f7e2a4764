//! The commands besides `build` and `check`, each on top of the pipeline: `serve` (live
//! preview), `sign`, `probe` (ask the mirrors for their stamps), `status` (has a release
//! spread?), `push` (tell the mirrors to sync now), `announce` (the mail) and `releases`
//! (what closer made of the tree). A new
//! command goes here, with its flags in `cli.rs` and one line in `main.rs`.

pub mod announce;
pub mod probe;
pub mod push;
pub mod releases;
pub mod serve;
pub mod sign;
pub mod status;
