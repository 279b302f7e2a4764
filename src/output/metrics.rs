//! The Prometheus text exposition format (version 0.0.4), written by hand: families of
//! gauges with `# HELP` and `# TYPE`, label values escaped. Infrastructure teams scrape
//! `site/metrics` from the static site like any exporter; nothing here knows closer.

use std::fmt::Write as _;

/// One metric family being written: its samples follow its header.
pub struct Family<'a> {
    out: &'a mut String,
    name: &'static str,
}

/// A whole exposition, family by family.
#[derive(Default)]
pub struct Exposition {
    out: String,
}

impl Exposition {
    /// An exposition with room for `bytes` (room never written costs no memory, and a
    /// text of megabytes grown by doubling is held one and a half times at the last copy).
    pub fn with_capacity(bytes: usize) -> Exposition {
        Exposition { out: String::with_capacity(bytes) }
    }

    /// Starts a gauge family.
    pub fn gauge(&mut self, name: &'static str, help: &str) -> Family<'_> {
        let _ = writeln!(self.out, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(self.out, "# TYPE {name} gauge");
        Family { out: &mut self.out, name }
    }

    pub fn finish(self) -> String {
        self.out
    }
}

impl Family<'_> {
    /// A sample with labels (name, value), in the order given.
    pub fn sample(&mut self, labels: &[(&str, &str)], value: f64) -> &mut Self {
        self.out.push_str(self.name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{k}=\"{}\"", escape_label(v));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {}", number(value));
        self
    }
}

/// A sample value as Prometheus reads it: integers without a fraction, `NaN`, `+Inf`.
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf".into() } else { "-Inf".into() }
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Label values escape backslash, double quote and newline.
fn escape_label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Help text escapes backslash and newline.
fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_samples_and_escapes() {
        let mut e = Exposition::default();
        e.gauge("closer_mirror_up", "Answered the last probe.")
            .sample(&[("mirror", "a\"b\\c\nd")], 1.0)
            .sample(&[("mirror", "x"), ("continent", "EU")], 0.0);
        e.gauge("closer_share", "A share.").sample(&[], 0.25);
        assert_eq!(
            e.finish(),
            "# HELP closer_mirror_up Answered the last probe.\n# TYPE closer_mirror_up gauge\n\
             closer_mirror_up{mirror=\"a\\\"b\\\\c\\nd\"} 1\ncloser_mirror_up{mirror=\"x\",continent=\"EU\"} 0\n\
             # HELP closer_share A share.\n# TYPE closer_share gauge\ncloser_share 0.25\n"
        );
    }
}
