//! What the site publishes for mirror operators: `tools/mirror-sync` itself (so a
//! mirror host needs neither the repository nor closer), its SHA-512 (clearsigned by the
//! site key when there is one), its changes, and the lines each mirror's page gives to
//! download, verify and install it and to run it from cron or a systemd timer.

use super::Sink;
use anyhow::Result;
use serde::Serialize;

const SCRIPT: &str = include_str!("../../../tools/mirror-sync");
const CHANGES: &str = include_str!("../../../tools/mirror-sync.CHANGES");
/// Where the pages install it, and where its keyring goes.
pub(super) const INSTALLED: &str = "/usr/local/bin/mirror-sync";

/// The script's version, from its `VERSION=` line.
pub(super) fn version() -> &'static str {
    SCRIPT.lines().find_map(|l| l.strip_prefix("VERSION=")).unwrap_or("unknown")
}

/// `<sha512>  mirror-sync`, as `sha512sum` writes it.
fn sha512_line() -> String {
    use sha2::{Digest, Sha512};
    format!("{}  mirror-sync\n", crate::util::text::hex(&Sha512::digest(SCRIPT.as_bytes())))
}

/// Puts the script, its SHA-512 and its changes into the site; returns the SHA-512 file
/// to clearsign, by its signature's path.
pub(super) fn put(sink: &dyn Sink) -> Result<(String, Vec<u8>)> {
    sink.put("mirror-sync", SCRIPT.as_bytes())?;
    sink.put("mirror-sync.sha512", sha512_line().as_bytes())?;
    sink.put("mirror-sync.CHANGES.txt", CHANGES.as_bytes())?;
    Ok(("mirror-sync.sha512.asc".to_string(), sha512_line().into_bytes()))
}

/// The lines a mirror's page gives its operator.
#[derive(Serialize)]
pub(super) struct Setup {
    pub(super) version: &'static str,
    /// Download, verify, install (as root).
    pub(super) install: String,
    /// `/etc/cron.d/mirror-sync`, with the user field.
    pub(super) cron_d: String,
    /// `/etc/systemd/system/mirror-sync.service` and `.timer`.
    pub(super) service: String,
    pub(super) timer: String,
}

/// The setup of a mirror whose sync command (its arguments after `mirror-sync`) is
/// `args`; `site` is the site's URL, `keyring` where the site key's keyring goes when
/// the site has a key.
pub(super) fn setup(site: &str, args: &str, keyring: Option<&str>) -> Setup {
    let verify = match keyring {
        Some(k) => format!(
            "curl -fLO {site}mirror-sync.sha512.asc\ncurl -fLO {site}site-key.asc\n\
             mkdir -p {dir} && gpg --dearmor < site-key.asc > {k}\n\
             gpgv --keyring {k} --output - mirror-sync.sha512.asc | sha512sum -c",
            dir = k.rsplit_once('/').map_or("/etc/closer", |(d, _)| d),
        ),
        None => format!("curl -fLO {site}mirror-sync.sha512\nsha512sum -c mirror-sync.sha512"),
    };
    let command = format!("{INSTALLED} {args}");
    Setup {
        version: version(),
        install: format!("curl -fLO {site}mirror-sync\n{verify}\ninstall -m 755 mirror-sync {INSTALLED}"),
        cron_d: format!("# /etc/cron.d/mirror-sync: silent unless something is wrong\n*/15 * * * * mirror {command}"),
        service: format!(
            "# /etc/systemd/system/mirror-sync.service\n[Unit]\nDescription=mirror-sync from {site}\n\
             Wants=network-online.target\nAfter=network-online.target\n\n[Service]\nType=oneshot\nUser=mirror\n\
             ExecStart={command}\n# 3: another run (from cron, or by hand) holds the lock\nSuccessExitStatus=3\n\
             # a oneshot has no start timeout: a run that hangs would stop the timer for good\n\
             # (a first sync of a large tree may take longer: raise it)\nTimeoutStartSec=12h"
        ),
        timer: "# /etc/systemd/system/mirror-sync.timer (a run never overlaps the last: the service is oneshot)\n\
                [Unit]\nDescription=mirror-sync every 15 minutes\n\n[Timer]\nOnCalendar=*:0/15\n\
                RandomizedDelaySec=2min\nPersistent=true\n\n[Install]\nWantedBy=timers.target"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_has_a_version_and_the_lines_install_what_the_site_serves() {
        assert!(version().starts_with("1."), "{}", version());
        let s = setup("https://d.example.org/", "--list x rsync://u/m/ /srv/m/", Some("/etc/closer/site-keyring.gpg"));
        assert!(s.install.starts_with("curl -fLO https://d.example.org/mirror-sync\n"));
        assert!(s.install.contains("gpgv --keyring /etc/closer/site-keyring.gpg --output - mirror-sync.sha512.asc"));
        assert!(s.cron_d.ends_with("mirror /usr/local/bin/mirror-sync --list x rsync://u/m/ /srv/m/"));
        assert!(s.service.contains("ExecStart=/usr/local/bin/mirror-sync --list x"));
        let plain = setup("https://d.example.org/", "a b", None);
        assert!(plain.install.contains("sha512sum -c mirror-sync.sha512\n"));
    }
}
