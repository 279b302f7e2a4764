//! Metalink 4 (RFC 5854) documents: one per artifact, so download managers such as
//! aria2c fetch from several mirrors at once and check the size and hashes themselves.
//! A format other tools read, so it is written by hand, exactly, with every text escaped.

use crate::util::text::{escape, rfc3339};

/// One place to download the file from.
#[derive(Debug, Clone)]
pub struct Url {
    pub url: String,
    /// ISO 3166-1 alpha-2 code, lower case.
    pub location: Option<String>,
    /// 1 is the most preferred.
    pub priority: u32,
}

/// What a Metalink says about a file.
pub struct File<'a> {
    pub name: &'a str,
    pub size: u64,
    pub sha256: &'a str,
    pub sha512: &'a str,
    /// The ASCII-armored detached signature.
    pub signature: Option<&'a str>,
    pub urls: &'a [Url],
    pub published: i64,
}

/// The `.meta4` document.
pub fn metalink(f: &File) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\">\n");
    x.push_str(&format!("  <generator>closer/{}</generator>\n", env!("CARGO_PKG_VERSION")));
    x.push_str(&format!("  <published>{}</published>\n", rfc3339(f.published)));
    x.push_str(&format!("  <file name=\"{}\">\n", escape(f.name)));
    x.push_str(&format!("    <size>{}</size>\n", f.size));
    x.push_str(&format!("    <hash type=\"sha-256\">{}</hash>\n", f.sha256));
    x.push_str(&format!("    <hash type=\"sha-512\">{}</hash>\n", f.sha512));
    if let Some(sig) = f.signature {
        x.push_str(&format!("    <signature mediatype=\"application/pgp-signature\">{}</signature>\n", escape(sig)));
    }
    for u in f.urls {
        let loc = u.location.as_deref().map(|l| format!(" location=\"{}\"", escape(l))).unwrap_or_default();
        x.push_str(&format!("    <url{loc} priority=\"{}\">{}</url>\n", u.priority, escape(&u.url)));
    }
    x.push_str("  </file>\n</metalink>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_orders() {
        let urls = [
            Url { url: "https://m.example/a&b".into(), location: Some("de".into()), priority: 1 },
            Url { url: "https://p.example/x".into(), location: None, priority: 100 },
        ];
        let x = metalink(&File {
            name: "a<b>.tgz",
            size: 3,
            sha256: "ab",
            sha512: "cd",
            signature: Some("-----BEGIN PGP SIGNATURE-----"),
            urls: &urls,
            published: 0,
        });
        assert!(x.contains("<file name=\"a&lt;b&gt;.tgz\">"));
        assert!(x.contains("<url location=\"de\" priority=\"1\">https://m.example/a&amp;b</url>"));
        assert!(x.contains("<url priority=\"100\">https://p.example/x</url>"));
        assert!(x.contains("<published>1970-01-01T00:00:00Z</published>"));
    }
}
