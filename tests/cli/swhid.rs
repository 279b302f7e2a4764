//! Does the tarball match the tag? SWHIDs of source archives checked against git itself,
//! siblings that must agree, and a tag compared file by file: an injected m4 file (the
//! xz-utils backdoor's shape), a modified file and a missing one are each named; a
//! generated `configure` the project lists is accepted with its reason.

use crate::util::{Fixture, Run};
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.email=rm@example.org", "-c", "user.name=RM", "-c", "init.defaultBranch=main"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn sh(dir: &Path, script: &str) {
    let out = Command::new("sh").arg("-c").arg(script).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A fixture with project `tool` whose repository `git/tool` (beside the registry) has
/// tag v1.0: an executable, a symlink, a non-ASCII name, nested directories. Its 1.0
/// release holds `git archive` of the tag as .tar.gz, .tar.xz and .zip.
fn tool() -> Fixture {
    let f = Fixture::new();
    let repo = f.path("git/tool");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    f.write("git/tool/src/main.c", "int main(void) { return 0; }\n");
    f.write("git/tool/m4/ax_check.m4", "dnl a macro\n");
    f.write("git/tool/naïve café.txt", "non-ASCII\n");
    f.write("git/tool/build.sh", "#!/bin/sh\necho build\n");
    sh(&repo, "chmod +x build.sh && ln -s src/main.c main.c");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "1.0"]);
    git(&repo, &["tag", "v1.0"]);
    let dist = f.path("dist/tool/1.0");
    std::fs::create_dir_all(&dist).unwrap();
    let d = dist.display();
    sh(
        &repo,
        &format!(
            "git archive --prefix=tool-1.0/ -o {d}/tool-1.0.tar.gz v1.0 && git archive --prefix=tool-1.0/ v1.0 | xz > {d}/tool-1.0.tar.xz \
             && git archive --prefix=tool-1.0/ -o {d}/tool-1.0.zip v1.0"
        ),
    );
    f.write(
        "content/tool.md",
        "---\ntitle: Tool\nunsigned: \"checked against its tag\"\nsource:\n  repository: git/tool\n  tag: \"v{version}\"\n  generated:\n    - path: configure\n      why: autoconf output, made by make dist\n---\n",
    );
    f
}

