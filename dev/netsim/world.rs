//! One network, built, published to and watched: the primary's tree and registry, the
//! mirrors and their daemons, the schedules (poll threads or push), and the sampler that
//! asks `closer probe` and `closer status` how far the release has spread.

use crate::Args;
use crate::net::{self, Proc, Sshd};
use crate::report::{Run, Sample};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One mirror of the network.
pub struct Mirror {
    pub id: String,
    pub tier: u32,
    /// Index of its upstream; `None`: the primary.
    pub upstream: Option<usize>,
    pub bwlimit: u64,
    pub partial: bool,
    pub down: bool,
    pub frozen: bool,
    pub dir: PathBuf,
    pub rsync_port: u16,
    pub http_port: u16,
    pub ssh_port: u16,
    _daemon: Option<Proc>,
}

/// A deterministic spread (xorshift), so two runs build the same network.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Tier sizes: a sixth in tier 1, the rest spread over the other tiers; partial mirrors,
/// one down and one frozen at the end of the last tier.
fn layout(args: &Args, flat: bool, work: &Path) -> Vec<Mirror> {
    let n = args.mirrors.max(6);
    let tiers = if flat { 1 } else { args.tiers.max(1) };
    let first = if tiers == 1 { n } else { (n / 6).max(2) };
    let mut tier_of: Vec<u32> =
        (0..n).map(|i| if i < first { 1 } else { 2 + ((i - first) * (tiers - 1) / (n - first)) as u32 }).collect();
    tier_of.sort();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let spread = [5_000u64, 10_000, 20_000, 40_000, 80_000, 100_000];
    let mut mirrors: Vec<Mirror> = Vec::new();
    for (i, &tier) in tier_of.iter().enumerate() {
        let partials = (n / 10).clamp(1, 3);
        let (partial, down, frozen) = (i + 2 + partials > n && i + 2 < n, i + 2 == n, i + 1 == n);
        let parents: Vec<usize> = (0..i).filter(|&j| mirrors[j].tier + 1 == tier && !mirrors[j].partial).collect();
        let upstream = if tier == 1 || partial { None } else { Some(parents[i % parents.len().max(1)]) };
        mirrors.push(Mirror {
            id: format!("m{i:02}"),
            tier: if partial { 1 } else { tier },
            upstream,
            bwlimit: spread[(rng.next() % spread.len() as u64) as usize],
            partial,
            down,
            frozen,
            dir: work.join(format!("m{i:02}")),
            rsync_port: 0,
            http_port: 0,
            ssh_port: 0,
            _daemon: None,
        });
    }
    mirrors
}

