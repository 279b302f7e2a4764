//! A foundation's release rules by name (`policy.profile`): which table of rules
//! `plan::profile` applies. A new foundation is a new name and a new table.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// The Apache Software Foundation's release policy, as Apache Trusted Releases
    /// checks it. (Written as people write the names too: `ASF`, `GNU`.)
    #[serde(alias = "ASF", alias = "Asf")]
    Asf,
    /// The GNU Project's: what ftp-upload.gnu.org accepts and the Coding Standards ask
    /// of a distribution.
    #[serde(alias = "GNU", alias = "Gnu")]
    Gnu,
}
