//! What a project asks of each artifact's signatures, as its page says (`signatures:`,
//! its Sigstore signers, its minisign, cosign and SSH keys, `unsigned`): the artifacts'
//! checks and the signed lists' are both held against it.

use crate::model::signature::{MinisignKey, Require, Signer};

/// What a project asks of each artifact's signatures.
pub(super) struct Want<'a> {
    pub(super) require: Require,
    pub(super) signers: &'a [Signer],
    pub(super) keys: &'a [MinisignKey],
    /// Its cosign keys (`cosign:`), for lists signed with `cosign sign-blob --key`.
    pub(super) cosign: &'a [MinisignKey],
    /// Its SSH keys (`ssh:`), for what `ssh-keygen -Y sign` signed.
    pub(super) ssh: &'a [MinisignKey],
    /// The project publishes no signatures (`unsigned`): a missing one is fine.
    pub(super) unsigned: bool,
    /// The release is archived (`keep`): a signature too weak by today's rules is said,
    /// not held.
    pub(super) archived: bool,
}

impl Want<'_> {
    /// Does the page name keys of its own (minisign's, cosign's, SSH's)?
    pub(super) fn names_keys(&self) -> bool {
        !(self.keys.is_empty() && self.cosign.is_empty() && self.ssh.is_empty())
    }
}
