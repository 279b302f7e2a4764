//! The GNU Project's release rules, as its maintainers' guide ("Information for
//! Maintainers of GNU Software") and the GNU Coding Standards write them: what
//! ftp-upload.gnu.org accepts (each file with its binary `.sig`; the upload directive
//! is for the upload host, never published) and what a distribution tar file should be
//! (one `foo-m.n/` directory, with README and the licence in COPYING). Data only, read
//! by the same engine as the ASF's table.

use super::{Level, Profile, Rule, Test};

const UPLOAD: &str = "https://www.gnu.org/prep/maintain/html_node/Automated-Upload-Procedure.html";
const DIRECTIVE: &str = "https://www.gnu.org/prep/maintain/html_node/FTP-Upload-Directive-File.html";
const RELEASES: &str = "https://www.gnu.org/prep/standards/html_node/Releases.html";
const LICENSE: &str = "https://www.gnu.org/prep/maintain/html_node/License-Notices.html";

pub(super) const GNU: Profile = Profile {
    name: "gnu",
    archives: &[".tar.gz", ".tar.xz", ".tar.lz", ".tar.bz2", ".tar.zst", ".tar.lzma", ".tgz", ".zip"],
    rules: &[
        Rule {
            id: "gnu-signature",
            level: Level::Blocker,
            podlings_only: false,
            test: Test::Signature(&[".sig"]),
            asks: "every file has a detached binary signature, FILE.sig, as ftp-upload.gnu.org requires",
            fix: "sign it: gpg -b ARTIFACT (gnupload signs and uploads in one step)",
            source: UPLOAD,
        },
        Rule {
            id: "gnu-no-directive",
            level: Level::Blocker,
            podlings_only: false,
            test: Test::Sidecar(".directive.asc"),
            asks: "no upload directive is published (FILE.directive.asc tells the upload host where to put FILE)",
            fix: "remove it: it belongs on ftp-upload.gnu.org, not beside the release",
            source: DIRECTIVE,
        },
        Rule {
            id: "gnu-no-directive-draft",
            level: Level::Blocker,
            podlings_only: false,
            test: Test::Sidecar(".directive"),
            asks: "no unsigned upload directive is published",
            fix: "remove it: clearsign it for the upload host (gpg --clearsign FILE.directive), never publish it",
            source: DIRECTIVE,
        },
        Rule {
            id: "gnu-archive-readable",
            level: Level::Blocker,
            podlings_only: false,
            test: Test::Readable,
            asks: "every archive can be read to its end",
            fix: "make the distribution again (make dist) and upload it again",
            source: RELEASES,
        },
        Rule {
            id: "gnu-archive-root",
            level: Level::Warning,
            podlings_only: false,
            test: Test::Root(&[]),
            asks: "the tar file of foo-m.n unpacks into one subdirectory named foo-m.n",
            fix: "make the distribution with make dist (Automake names its directory so)",
            source: RELEASES,
        },
        Rule {
            id: "gnu-readme",
            level: Level::Warning,
            podlings_only: false,
            test: Test::RootFiles(&["README"]),
            asks: "the distribution has a README with a general overview of the package",
            fix: "add README at the top of the distribution",
            source: RELEASES,
        },
        Rule {
            id: "gnu-copying",
            level: Level::Warning,
            podlings_only: false,
            test: Test::RootFilesAny(&["COPYING", "COPYING.LESSER", "COPYING.LIB"]),
            asks: "the distribution has the licence's text in COPYING (COPYING.LESSER for the LGPL)",
            fix: "add the licence's text as COPYING at the top of the distribution",
            source: LICENSE,
        },
    ],
};
