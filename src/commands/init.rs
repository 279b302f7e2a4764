//! `closer init [DIR] [--layout apache|gnu|kernel]`: a working site to start from. It
//! writes a registry with every required key present and commented, one example project
//! laid out the way the chosen publishers lay theirs out (signed with a key made for the
//! example, so that `closer build` succeeds at once), an `rsyncd.conf` serving `dist/`,
//! and a cron.d file and systemd units for the primary's `probe` + `build`. It never
//! overwrites: a directory that already holds a site is refused before anything is
//! written.

use super::{Global, Outcome};
use crate::check::pgp;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// Start a new site: a registry, an example project, rsyncd.conf, cron and systemd units.
#[derive(Debug, clap::Args)]
#[command(after_help = "Then: cd DIR && closer build. The example key in keys/ signs the example \
    release only; replace KEYS (or the keyring) with your release managers' keys.")]
pub struct Args {
    /// Where to make the site (created if missing; must not hold one already).
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// How the example project's releases are laid out: `apache` (`<project>/<version>/`
    /// with KEYS), `gnu` (flat `<project>-<version>.tar.gz` with a keyring and `.sig`),
    /// `kernel` (`v1.x/` lines, `.tar.sign` over the uncompressed tar).
    #[arg(long, value_enum, default_value = "apache")]
    layout: Layout,
    /// The site's name (`primary.name`).
    #[arg(long, default_value = "Example Software Foundation")]
    name: String,
    /// The example project's name.
    #[arg(long, default_value = "example")]
    project: String,
}

/// The release-tree shapes `init` can start from.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Layout {
    Apache,
    Gnu,
    Kernel,
}

/// The example release's version.
const VERSION: &str = "1.0.0";

/// Makes the site and says what to do next.
pub fn run(args: Args, g: &Global) -> Result<Outcome> {
    if !crate::input::tree::valid_segment(&args.project) || args.project == "zzz" {
        bail!(crate::util::problem::with_fix(
            format!("--project `{}` is not a valid project directory name", args.project),
            "use letters, digits, `.`, `_`, `+` and `-`, starting with a letter or digit (`zzz` is closer's own)"
        ));
    }
    if args.name.trim().is_empty() || args.name.chars().any(char::is_control) {
        bail!(crate::util::problem::with_fix(
            format!("--name {:?} is empty or holds a line break or control character", args.name),
            "give the name pages show, on one line: --name \"Example Software Foundation\""
        ));
    }
    let dir = &args.dir;
    for taken in ["mirrors.yaml", "dist", "content"] {
        if dir.join(taken).exists() {
            bail!(crate::util::problem::with_fix(
                format!("`{}` already exists: closer init never overwrites a site", dir.join(taken).display()),
                "give an empty or new directory: closer init DIR"
            ));
        }
    }
    let files = files(&args)?;
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            crate::util::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    restrict(&dir.join("keys"))?;
    {
        use std::os::unix::fs::PermissionsExt;
        let ci = dir.join("tools/ci-site");
        std::fs::set_permissions(&ci, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot make `{}` executable", ci.display()))?;
    }
    if !g.quiet {
        println!("{}", next_steps(&args));
    }
    Ok(Outcome::Done)
}

/// `value` as a YAML scalar: plain when it reads back as the same text, else quoted (a
/// name such as `ACME: #1` would otherwise be a mapping and a comment).
fn yaml_scalar(value: &str) -> String {
    let plain = value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || " ._()/'-".contains(c))
        && !value.ends_with(' ')
        && !["true", "false", "null", "yes", "no", "on", "off"].contains(&value.to_ascii_lowercase().as_str());
    if plain { value.to_string() } else { serde_json::Value::from(value).to_string() }
}

/// `t` with `key` replaced by `value`, keeping the column of what follows the spaces
/// after it (the template's comments line up whatever the value's length).
fn aligned(t: &str, key: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = t;
    while let Some(i) = rest.find(key) {
        out.push_str(&rest[..i]);
        out.push_str(value);
        let after = &rest[i + key.len()..];
        let spaces = after.len() - after.trim_start_matches(' ').len();
        if spaces > 0 {
            out.push_str(&" ".repeat((key.len() + spaces).saturating_sub(value.len()).max(1)));
        }
        rest = &after[spaces..];
    }
    out.push_str(rest);
    out
}

