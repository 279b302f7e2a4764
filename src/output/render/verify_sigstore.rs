//! The verify lines of a file signed with Sigstore: sigstore-python's and cosign's, and
//! GitHub's and PyPI's own tools for their attestations. The tools trust the public
//! Sigstore instance; a root the registry pins for another one (staging, a private
//! instance) is published on the site as `sigstore-root.json` and named in the lines, so
//! that they pass as printed.

use super::list_lines::{base, curl};
use crate::check::sigstore::Instance;
use crate::model::tree::Artifact;
use crate::util::text::{shell_file, shell_quote};

/// Where the site publishes a root that is not the public instance's.
pub const ROOT_FILE: &str = "sigstore-root.json";

/// The `OWNER/REPO` of a GitHub workflow's identity
/// (`https://github.com/llvm/llvm-project/.github/workflows/release-binaries.yml@refs/tags/llvmorg-19.1.5`).
fn github_repo(identity: &str) -> Option<String> {
    let mut parts = identity.strip_prefix("https://github.com/")?.split('/');
    let (owner, repo) = (parts.next()?, parts.next()?);
    (!owner.is_empty() && !repo.is_empty()).then(|| format!("{owner}/{repo}"))
}

/// Fetch the bundle (or cosign's pair) from the primary and verify it for `identity`
/// through `issuer`: with sigstore-python, or with cosign (offline, from the bundle);
/// against the instance the registry's root trusts (`None`: no root, the public one).
pub(super) fn commands(
    dist: &str,
    site: &str,
    instance: Option<Instance>,
    a: &Artifact,
    (identity, issuer): (&str, &str),
) -> Option<String> {
    use crate::check::sigstore::{Form, files_of};
    let (form, files) = files_of(a)?;
    let name = shell_file(base(a.name()));
    let (id, iss) = (shell_quote(identity), shell_quote(issuer));
    let mut lines: Vec<String> = files.iter().map(|f| curl(dist, &f.rel)).collect();
    let first = shell_file(base(&files[0].rel));
    // Another instance's root: fetched from the site, and named to cosign.
    let root = match instance {
        Some(Instance::Staging | Instance::Private) => format!(" --trusted-root {ROOT_FILE}"),
        _ => String::new(),
    };
    match form {
        // PyPI's attestation: its own tool reads it (sigstore's does not).
        Form::Bundle if files[0].rel.ends_with(crate::model::tree::PEP740_EXT) => {
            lines.push(format!("python3 -m pypi_attestations verify attestation --identity {id} {name}"))
        }
        // GitHub's attestations: its own tool reads them, for the repository the
        // workflow is in.
        Form::Bundle
            if files[0].rel.ends_with(crate::model::tree::ATTESTATIONS_EXT)
                && let Some(repo) = github_repo(identity) =>
        {
            lines.push(format!(
                "gh attestation verify {name} --bundle {first} --repo {} --cert-identity {id} --cert-oidc-issuer {iss}",
                shell_quote(&repo)
            ));
        }
        Form::Bundle => {
            let cosign = format!(
                "cosign verify-blob{root} --offline --bundle {first} --certificate-identity {id} --certificate-oidc-issuer {iss} {name}"
            );
            let python = |flag: &str| {
                format!(
                    "python3 -m sigstore{flag} verify identity --offline --bundle {first} --cert-identity {id} --cert-oidc-issuer {iss} {name}"
                )
            };
            match instance {
                // (sigstore-python takes a private instance's root only inside a client
                // trust config, which closer does not have: cosign's line alone.)
                Some(Instance::Private) => {
                    lines.push(curl(site, ROOT_FILE));
                    lines.push(cosign);
                }
                Some(Instance::Staging) => {
                    lines.push(python(" --staging"));
                    lines.push(format!("# or: {} && {cosign}", curl(site, ROOT_FILE)));
                }
                _ => {
                    lines.push(python(""));
                    lines.push(format!("# or: {cosign}"));
                }
            }
        }
        Form::Pair => {
            if !root.is_empty() {
                lines.push(curl(site, ROOT_FILE));
            }
            lines.push(format!(
                "cosign verify-blob{root} --signature {first} --certificate {} --certificate-identity {id} --certificate-oidc-issuer {iss} {name}",
                shell_file(base(&files[1].rel))
            ));
        }
    }
    Some(lines.join("\n"))
}
