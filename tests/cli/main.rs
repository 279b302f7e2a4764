//! The integration tests: one binary that drives the real `closer` on fixture trees,
//! with the real tools (sha512sum, gpg, rsync, a browser) where a feature meets them.

mod axe;
mod bad_input;
mod browser;
mod build;
mod capacity;
mod downloads;
mod faults;
mod forms;
mod fuzz_corpus;
mod gpg;
mod http;
mod incremental;
mod kernel;
mod layout;
mod lists;
mod logos;
mod metalink;
mod metrics;
mod mirror;
mod mirror_faults;
mod mixed;
mod netsim;
mod probe;
mod publish;
mod push;
mod rollback;
mod scale;
mod secure;
mod selection;
mod serve;
mod signatures;
mod torrent;
mod util;
mod webdriver;
