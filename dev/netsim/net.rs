//! The network's processes, all on 127.0.0.1 with ports chosen free at run time: an rsync
//! daemon per tree (the primary's and each mirror's), an HTTP server per mirror for its
//! `zzz/time.txt` (what `closer probe` asks), and one sshd whose ports each force one
//! mirror's `mirror-sync --detach` (what `closer push` and `--then-push` reach).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_port(port: u16, what: &str) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(10), "{what} did not start on port {port}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A process killed when dropped.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `rsync --daemon` serving `path` as module `dist`, with transfer logging.
pub fn rsyncd(path: &Path, work: &Path) -> (Proc, u16) {
    let port = free_port();
    let conf = work.join(format!("rsyncd-{port}.conf"));
    let log = work.join(format!("rsyncd-{port}.log"));
    std::fs::write(
        &conf,
        format!(
            "use chroot = no\nreverse lookup = no\nuid = 0\ngid = 0\nlog file = {}\nmax connections = 0\n[dist]\n  path = {}\n  read only = yes\n",
            log.display(),
            path.display()
        ),
    )
    .unwrap();
    let child = Command::new("rsync")
        .args(["--daemon", "--no-detach", "--address=127.0.0.1"])
        .arg(format!("--port={port}"))
        .arg(format!("--config={}", conf.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("rsync");
    wait_port(port, "rsync daemon");
    (Proc(child), port)
}

/// A static HTTP server of `dir`, on a thread; stops when the flag is set.
pub fn http(dir: PathBuf, stop: Arc<AtomicBool>) -> u16 {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("listen");
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            let Ok(Some(req)) = server.recv_timeout(Duration::from_millis(100)) else { continue };
            let rel = req.url().trim_start_matches('/').split('?').next().unwrap_or("").to_string();
            let resp = if rel.split('/').any(|p| p == "..") {
                tiny_http::Response::from_data(Vec::new()).with_status_code(404)
            } else {
                match std::fs::read(dir.join(&rel)) {
                    Ok(b) => tiny_http::Response::from_data(b),
                    Err(_) => tiny_http::Response::from_data(Vec::new()).with_status_code(404),
                }
            };
            let _ = req.respond(resp);
        }
    });
    port
}

/// sshd, one port per pushed mirror, each forcing that mirror's sync command (as many
/// daemons as it takes: one listens on at most 16 ports).
pub struct Sshd {
    _procs: Vec<Proc>,
    pub key: PathBuf,
    pub known_hosts: PathBuf,
}

impl Sshd {
    /// `commands`: (port, forced command) per mirror.
    pub fn start(work: &Path, commands: &[(u16, String)]) -> Sshd {
        std::fs::create_dir_all("/run/sshd").unwrap();
        let keygen = |p: &Path| {
            let ok = Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(p).status();
            assert!(ok.is_ok_and(|s| s.success()), "ssh-keygen");
            std::fs::read_to_string(p.with_extension("pub")).unwrap().trim().to_string()
        };
        let (host, key) = (work.join("ssh_host_key"), work.join("push_key"));
        let (host_pub, key_pub) = (keygen(&host), keygen(&key));
        std::fs::write(work.join("authorized_keys"), format!("restrict {key_pub}\n")).unwrap();
        let known: String = commands.iter().map(|(port, _)| format!("[127.0.0.1]:{port} {host_pub}\n")).collect();
        let known_hosts = work.join("known_hosts");
        std::fs::write(&known_hosts, known).unwrap();
        let procs = commands.chunks(16).enumerate().map(|(i, chunk)| sshd(work, i, &host, chunk)).collect();
        Sshd { _procs: procs, key, known_hosts }
    }

    /// The ssh command line that reaches these ports with the push key.
    pub fn ssh(&self) -> String {
        format!(
            "ssh -o UserKnownHostsFile={} -i {} -o IdentitiesOnly=yes",
            self.known_hosts.display(),
            self.key.display()
        )
    }
}

/// The `i`th sshd, for the ports of `chunk`.
fn sshd(work: &Path, i: usize, host: &Path, chunk: &[(u16, String)]) -> Proc {
    let mut conf: String = chunk.iter().map(|(port, _)| format!("Port {port}\n")).collect();
    conf.push_str(&format!(
        "ListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\nPidFile {}\nStrictModes no\nUsePAM no\n\
         PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n\
         MaxStartups 100\n",
        host.display(),
        work.join("authorized_keys").display(),
        work.join(format!("sshd-{i}.pid")).display()
    ));
    for (port, cmd) in chunk {
        conf.push_str(&format!("Match LocalPort {port}\n  ForceCommand {cmd}\n"));
    }
    let config = work.join(format!("sshd_config-{i}"));
    std::fs::write(&config, conf).unwrap();
    let child = Command::new("/usr/sbin/sshd")
        .args(["-D", "-e", "-f"])
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(work.join(format!("sshd-{i}.log"))).unwrap())
        .spawn()
        .expect("sshd (apt-get install openssh-server)");
    for (port, _) in chunk {
        wait_port(*port, "sshd");
    }
    Proc(child)
}
