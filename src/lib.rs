//! closer publishes software releases through a network of mirrors with a static site.
//! This file is the map: one folder a stage, data flowing one way (a stage never
//! imports one that comes after it; `model` and `util` are below them all), the driver
//! that calls the stages in `pipeline`, and the commands on top. ARCHITECTURE.md says
//! what each stage does and where a new input, check, plan, output or command goes.

pub mod check;
pub mod commands;
pub mod fuzz;
pub mod input;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod plan;
pub mod util;