fn closer(args: &Args, primary: &Path, cmd: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::new(std::fs::canonicalize(&args.closer).expect("build closer first: cargo build --release"))
        .args(cmd)
        .current_dir(primary)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn ok(out: std::process::Output, what: &str) {
    assert!(out.status.success(), "{what} failed:\n{}", String::from_utf8_lossy(&out.stderr));
}

/// The registry for the network.
fn registry(mirrors: &[Mirror], primary_port: u16) -> String {
    let mut s = format!(
        "primary:\n  name: Netsim Foundation\n  host: dist.netsim.test\n  site_url: https://downloads.netsim.test/\n  \
         dist_url: https://dist.netsim.test/dist/\n  rsync_url: rsync://127.0.0.1:{primary_port}/dist/\narchive:\n  \
         url: https://archive.netsim.test/dist/\npolicy:\n  keep: 2\nmirrors:\n"
    );
    let continents = [
        ("DE", "EU", 50.1, 8.7),
        ("US", "NA", 40.7, -74.0),
        ("JP", "AS", 35.7, 139.7),
        ("BR", "SA", -23.5, -46.6),
        ("AU", "OC", -33.9, 151.2),
        ("ZA", "AF", -26.2, 28.0),
    ];
    for (i, m) in mirrors.iter().enumerate() {
        let (c, k, lat, lon) = continents[i % continents.len()];
        s.push_str(&format!(
            "  - id: {}\n    name: Mirror {}\n    country: {c}\n    continent: {k}\n    lat: {lat}\n    lon: {lon}\n    bandwidth: {}\n    urls:\n      http: http://127.0.0.1:{}/\n      rsync: rsync://127.0.0.1:{}/dist/\n    push: ssh://root@127.0.0.1:{}\n",
            m.id, m.id, m.bwlimit * 8 / 1000, m.http_port, m.rsync_port, m.ssh_port
        ));
        if let Some(u) = m.upstream {
            s.push_str(&format!("    upstream: {}\n", mirrors[u].id));
        }
        if m.partial {
            s.push_str("    include: [\"small\"]\n");
        }
    }
    s
}

/// The primary's tree: projects `big` and `small`, signed with the demo key.
fn primary_tree(repo: &Path, primary: &Path) {
    let keys = std::fs::read(repo.join("dist/hello/KEYS")).unwrap();
    for (p, v, size) in [("big", "1.0", 1 << 20), ("small", "1.0", 4096)] {
        let dir = primary.join(format!("dist/{p}/{v}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(primary.join(format!("dist/{p}/KEYS")), &keys).unwrap();
        std::fs::write(dir.join(format!("{p}-{v}.tar.gz")), data(size, 1)).unwrap();
    }
    std::fs::create_dir_all(primary.join("content")).unwrap();
}

/// `size` bytes that do not compress.
fn data(size: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D ^ seed);
    let mut v = Vec::with_capacity(size + 8);
    while v.len() < size {
        v.extend_from_slice(&rng.next().to_le_bytes());
    }
    v.truncate(size);
    v
}

/// mirror-sync's arguments for mirror `i` (SOURCE and DEST last).
fn sync_args(mirrors: &[Mirror], i: usize, primary_port: u16, keyring: &Path, then_push: Option<&Path>) -> Vec<String> {
    let m = &mirrors[i];
    let mut a = vec!["--keyring".to_string(), keyring.display().to_string(), format!("--bwlimit={}", m.bwlimit)];
    if m.partial {
        a.extend(["--list".into(), m.id.clone()]);
    }
    if let Some(f) = then_push {
        a.extend(["--then-push".into(), f.display().to_string()]);
    }
    let port = m.upstream.map_or(primary_port, |u| mirrors[u].rsync_port);
    a.extend([format!("rsync://127.0.0.1:{port}/dist/"), m.dir.display().to_string()]);
    a
}

/// `received N bytes` summed over mirror-sync's reports in `text`.
fn received(text: &str) -> u64 {
    text.lines()
        .filter(|l| l.contains("synced to stamp"))
        .filter_map(|l| l.rsplit("received ").next()?.split(' ').next()?.parse::<u64>().ok())
        .sum()
}

pub fn run(args: &Args, repo: &Path, flat: bool, name: &str) -> Run {
    let work = std::fs::canonicalize(std::env::current_dir().unwrap()).unwrap().join(&args.out).join(if flat {
        "flat"
    } else {
        "tiered"
    });
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let primary = work.join("primary");
    primary_tree(repo, &primary);
    let stop = Arc::new(AtomicBool::new(false));
    let (_pd, primary_port) = net::rsyncd(&primary.join("dist"), &work);
    let mut mirrors = layout(args, flat, &work);
    for m in &mut mirrors {
        std::fs::create_dir_all(&m.dir).unwrap();
        let (d, port) = net::rsyncd(&m.dir, &work);
        m._daemon = Some(d);
        m.rsync_port = port;
        m.http_port = if m.down { net::free_port() } else { net::http(m.dir.clone(), stop.clone()) };
    }
    // sshd next, its ports picked free just before it binds them (distinct, and none
    // taken by a daemon above); the syncs below take ephemeral ports.
    let mut taken: std::collections::BTreeSet<u16> = mirrors.iter().map(|m| m.rsync_port).collect();
    for m in &mut mirrors {
        m.ssh_port = std::iter::repeat_with(net::free_port).find(|p| taken.insert(*p)).unwrap();
    }
    let keyring = work.join("site-keyring.gpg");
    let then_push = push_files(&mirrors, &work);
    let sshd = (args.mode == "push").then(|| push_daemon(repo, &work, &mirrors, primary_port, &keyring, &then_push));
    std::fs::write(primary.join("mirrors.yaml"), registry(&mirrors, primary_port)).unwrap();
    let key = repo.join("tests/fixtures/demo-release-key.sec.asc");
    let key_s = key.display().to_string();
    ok(closer(args, &primary, &["sign", "--key", &key_s], &[]), "closer sign");
    ok(closer(args, &primary, &["build", "-q", "--site-key", &key_s], &[]), "closer build");
    let armored = std::fs::read(primary.join("site/site-key.asc")).unwrap();
    let out = Command::new("gpg").arg("--dearmor").stdin_bytes(&armored);
    std::fs::write(&keyring, out).unwrap();
    // Everyone starts in sync (the down mirror too: it is down from now on).
    for i in 0..mirrors.len() {
        run_sync(repo, &sync_args(&mirrors, i, primary_port, &keyring, None), &[]);
    }
    ok(closer(args, &primary, &["probe", "-q"], &[]), "closer probe");
    // Publish the new release; the clock starts when the build has finished.
    let size = args.size_mib << 20;
    std::fs::create_dir_all(primary.join("dist/big/2.0")).unwrap();
    std::fs::write(primary.join("dist/big/2.0/big-2.0.tar.gz"), data(size, 2)).unwrap();
    for m in &mirrors {
        let _ = std::fs::remove_file(m.dir.join(".mirror-sync/push.log"));
    }
    ok(closer(args, &primary, &["sign", "--key", &key_s], &[]), "closer sign");
    ok(closer(args, &primary, &["build", "-q", "--site-key", &key_s], &[]), "closer build");
    let t0 = Instant::now();
    let mut run = Run { name: name.to_string(), ..Default::default() };
    let new_stamp = std::fs::read_to_string(primary.join("dist/zzz/time.txt")).unwrap();
    // Where the network stands as the build finishes, before any mirror is told.
    sample_once(args, &primary, &mirrors, &new_stamp, size as u64, t0, &mut run);
    let logs: Arc<Mutex<Vec<(usize, String)>>> = Arc::default();
    // Every mirror polls (with push, as the fallback for a trigger that fails).
    let threads = poll(args, repo, &mirrors, primary_port, &keyring, &stop, &logs);
    if let Some(s) = &sshd {
        // The down and the frozen mirror do not answer: reported, and nothing waits.
        let out = closer(args, &primary, &["push", "-q", "--timeout", "60"], &[("CLOSER_SSH", &s.ssh())]);
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
    }
    sample(args, &primary, &mirrors, &new_stamp, size as u64, t0, &mut run);
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    for (i, text) in logs.lock().unwrap().iter() {
        *run.bytes_by_tier.entry(mirrors[*i].tier).or_default() += received(text);
    }
    if sshd.is_some() {
        for m in &mirrors {
            let log = std::fs::read_to_string(m.dir.join(".mirror-sync/push.log")).unwrap_or_default();
            *run.bytes_by_tier.entry(m.tier).or_default() += received(&log);
        }
    }
    run
}

/// The sshd that push reaches: per live mirror a port forcing its `mirror-sync --detach`.
fn push_daemon(
    repo: &Path,
    work: &Path,
    mirrors: &[Mirror],
    primary_port: u16,
    keyring: &Path,
    then_push: &[Option<PathBuf>],
) -> Sshd {
    // The key and known hosts Sshd::start makes, for --then-push.
    let ssh = format!(
        "ssh -o UserKnownHostsFile={} -i {} -o IdentitiesOnly=yes",
        work.join("known_hosts").display(),
        work.join("push_key").display()
    );
    let cmds: Vec<(u16, String)> = (0..mirrors.len())
        .filter(|&i| !mirrors[i].down && !mirrors[i].frozen)
        .map(|i| {
            let a = sync_args(mirrors, i, primary_port, keyring, then_push[i].as_deref());
            (mirrors[i].ssh_port, format!("MIRROR_SYNC_SSH='{ssh}' {} --detach {}", script(repo), a.join(" ")))
        })
        .collect();
    Sshd::start(work, &cmds)
}

/// `--poll-cost N`: a primary with one mirror, polled N times with nothing new.
pub fn poll_cost(args: &Args, repo: &Path, sessions: usize) -> String {
    let work = std::env::current_dir().unwrap().join(&args.out).join("pollcost");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let primary = work.join("primary");
    primary_tree(repo, &primary);
    let mut one = layout(&Args { mirrors: 6, ..args.clone() }, true, &work);
    one.truncate(1);
    one[0].http_port = net::free_port();
    one[0].rsync_port = net::free_port();
    std::fs::write(primary.join("mirrors.yaml"), registry(&one, net::free_port())).unwrap();
    let key = repo.join("tests/fixtures/demo-release-key.sec.asc").display().to_string();
    ok(closer(args, &primary, &["sign", "--key", &key], &[]), "closer sign");
    ok(closer(args, &primary, &["build", "-q", "--site-key", &key], &[]), "closer build");
    let keyring = work.join("site-keyring.gpg");
    let armored = std::fs::read(primary.join("site/site-key.asc")).unwrap();
    std::fs::write(&keyring, Command::new("gpg").arg("--dearmor").stdin_bytes(&armored)).unwrap();
    crate::pollcost::measure(repo, &primary, &work, &keyring, sessions)
}

fn script(repo: &Path) -> String {
    format!("dash {}", repo.join("tools/mirror-sync").display())
}

fn run_sync(repo: &Path, args: &[String], env: &[(&str, &str)]) -> String {
    let out =
        Command::new("dash").arg(repo.join("tools/mirror-sync")).args(args).envs(env.iter().copied()).output().unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Each mirror's `--then-push` file: the ssh addresses of the mirrors that pull from it.
fn push_files(mirrors: &[Mirror], work: &Path) -> Vec<Option<PathBuf>> {
    (0..mirrors.len())
        .map(|i| {
            let children: Vec<String> = mirrors
                .iter()
                .filter(|c| c.upstream == Some(i) && !c.down && !c.frozen)
                .map(|c| format!("ssh://root@127.0.0.1:{}\n", c.ssh_port))
                .collect();
            (!children.is_empty()).then(|| {
                let f = work.join(format!("downstream-{i}"));
                std::fs::write(&f, children.concat()).unwrap();
                f
            })
        })
        .collect()
}

/// One thread per live mirror, syncing every poll interval from a random phase.
fn poll(
    args: &Args,
    repo: &Path,
    mirrors: &[Mirror],
    primary_port: u16,
    keyring: &Path,
    stop: &Arc<AtomicBool>,
    logs: &Arc<Mutex<Vec<(usize, String)>>>,
) -> Vec<std::thread::JoinHandle<()>> {
    let every = Duration::from_secs_f64(args.poll_minutes * 60.0 / args.scale);
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut threads = Vec::new();
    for (i, _) in mirrors.iter().enumerate().filter(|(_, m)| !m.down && !m.frozen) {
        let phase = every.mul_f64((rng.next() % 1000) as f64 / 1000.0);
        let (a, repo, stop, logs) =
            (sync_args(mirrors, i, primary_port, keyring, None), repo.to_path_buf(), stop.clone(), logs.clone());
        threads.push(std::thread::spawn(move || {
            let start = Instant::now();
            let mut next = phase;
            while !stop.load(Ordering::Relaxed) {
                if start.elapsed() < next {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
                let text = run_sync(&repo, &a, &[]);
                logs.lock().unwrap().push((i, text));
                while next <= start.elapsed() {
                    next += every;
                }
            }
        }));
    }
    threads
}

/// Samples until every live mirror serves the release (or the time is up): the share
/// from `closer probe` + `closer status`, and every mirror that claims the new stamp is
/// checked to hold the whole release.
fn sample(args: &Args, primary: &Path, mirrors: &[Mirror], new: &str, size: u64, t0: Instant, run: &mut Run) {
    let live = mirrors.iter().filter(|m| !m.down && !m.frozen && !m.partial).count();
    loop {
        let complete = sample_once(args, primary, mirrors, new, size, t0, run);
        if complete >= live || t0.elapsed() > Duration::from_secs(args.timeout) {
            return;
        }
        std::thread::sleep(Duration::from_secs_f64(args.sample));
    }
}

/// One sample; returns how many mirrors hold the whole release under the new stamp.
fn sample_once(
    args: &Args,
    primary: &Path,
    mirrors: &[Mirror],
    new: &str,
    size: u64,
    t0: Instant,
    run: &mut Run,
) -> usize {
    let _ = closer(args, primary, &["probe", "-q"], &[]);
    let out = closer(args, primary, &["status", "big", "2.0", "--threshold", "1"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or("");
    let num = |after: &str, before: &str| -> Option<f64> {
        first.split(before).next()?.rsplit(after).next()?.trim().parse().ok()
    };
    let share = num(",", "% of their bandwidth").unwrap_or(0.0) / 100.0;
    let serving = num(":", " of ").unwrap_or(0.0) as usize;
    let carrying =
        first.split(" of ").nth(1).and_then(|s| s.split(' ').next()).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut complete = 0;
    for m in mirrors.iter().filter(|m| !m.partial) {
        if std::fs::read_to_string(m.dir.join("zzz/time.txt")).unwrap_or_default() != new {
            continue;
        }
        match std::fs::metadata(m.dir.join("big/2.0/big-2.0.tar.gz")) {
            Ok(meta) if meta.len() == size => complete += 1,
            _ => run.violations.push(format!("{} at {:.1} s", m.id, t0.elapsed().as_secs_f64())),
        }
    }
    run.samples.push(Sample { t: t0.elapsed().as_secs_f64(), share, serving, carrying });
    complete
}

/// `Command::output` with bytes on stdin, returning stdout.
trait StdinBytes {
    fn stdin_bytes(&mut self, input: &[u8]) -> Vec<u8>;
}

impl StdinBytes for Command {
    fn stdin_bytes(&mut self, input: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut child = self.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap().stdout
    }
}
