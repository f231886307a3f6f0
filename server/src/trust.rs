//! The trust gate: the one way to start a process, and the proof every AWS call needs.
//!
//! A repository may be written by an attacker, and people open pull requests, forks and
//! samples they have not read. So nothing that runs code or speaks for the user happens on the
//! strength of a repository's files: `cdk synth` runs the app's own code, `synth.command` names
//! any program, git runs the programs a repository's config names (it is hardened as well, see
//! `git/run.rs`), and the bootstrap probe calls AWS with the user's credentials into accounts
//! the code names (their owner would see the user's identity in CloudTrail).
//!
//! [`Trusted`] is a proof that the user trusts the workspace: it cannot be made except by
//! [`Trusted::by_user`] (the command line: the user typed the command) and
//! [`Trusted::granted_by_client`] (the language server, after the editor said the workspace is
//! trusted). Starting a process takes one ([`command`], [`async_command`]), and so does making
//! the AWS prober (`aws::Prober::new`). `tests/trust_gate.rs` reads the sources and fails when a
//! process start, a network client or a proof is made anywhere else.

use std::ffi::OsStr;

/// Proof that the workspace is trusted. `Copy`, zero-sized, and made only by the two
/// constructors below.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trusted(());

impl Trusted {
    /// The command line: the user typed the command in their own shell, so it may run what
    /// the app asks for. Only `cli/` calls this.
    pub fn by_user() -> Trusted {
        Trusted(())
    }

    /// The language server, once the client said the workspace is trusted (an initialization
    /// option, or the `pipelens/didChangeTrust` notification). Only the server's session calls
    /// this, and only while trust holds.
    pub fn granted_by_client() -> Trusted {
        Trusted(())
    }
}

/// Why something was not done: the workspace is not trusted. The text names the reason and
/// the way out, for a person.
pub fn untrusted_reason(what: &str) -> String {
    format!(
        "{what} is off in an untrusted workspace: it would run the repository's code or use \
         your credentials. Trust the workspace to turn it on."
    )
}

/// A process to start, for a trusted workspace only. Every process pipelens starts is made
/// here.
pub fn command(_: Trusted, program: impl AsRef<OsStr>) -> std::process::Command {
    std::process::Command::new(program)
}

/// The same, for tokio.
pub fn async_command(_: Trusted, program: impl AsRef<OsStr>) -> tokio::process::Command {
    tokio::process::Command::new(program)
}