fn problems(run: &Run) -> String {
    assert_eq!(run.code, 1, "expected problems\nstdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    run.stderr.clone()
}

/// The tool's files in `closer releases --json`, by name: (swhid_dir, swhid_cnt).
fn swhids(f: &Fixture) -> std::collections::BTreeMap<String, (String, String)> {
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let tool = json.as_array().unwrap().iter().find(|p| p["project"] == "tool").unwrap();
    tool["lines"][0]["releases"][0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["swhid_dir"].is_string())
        .map(|f| {
            let name = f["path"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
            (name, (f["swhid_dir"].as_str().unwrap().into(), f["swhid_cnt"].as_str().unwrap().into()))
        })
        .collect()
}

#[test]
fn git_archives_have_the_tags_tree_as_their_swhid() {
    let f = tool();
    let repo = f.path("git/tool");
    let tree = git(&repo, &["rev-parse", "v1.0^{tree}"]);
    let ids = swhids(&f);
    assert_eq!(ids.len(), 3, "{ids:?}");
    for (name, (dir, cnt)) in &ids {
        assert_eq!(dir, &format!("swh:1:dir:{tree}"), "{name}");
        let blob = git(&repo, &["hash-object", f.path(&format!("dist/tool/1.0/{name}")).to_str().unwrap()]);
        assert_eq!(cnt, &format!("swh:1:cnt:{blob}"), "{name}");
    }
    let run = f.closer(&["build"]);
    run.ok();
    let page = f.read("site/tool/1.0/index.html");
    assert!(page.contains("Source tree: matches tag v1.0"), "{page}");
    assert!(page.contains(&format!("https://archive.softwareheritage.org/swh:1:dir:{tree}")), "{page}");
    // Scripts read it from the site too.
    let json: serde_json::Value = serde_json::from_str(&f.read("site/releases.json")).unwrap();
    let text = json.to_string();
    assert!(text.contains(&format!("\"swhid\":\"swh:1:dir:{tree}\"")) && text.contains("\"tag\":\"v1.0\""), "{text}");
    // Cached like the digests: an unchanged archive is not read again.
    let again = f.closer(&["build", "--stats"]);
    again.ok();
    assert_eq!(again.stat("hashed_files"), "0");
}

/// Unpacks the release's tar.gz, lets `change` edit the tree, packs it again.
fn repack(f: &Fixture, change: &str) {
    let dist = f.path("dist/tool/1.0");
    sh(
        &dist,
        &format!(
            "rm -rf x && mkdir x && tar -xzf tool-1.0.tar.gz -C x && (cd x/tool-1.0 && {change}) && tar -C x -czf tool-1.0.tar.gz tool-1.0 && rm -rf x"
        ),
    );
}

#[test]
fn an_injected_modified_or_missing_file_is_named() {
    for (change, what) in [
        ("printf 'evil\\n' > m4/build-to-host.m4", "m4/build-to-host.m4 is in tool-1.0.tar.gz but not in tag v1.0"),
        ("echo '/* patched */' >> src/main.c", "src/main.c differs between tool-1.0.tar.gz and tag v1.0"),
        ("rm build.sh", "build.sh is in tag v1.0 but not in tool-1.0.tar.gz"),
        ("chmod -x build.sh", "build.sh is a file in tool-1.0.tar.gz and an executable in tag v1.0"),
    ] {
        let f = tool();
        repack(&f, change);
        let err = problems(&f.closer(&["check"]));
        assert!(err.contains(&format!("release tool 1.0: {what}")), "{change}:\n{err}");
        assert!(err.contains("git archive --prefix=tool-1.0/ v1.0"), "{err}");
        // Its siblings disagree with it too, and the odd one out is the one named.
        assert!(err.contains("tool-1.0.tar.xz and tool-1.0.tar.gz should hold the same sources"), "{err}");
    }
}

#[test]
fn a_generated_file_the_project_lists_is_accepted_with_its_reason() {
    let f = tool();
    repack(&f, "printf '#!/bin/sh\\n' > configure");
    // Only the tarball is made by `make dist`: its siblings are the tag's.
    for other in ["tool-1.0.tar.xz", "tool-1.0.zip"] {
        std::fs::remove_file(f.path(&format!("dist/tool/1.0/{other}"))).unwrap();
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/tool/1.0/index.html");
    assert!(page.contains("matches tag v1.0"), "{page}");
    assert!(
        page.contains("besides what the release process made: configure (autoconf output, made by make dist)"),
        "{page}"
    );
    // Not listed: a problem.
    f.write("content/tool.md", &f.read("content/tool.md").replace("path: configure", "path: Makefile.in"));
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("configure is in tool-1.0.tar.gz but not in tag v1.0"), "{err}");
}

#[test]
fn a_zip_whose_tree_differs_from_its_tarball_is_caught() {
    let f = tool();
    let dist = f.path("dist/tool/1.0");
    sh(
        &dist,
        "rm -rf x && mkdir x && cd x && unzip -q ../tool-1.0.zip && echo extra > tool-1.0/EXTRA && rm ../tool-1.0.zip && zip -qry ../tool-1.0.zip tool-1.0 && cd .. && rm -rf x",
    );
    // No repository named: the siblings alone tell.
    f.write("content/tool.md", "---\ntitle: Tool\nunsigned: \"test\"\n---\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("tool-1.0.tar.gz and tool-1.0.zip should hold the same sources, but EXTRA is in tool-1.0.zip but not in tool-1.0.tar.gz"), "{err}");
    // A tag that is not there: said, with the fix.
    f.write(
        "content/tool.md",
        "---\ntitle: Tool\nunsigned: \"test\"\nsource:\n  repository: git/tool\n  tag: \"release-{version}\"\n---\n",
    );
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("cannot compare tool-1.0.tar.gz with tag release-1.0"), "{err}");
}

/// A zip made on a Mac (Finder's `__MACOSX/` and `._` resource forks) and a tarball with
/// them (bsdtar without `COPYFILE_DISABLE`): the difference was said with the fix for
/// two different trees; it names the archive holding them and how to make it without.
#[test]
fn macos_resource_forks_in_an_archive_are_named_with_how_to_leave_them_out() {
    let f = tool();
    let dist = f.path("dist/tool/1.0");
    sh(
        &dist,
        "rm -rf x && mkdir x && cd x && unzip -q ../tool-1.0.zip && mkdir -p __MACOSX/tool-1.0 && echo fork > __MACOSX/tool-1.0/._build.sh \
         && rm ../tool-1.0.zip && zip -qry ../tool-1.0.zip tool-1.0 __MACOSX && cd .. && rm -rf x",
    );
    f.write("content/tool.md", "---\ntitle: Tool\nunsigned: \"test\"\n---\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("tool-1.0.zip holds macOS's resource forks"), "{err}");
    assert!(err.contains("COPYFILE_DISABLE=1"), "{err}");
}

/// Archives of one name that are builds, not sources: nginx's `nginx-1.27.3.zip` (its
/// Windows build, `nginx.exe` in it) beside the source tarball, and Thunderbird's
/// `tb-1.0.tar.bz2` in a folder per machine and language. Neither is a sibling to
/// compare ("should hold the same sources" held the project back).
#[test]
fn builds_of_one_name_are_not_sources_to_compare() {
    let f = tool();
    let dist = f.path("dist/tool/1.0");
    sh(
        &dist,
        "rm -rf x && mkdir x && cd x && unzip -q ../tool-1.0.zip && echo MZ > tool-1.0/tool.exe && rm ../tool-1.0.zip \
         && zip -qry ../tool-1.0.zip tool-1.0 && cd .. && rm -rf x \
         && for l in de en-US; do mkdir -p linux-x86_64/$l && mkdir -p y/tool-1.0 && echo $l > y/tool-1.0/$l.txt \
            && tar -C y -cjf linux-x86_64/$l/tool-1.0.tar.bz2 tool-1.0 && rm -rf y; done",
    );
    f.write("content/tool.md", "---\ntitle: Tool\nunsigned: \"test\"\n---\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Tags as real projects name them: curl's `curl-8_11_0` (`{version_}`), and a list
/// tried in order for a project that renamed its tags (OpenSSL's `OpenSSL_1_1_1w`, then
/// `openssl-3.0.0`). A pattern that cannot name a release's tag is refused where it is
/// written.
#[test]
fn tag_patterns_name_underscored_and_renamed_tags() {
    let f = tool();
    let repo = f.path("git/tool");
    git(&repo, &["tag", "tool-1_0", "v1.0"]);
    let page = "---\ntitle: Tool\nunsigned: \"test\"\nsource:\n  repository: git/tool\n  tag: [\"release-{version}\", \"tool-{version_}\"]\n---\n";
    f.write("content/tool.md", page);
    f.closer(&["build"]).ok();
    let html = f.read("site/tool/1.0/index.html");
    assert!(html.contains("matches tag tool-1_0"), "{html}");
    // Neither there: both named.
    git(&repo, &["tag", "-d", "tool-1_0"]);
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("has no tag release-1.0 nor tool-1_0"), "{err}");
    // A pattern without the version names one tag for every release: refused, with the line.
    f.write("content/tool.md", &page.replace("[\"release-{version}\", \"tool-{version_}\"]", "latest"));
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("content/tool.md:") && err.contains("tag pattern `latest` must hold {version}"), "{err}");
}

/// Every compression publishers use for source tarballs, long and short names: GNU's
/// lzip (`.tar.lz`: GMP, binutils), the legacy `.tar.lzma`, zstd, bzip2, and `.tgz`,
/// `.txz`, `.tbz2`: each is read to the tag's tree.
#[test]
fn every_tar_compression_has_the_tags_swhid() {
    let f = tool();
    let repo = f.path("git/tool");
    let d = f.path("dist/tool/1.0");
    let d = d.display();
    let a = "git archive --prefix=tool-1.0/ v1.0";
    sh(
        &repo,
        &format!(
            "{a} | lzip -c > {d}/tool-1.0.tar.lz && {a} | xz --format=lzma > {d}/tool-1.0.tar.lzma && {a} | zstd -q > {d}/tool-1.0.tar.zst \
             && {a} | bzip2 > {d}/tool-1.0.tbz2 && {a} | gzip -n > {d}/tool-1.0.tgz && {a} | xz > {d}/tool-1.0.txz"
        ),
    );
    let tree = git(&repo, &["rev-parse", "v1.0^{tree}"]);
    let ids = swhids(&f);
    for name in ["tar.lz", "tar.lzma", "tar.zst", "tbz2", "tgz", "txz", "tar.gz", "tar.xz", "zip"] {
        let (dir, _) = ids.get(&format!("tool-1.0.{name}")).unwrap_or_else(|| panic!("{name}: {ids:?}"));
        assert_eq!(dir, &format!("swh:1:dir:{tree}"), "{name}");
    }
    // Siblings of every compression agree, or the odd one out is named.
    sh(
        &repo,
        &format!(
            "echo extra > EXTRA && git add EXTRA && git archive --prefix=tool-1.0/ $(git write-tree) | lzip -c > {d}/tool-1.0.tar.lz && git rm -q --cached EXTRA && rm EXTRA"
        ),
    );
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("EXTRA is in tool-1.0.tar.lz but not in"), "{err}");
    // A truncated lzip file is not read as a shorter tree: it has no SWHID of its tree.
    let lz = f.path("dist/tool/1.0/tool-1.0.tar.lz");
    let bytes = std::fs::read(&lz).unwrap();
    std::fs::write(&lz, &bytes[..bytes.len() / 2]).unwrap();
    let ids = swhids(&f);
    assert!(!ids.contains_key("tool-1.0.tar.lz") && ids.len() == 8, "{ids:?}");
}

/// `.gitattributes`: `export-ignore` leaves a file out of `git archive`, `export-subst`
/// fills in placeholders. A tarball made by `git archive` matches its tag, though its
/// tree is no longer the tag's tree object.
#[test]
fn export_ignore_and_export_subst_are_honoured() {
    let f = tool();
    let repo = f.path("git/tool");
    f.write("git/tool/.gitattributes", ".github export-ignore\nVERSION export-subst\n");
    f.write("git/tool/.github/ci.yml", "on: push\n");
    f.write("git/tool/VERSION", "$Format:%H$\n");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "1.1"]);
    git(&repo, &["tag", "v1.1"]);
    let dist = f.path("dist/tool/1.1");
    std::fs::create_dir_all(&dist).unwrap();
    sh(&repo, &format!("git archive --prefix=tool-1.1/ -o {}/tool-1.1.tar.gz v1.1", dist.display()));
    let run = f.closer(&["build"]);
    run.ok();
    let page = f.read("site/tool/1.1/index.html");
    assert!(page.contains("matches tag v1.1"), "{page}");
    assert!(!page.contains(&git(&repo, &["rev-parse", "v1.1^{tree}"])), "the tag's own tree holds .github/");
}

