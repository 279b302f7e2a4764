//! `closer check`: everything a build checks, every problem listed at once, nothing
//! written (the site is rendered and dropped, so a template error is found too). What
//! CI runs on every commit.

use super::{Global, Outcome};
use crate::model::run::Mode;
use anyhow::Result;

/// Check everything a build checks, list every problem, write nothing.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, g: &Global) -> Result<Outcome> {
    super::build::pipeline(g, Mode::Check, false, true)
}