/// A path as one word of a systemd list setting (`ReadWritePaths=`): in double quotes, with
/// `%` (a specifier) doubled.
fn unit_quoted(path: &str) -> String {
    format!("\"{}\"", path.replace('\\', "\\\\").replace('"', "\\\"").replace('%', "%%"))
}

/// Every file of the new site, by its path in it.
fn files(args: &Args) -> Result<Vec<(String, Vec<u8>)>> {
    let dir = std::path::absolute(&args.dir).unwrap_or_else(|_| args.dir.clone());
    let user = std::env::var("USER").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "closer".into());
    let fill = |t: &str| {
        aligned(t, "{name_yaml}", &yaml_scalar(&args.name))
            .replace("{title_yaml}", &yaml_scalar(&format!("{} downloads", args.name)))
            .replace("{description_yaml}", &yaml_scalar(&format!("Releases of {}, from a mirror near you.", args.name)))
            .replace("{name}", &args.name)
            .replace("{project}", &args.project)
            .replace("{dir_cron}", &crate::util::text::shell_quote(&dir.display().to_string()).replace('%', "\\%"))
            .replace("{dir_unit}", &dir.display().to_string().replace('%', "%%"))
            .replace("{dir_unit_quoted}", &unit_quoted(&dir.display().to_string()))
            .replace("{dir}", &dir.display().to_string())
            .replace("{dist}", &dir.join("dist").display().to_string())
            .replace("{user}", &user)
            .into_bytes()
    };
    let mut out: Vec<(String, Vec<u8>)> = vec![
        ("mirrors.yaml".into(), fill(include_str!("init/mirrors.yaml"))),
        ("content/_index.md".into(), fill(include_str!("init/_index.md"))),
        (format!("content/{}.md", args.project), fill(include_str!("init/project.md"))),
        ("rsyncd.conf".into(), fill(include_str!("init/rsyncd.conf"))),
        ("deploy/closer.cron".into(), fill(include_str!("init/closer.cron"))),
        ("deploy/closer-build.service".into(), fill(include_str!("init/closer-build.service"))),
        ("deploy/closer-build.timer".into(), fill(include_str!("init/closer-build.timer"))),
        (".gitignore".into(), fill(include_str!("init/gitignore"))),
        // The CI job docs/ci.md describes, so its example workflow runs as written.
        ("tools/ci-site".into(), include_bytes!("../../tools/ci-site").to_vec()),
    ];
    out.extend(example_project(args)?);
    Ok(out)
}

/// The example project in the chosen layout: one release, signed with a key made for it
/// (written to `keys/`, outside the release tree).
fn example_project(args: &Args) -> Result<Vec<(String, Vec<u8>)>> {
    let p = &args.project;
    let key = pgp::generate_key(&format!(
        "{} release manager (example key made by closer init) <release-manager@example.org>",
        args.name
    ))?;
    let tar = example_tar(&format!("{p}-{VERSION}"))?;
    let tgz = gzip(&tar)?;
    let name = format!("{p}-{VERSION}.tar.gz");
    let sha512 = format!("{}  {name}\n", crate::util::text::hex(&sha2_512(&tgz)));
    let public = key.public_armored()?;
    // The site key signs the mirror lists, the release index and each SHA512SUMS, so
    // mirror-sync can check what it pulls (`--keyring`) from the first build on.
    let site = pgp::generate_key(&format!("{} site key (made by closer init) <site@example.org>", args.name))?;
    let mut out = vec![
        ("keys/example-release-key.asc".to_string(), key.secret_armored()?),
        ("keys/site-key.asc".to_string(), site.secret_armored()?),
    ];
    match args.layout {
        Layout::Apache => {
            let dir = format!("dist/{p}/{VERSION}");
            out.push((format!("dist/{p}/KEYS"), keys_file(&public)));
            out.push((format!("{dir}/{name}.asc"), key.sign_detached(&mut &tgz[..])?));
            out.push((format!("{dir}/{name}.sha512"), sha512.into_bytes()));
            out.push((format!("{dir}/{name}"), tgz));
        }
        Layout::Gnu => {
            out.push((format!("dist/{p}/{p}-keyring.gpg"), pgp::dearmor(&public)?));
            out.push((format!("dist/{p}/{name}.sig"), pgp::dearmor(&key.sign_detached(&mut &tgz[..])?)?));
            out.push((format!("dist/{p}/{name}"), tgz));
        }
        Layout::Kernel => {
            let dir = format!("dist/{p}/v1.x");
            out.push((format!("dist/{p}/KEYS"), keys_file(&public)));
            out.push((format!("{dir}/{p}-{VERSION}.tar.sign"), key.sign_detached(&mut &tar[..])?));
            out.push((format!("{dir}/sha256sums.asc"), key.clearsign(sha256_line(&tgz, &name).as_bytes())?));
            out.push((format!("{dir}/{name}"), tgz));
        }
    }
    Ok(out)
}