/// The Software Heritage reference tool, `swh identify` (PyPI `swh.model`), installed
/// for this test only, in a virtualenv under the target directory.
fn swh_identify() -> std::path::PathBuf {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("swh-venv");
    let tool = venv.join("bin/swh.identify");
    if !tool.exists() {
        let _ = std::fs::remove_dir_all(&venv);
        sh(
            Path::new("."),
            &format!("python3 -m venv {v} && {v}/bin/pip install -q 'swh.model[cli]'", v = venv.display()),
        );
    }
    tool
}

/// A dozen archives of trees with executables, symbolic links (one dangling), empty
/// directories, hard links and non-ASCII names, as tar.gz, tar.xz, tar.bz2, tar.zst
/// and zip: closer's `swh:1:dir` of each is what `swh identify` says of the directory
/// it unpacks to.
#[test]
fn the_reference_tool_agrees_on_a_dozen_archives() {
    let identify = swh_identify();
    let f = Fixture::new();
    let work = f.path("work");
    std::fs::create_dir_all(&work).unwrap();
    let forms = ["tar.gz", "tar.xz", "tar.bz2", "tar.zst", "zip"];
    for i in 0..12 {
        let top = format!("t{i}-1.0");
        let d = work.join(&top);
        let script = format!(
            "mkdir -p {top}/src/deep/er {top}/empty{i} && printf 'file %s\\n' {i} > {top}/README && \
             printf 'x' > {top}/src/deep/er/leaf.c && printf '#!/bin/sh\\n' > {top}/run{i}.sh && chmod 755 {top}/run{i}.sh && \
             ln -s src/deep {top}/link && ln -s missing-{i} {top}/dangling && printf 'ünïcödé %s\\n' {i} > '{top}/ünï café {i}.txt' && \
             ln {top}/README {top}/HARDLINK && printf '' > {top}/zero && mkdir -p {top}/.hidden && printf 'h' > {top}/.hidden/x"
        );
        sh(&work, &script);
        let form = forms[i % forms.len()];
        let name = format!("{top}.{form}");
        let make = match form {
            "zip" => format!("zip -qry {name} {top}"),
            "tar.gz" => format!("tar -czf {name} {top}"),
            "tar.xz" => format!("tar -cJf {name} {top}"),
            "tar.bz2" => format!("tar -cjf {name} {top}"),
            _ => format!("tar -cf - {top} | zstd -q -o {name}"),
        };
        sh(&work, &make);
        let out = Command::new(&identify).args(["--type", "directory", "--no-filename"]).arg(&d).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let reference = String::from_utf8(out.stdout).unwrap().trim().to_string();
        std::fs::create_dir_all(f.path(&format!("dist/t{i}/1.0"))).unwrap();
        std::fs::rename(work.join(&name), f.path(&format!("dist/t{i}/1.0/{name}"))).unwrap();
        f.write(&format!("content/t{i}.md"), "---\ntitle: T\nunsigned: \"test\"\n---\n");
        let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
        let project = json.as_array().unwrap().iter().find(|p| p["project"] == format!("t{i}")).unwrap();
        let file = &project["lines"][0]["releases"][0]["files"][0];
        assert_eq!(file["swhid_dir"].as_str(), Some(reference.as_str()), "{name}: {file}");
        assert!(reference.starts_with("swh:1:dir:"), "{reference}");
    }
}
