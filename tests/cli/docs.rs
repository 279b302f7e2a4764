//! The reference tables in docs/ come from the code, where the code is the truth: every
//! registry key from the serde types `mirrors.yaml` is read into (with their doc
//! comments), every command and flag from clap. This test makes them again and fails
//! when the docs drift; `CLOSER_BLESS=1 cargo test --test cli docs` writes them.

use crate::util::repo;
use clap::CommandFactory;

/// The raw registry types, in the order the table lists them, with the key path each
/// one's fields sit under.
const SECTIONS: [(&str, &str, &str); 7] = [
    ("src/input/registry/raw.rs", "RawRegistry", ""),
    ("src/input/registry/raw.rs", "RawPrimary", "primary."),
    ("src/input/registry/raw.rs", "RawArchive", "archive."),
    ("src/input/registry/raw.rs", "RawPolicy", "policy."),
    ("src/input/layout.rs", "RawRule", "policy.layout[]."),
    ("src/input/registry/raw.rs", "RawMirror", "mirrors[]."),
    ("src/input/registry/raw.rs", "RawUrls", "mirrors[].urls."),
];

/// A Rust field type as the table names it.
fn kind(ty: &str) -> &'static str {
    let inner = ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')).unwrap_or(ty);
    match inner {
        "String" => "text",
        "u32" | "u64" => "whole number",
        "f64" => "number",
        "bool" => "`true` / `false`",
        "Vec<String>" => "list of text",
        "Percent" => "percentage",
        "Profile>" => "name",
        t if t.starts_with("Vec<") => "list",
        _ => "section",
    }
}

/// One struct's fields: (name, type, required, doc).
fn fields(source: &str, name: &str) -> Vec<(String, String, bool, String)> {
    let start = source.find(&format!("struct {name} {{")).unwrap_or_else(|| panic!("no struct {name}"));
    let attrs = &source[..start];
    let struct_default = attrs.rsplit("#[derive").next().unwrap_or("").contains("default)]");
    let body = &source[start..];
    let body = &body[..body.find("\n}").unwrap()];
    let (mut out, mut doc, mut field_default) = (Vec::new(), Vec::new(), false);
    for line in body.lines().skip(1).map(str::trim) {
        if let Some(d) = line.strip_prefix("///") {
            doc.push(d.trim().to_string());
        } else if line.starts_with("#[serde(default") {
            field_default = true;
        } else if let Some(rest) = line.strip_prefix("pub(super) ").or_else(|| line.strip_prefix("pub ")) {
            let (key, ty) = rest.split_once(": ").unwrap();
            let ty = ty.trim_end_matches(',').rsplit("::").next().unwrap().to_string();
            let ty = if ty.ends_with("RawRule>") { "Vec<RawRule>".to_string() } else { ty };
            let required = !ty.starts_with("Option<") && !field_default && !struct_default;
            assert!(!doc.is_empty(), "{name}.{key} has no doc comment: the registry reference is made from them");
            out.push((key.to_string(), ty, required, doc.join(" ")));
            doc.clear();
            field_default = false;
        }
    }
    out
}

fn registry_table() -> String {
    let mut s = String::from("| key | required | takes | what it is |\n|---|---|---|---|\n");
    for (file, name, prefix) in SECTIONS {
        let source = std::fs::read_to_string(repo().join(file)).unwrap();
        for (key, ty, required, doc) in fields(&source, name) {
            let required = if required { "**yes**" } else { "" };
            s.push_str(&format!("| `{prefix}{key}` | {required} | {} | {} |\n", kind(&ty), doc.replace('|', "\\|")));
        }
    }
    s
}

