//! The templates and static assets: the defaults embedded in the binary, overridden by
//! same-named files in `templates/`. Errors name the template and the line.

use anyhow::{Context as _, Result, anyhow};
use std::collections::BTreeMap;
use std::path::Path;
use tera::Tera;

/// The default templates and assets, embedded so the binary works on its own.
const DEFAULTS: &[(&str, &str)] = &[
    ("base.html", include_str!("default_templates/base.html")),
    ("index.html", include_str!("default_templates/index.html")),
    ("project.html", include_str!("default_templates/project.html")),
    ("release.html", include_str!("default_templates/release.html")),
    ("mirrors.html", include_str!("default_templates/mirrors.html")),
    ("mirror.html", include_str!("default_templates/mirror.html")),
    ("moved.html", include_str!("default_templates/moved.html")),
    ("archived.html", include_str!("default_templates/archived.html")),
    ("artifacts.html", include_str!("default_templates/artifacts.html")),
    ("mirror_table.html", include_str!("default_templates/mirror_table.html")),
    ("feed.xml", include_str!("default_templates/feed.xml")),
    ("style.css", include_str!("default_templates/style.css")),
    ("closer.js", include_str!("default_templates/closer.js")),
    ("mirrors.js", include_str!("default_templates/mirrors.js")),
    ("page.js", include_str!("default_templates/page.js")),
    ("zones.js", include_str!("default_templates/zones.js")),
];
/// Compiled templates and the static assets.
pub struct Templates {
    pub(super) tera: Tera,
    pub(super) assets: BTreeMap<String, Vec<u8>>,
}
/// Loads the embedded templates, overridden by same-named files in `dir`; other `.html`
/// files in `dir` are added (for includes). Errors name the template and the line.
pub fn load_templates(dir: Option<&Path>) -> Result<Templates> {
    let mut sources: BTreeMap<String, String> = DEFAULTS.iter().map(|(n, s)| (n.to_string(), s.to_string())).collect();
    if let Some(dir) = dir.filter(|d| d.exists()) {
        for entry in
            std::fs::read_dir(dir).with_context(|| format!("cannot read templates directory `{}`", dir.display()))?
        {
            let entry = entry.with_context(|| format!("cannot read templates directory `{}`", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !(name.ends_with(".html") || name.ends_with(".css") || name.ends_with(".xml") || name.ends_with(".js")) {
                continue;
            }
            sources.insert(name, crate::util::fs::read_to_string(&entry.path())?);
        }
    }
    let mut assets = BTreeMap::new();
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    let mut pages = Vec::new();
    for (name, src) in sources {
        // Stylesheets and scripts are copied as they are; the rest are templates.
        if name.ends_with(".css") || name.ends_with(".js") {
            assets.insert(name, src.into_bytes());
        } else {
            pages.push((name, src));
        }
    }
    tera.add_raw_templates(pages.iter().map(|(n, s)| (n.as_str(), s.as_str()))).map_err(|e| {
        anyhow!(
            "template error{}: {}",
            dir.map(|d| format!(" (templates in `{}`)", d.display())).unwrap_or_default(),
            tera_error(&e)
        )
    })?;
    Ok(Templates { tera, assets })
}
pub(super) fn tera_error(e: &tera::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(cause) = src {
        s.push_str(&format!("\n  caused by: {cause}"));
        src = cause.source();
    }
    s
}
