//! Child processes the harness starts (chromedriver, Node): each in its own process
//! group, so that dropping the guard also ends what the child started itself
//! (chromedriver's Chromium and its helpers), and a free loopback port to give them.

use std::process::{Child, Command, ExitStatus};

use anyhow::{Context as _, Result};
use rustix::process::{Pid, Signal, kill_process_group};

/// A running child process; it and its process group are killed when this is dropped.
pub struct ChildGuard {
    name: String,
    child: Child,
}

impl ChildGuard {
    /// Spawns `command` as the leader of a new process group. `name` is for messages.
    pub fn spawn(name: &str, mut command: Command) -> Result<Self> {
        use std::os::unix::process::CommandExt as _;
        command.process_group(0);
        let child = command
            .spawn()
            .with_context(|| format!("starting {name} ({command:?})"))?;
        Ok(Self {
            name: name.to_owned(),
            child,
        })
    }

    /// The child itself, e.g. to take its stdout.
    pub fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    /// The exit status if the child has already ended.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        // The group id is the child's pid (process_group(0)), so this reaches exactly
        // what this guard started.
        let group = Pid::from_child(&self.child);
        let _ = kill_process_group(group, Signal::KILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback TCP port that was free a moment ago, for a child that must be told its
/// port up front. (Another process could take it in between; on loopback in a test
/// run that is rare enough to surface as a clear "address in use" failure.)
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("binding 127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}
