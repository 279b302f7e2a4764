//! The commands besides `build` and `check`, each on top of the pipeline: `serve` (live
//! preview), `sign`, `probe` (ask the mirrors for their stamps), `status` (has a release
//! spread?), `push` (tell the mirrors to sync now), `announce` (the mail), `releases`
//! (what closer made of the tree) and `copies` (who holds how many copies). A new
//! command goes here, with its flags in `cli.rs` and one line in `main.rs`.

pub mod announce;
pub mod copies;
pub mod fetch_logos;
pub mod probe;
pub mod push;
pub mod releases;
pub mod serve;
pub mod sign;
pub mod status;
