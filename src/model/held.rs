//! A project a build held back: its problems stayed within it, and its last good state
//! was published in its place. The driver decides (`pipeline::isolate`), the outputs
//! show it (the build's output, `held.json`, metrics, the mirrors page).

use crate::util::problem::Problem;

/// A project the build held back, and why.
#[derive(Debug, Clone)]
pub struct Held {
    pub project: String,
    pub problems: Vec<Problem>,
    /// Every problem is an upload still in progress (within the upload grace).
    pub arriving: bool,
    /// Its last good state was published in its place (else it is not published at all:
    /// it never was).
    pub published: bool,
    /// Its last good state was not recorded (the cache was lost): its entries were
    /// carried from the previous lists, so the mirrors keep its files, but it has no
    /// pages until it is fixed.
    pub carried: bool,
    /// Its files (paths in the release tree) whose bytes changed after they were
    /// published: its pages must not send anyone to the primary's copy of them.
    pub changed: Vec<String>,
    /// An earlier build held it already, with the same problems (`held.json`): `-q`
    /// does not say it again on every run of a cron job.
    pub told: bool,
}