fn commands_table() -> String {
    let cli = closer::commands::Cli::command();
    let mut s = String::new();
    for sub in cli.get_subcommands().filter(|c| c.get_name() != "help") {
        s.push_str(&format!(
            "### `closer {}`\n\n{}\n\n",
            sub.get_name(),
            sub.get_about().map(|a| a.to_string()).unwrap_or_default()
        ));
        let own: Vec<_> = sub.get_arguments().filter(|a| !a.is_global_set() && a.get_id() != "help").collect();
        if own.is_empty() {
            s.push_str("No flags of its own.\n\n");
            continue;
        }
        s.push_str("| argument | what it does |\n|---|---|\n");
        for a in own {
            let name = match (a.get_long(), a.get_value_names()) {
                (Some(l), Some(v)) if a.get_action().takes_values() => format!("--{l} {}", v.join(" ")),
                (Some(l), _) => format!("--{l}"),
                (None, v) => v.map(|v| v.join(" ")).unwrap_or_else(|| a.get_id().to_string().to_uppercase()),
            };
            let help = a.get_help().map(|h| h.to_string()).unwrap_or_default().replace('\n', " ").replace('|', "\\|");
            let default: Vec<String> =
                a.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
            let default =
                if default.is_empty() { String::new() } else { format!(" [default: {}]", default.join(", ")) };
            s.push_str(&format!("| `{name}` | {help}{default} |\n"));
        }
        s.push('\n');
    }
    let globals: Vec<_> = cli.get_arguments().filter(|a| a.get_id() != "help" && a.get_id() != "version").collect();
    s.push_str("### Global options (every command)\n\n| option | what it does |\n|---|---|\n");
    for a in globals {
        let name = match (a.get_long(), a.get_value_names()) {
            (Some(l), Some(v)) if a.get_action().takes_values() => format!("--{l} {}", v.join(" ")),
            (Some(l), _) => format!("--{l}"),
            _ => a.get_id().to_string(),
        };
        let help = a.get_help().map(|h| h.to_string()).unwrap_or_default().replace('\n', " ");
        let default: Vec<String> = a.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
        let default = if default.is_empty() { String::new() } else { format!(" [default: {}]", default.join(", ")) };
        s.push_str(&format!("| `{name}` | {help}{default} |\n"));
    }
    s
}

/// Puts `table` between the markers named `what` in `file`, or checks that it is there.
fn check_or_bless(file: &str, what: &str, table: &str) {
    let path = repo().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let (open, close) = (format!("<!-- generated: {what} -->\n"), "<!-- end generated -->");
    let start = text.find(&open).unwrap_or_else(|| panic!("{file} lacks the marker {open}")) + open.len();
    let end = start + text[start..].find(close).unwrap_or_else(|| panic!("{file} lacks {close}"));
    let want = format!("\n{table}\n");
    if text[start..end] == want {
        return;
    }
    if std::env::var_os("CLOSER_BLESS").is_some() {
        std::fs::write(&path, format!("{}{want}{}", &text[..start], &text[end..])).unwrap();
        return;
    }
    panic!("{file}: the {what} table is out of date with the code; run CLOSER_BLESS=1 cargo test --test cli docs");
}

#[test]
fn the_reference_tables_match_the_code() {
    check_or_bless("docs/reference/registry.md", "registry keys", &registry_table());
    check_or_bless("docs/reference/commands.md", "commands", &commands_table());
}

#[test]
fn every_registry_key_is_in_the_table_and_the_init_registry_has_the_required_ones() {
    let table = registry_table();
    for key in [
        "`primary.site_url` | **yes**",
        "`archive.url` | **yes**",
        "`mirrors[].urls.rsync` |",
        "`policy.layout[].path` | **yes**",
    ] {
        assert!(table.contains(key), "{key} missing from\n{table}");
    }
    let init = std::fs::read_to_string(repo().join("src/commands/init/mirrors.yaml")).unwrap();
    for line in table.lines().filter(|l| l.contains("**yes**")) {
        let key = line.split('`').nth(1).unwrap();
        // Keys of optional sections (a layout rule) are required only within them.
        if key.starts_with("policy.layout") {
            continue;
        }
        let last = key.rsplit('.').next().unwrap();
        assert!(init.contains(&format!("{last}:")), "closer init's registry lacks the required `{key}`");
    }
}