/// A KEYS file as Apache projects keep them: how to add a key, then the keys.
fn keys_file(public: &[u8]) -> Vec<u8> {
    let mut out = b"This file holds the public keys of the release managers who sign this project's\n\
        releases. The key below was made by `closer init` for the example release only:\n\
        replace it with yours (gpg --armor --export YOUR-FINGERPRINT >> KEYS).\n\n"
        .to_vec();
    out.extend_from_slice(public);
    out
}

/// A small source archive: one directory named after the release, with a README.
fn example_tar(root: &str) -> Result<Vec<u8>> {
    let readme = format!("{root}: an example release made by `closer init`.\n");
    let mut tar = Vec::new();
    tar.extend(tar_header(&format!("{root}/"), 0, b'5', 0o755));
    tar.extend(tar_header(&format!("{root}/README"), readme.len(), b'0', 0o644));
    tar.extend(readme.as_bytes());
    tar.resize(tar.len().div_ceil(512) * 512, 0);
    tar.resize(tar.len() + 1024, 0);
    Ok(tar)
}

/// A ustar header block (names under 100 bytes, fixed time, owner root).
fn tar_header(name: &str, size: usize, kind: u8, mode: u32) -> [u8; 512] {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name.as_bytes());
    let octal = |h: &mut [u8; 512], at: usize, width: usize, v: u64| {
        let s = format!("{v:0w$o}", w = width - 1);
        h[at..at + width - 1].copy_from_slice(s.as_bytes());
    };
    octal(&mut h, 100, 8, u64::from(mode));
    octal(&mut h, 108, 8, 0);
    octal(&mut h, 116, 8, 0);
    octal(&mut h, 124, 12, size as u64);
    octal(&mut h, 136, 12, 1_700_000_000);
    h[156] = kind;
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    let s = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(s.as_bytes());
    h
}

fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data)?;
    Ok(enc.finish()?)
}

fn sha2_512(data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha512::digest(data).to_vec()
}

/// `sha256sum`'s line for `name`.
fn sha256_line(data: &[u8], name: &str) -> String {
    use sha2::Digest;
    format!("{}  {name}\n", crate::util::text::hex(&sha2::Sha256::digest(data)))
}

/// The example key and the site key are secrets: readable by their owner only.
fn restrict(keys: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for path in [keys.to_path_buf(), keys.join("example-release-key.asc"), keys.join("site-key.asc")] {
        let mode = if path.is_dir() { 0o700 } else { 0o600 };
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot restrict `{}`", path.display()))?;
    }
    Ok(())
}

/// What `init` prints: what it made and the next commands.
fn next_steps(args: &Args) -> String {
    let d = args.dir.display();
    let layout = match args.layout {
        Layout::Apache => "apache: dist/<project>/<version>/ with KEYS",
        Layout::Gnu => "gnu: flat dist/<project>/<project>-<version>.tar.gz with a keyring and .sig",
        Layout::Kernel => "kernel: dist/<project>/v1.x/ with .tar.sign",
    };
    format!(
        "made a closer site in {d} ({layout}):\n  \
         mirrors.yaml   the registry: replace the example names and mirrors with yours\n  \
         dist/{p}/   the example project, signed with keys/example-release-key.asc\n  \
         keys/site-key.asc   the site key: signs the mirror lists and SHA512SUMS (keep it secret, back it up)\n  \
         content/       the pages' text\n  \
         rsyncd.conf    serves dist/ to the mirrors\n  \
         deploy/        a cron.d file and systemd units for `closer probe` + `closer build`\n\
         next:\n  \
         cd {d} && closer build   writes site/ and the mirror lists\n  \
         closer serve   previews the site at http://127.0.0.1:8000/\n\
         then replace the example project with yours and its key with your release managers' \
         (docs/release-managers.md), and delete keys/example-release-key.asc",
        p = args.project
    )
}
