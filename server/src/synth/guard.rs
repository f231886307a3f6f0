//! A watcher that kills a synth's process group when pipelens dies, however it dies.
//!
//! The synth runs in a process group of its own (cdk, and the app below it), and pipelens
//! kills that group on timeout, cancel, drop, `exit` and the signals it handles. A SIGKILL of
//! pipelens runs none of that, and `PR_SET_PDEATHSIG` would only reach cdk itself (not the
//! app it started), and fires when the *thread* that forked exits, which a pool thread does.
//! So each synth gets a guard: a forked copy of pipelens that runs no program, holds the read
//! end of a pipe whose write end only pipelens holds, and blocks reading it. pipelens writes
//! one byte when the group must die (`k`) or may be left alone (`d`: the synth exited on its
//! own and was reaped, so its group id may belong to someone else by now); when pipelens dies,
//! the read sees the end of the pipe and the guard kills the group. The guard ignores the
//! terminal's signals (a Ctrl-C to the foreground group must not remove the guard before
//! pipelens has killed the synth) and keeps no other file open.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use crate::trust::Trusted;

pub struct Guard {
    write: Option<OwnedFd>,
    pid: libc::pid_t,
}

impl Guard {
    /// Starts the guard of process group `pgid`.
    pub fn start(_: Trusted, pgid: libc::pid_t) -> io::Result<Guard> {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: `fds` is a valid array of two ints for pipe2 to fill.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: both descriptors were just returned by pipe2 and are owned by nobody else.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        let max_fd = max_fd();
        // SAFETY: after fork the child calls only async-signal-safe functions (sigaction via
        // `signal`, close_range/close, read, kill, _exit) and allocates nothing, as required in
        // the child of a multi-threaded process.
        let pid = unsafe { libc::fork() };
        match pid {
            -1 => Err(io::Error::last_os_error()),
            0 => unsafe { watch(read.as_raw_fd(), pgid, max_fd) },
            pid => {
                drop(read);
                Ok(Guard {
                    write: Some(write),
                    pid,
                })
            }
        }
    }

    /// The group must die now (timeout, cancel, drop, pipelens ending).
    pub fn kill(mut self) {
        self.say(b'k');
    }

    /// The synth's leader exited on its own and was reaped: leave the group alone.
    pub fn dismiss(mut self) {
        self.say(b'd');
    }

    fn say(&mut self, what: u8) {
        if let Some(w) = self.write.take() {
            // SAFETY: `w` is an open descriptor we own; one byte from a valid buffer.
            unsafe {
                libc::write(w.as_raw_fd(), (&what as *const u8).cast(), 1);
            }
            drop(w);
            // The guard exits right after reading: reap it so no zombie is left.
            let mut status = 0;
            // SAFETY: waiting for our own child.
            unsafe {
                libc::waitpid(self.pid, &mut status, 0);
            }
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.say(b'k');
    }
}

/// The highest descriptor number to close in the guard (computed before fork: getrlimit is
/// not on the async-signal-safe list).
fn max_fd() -> libc::c_int {
    let mut rl = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `rl` is a valid rlimit for getrlimit to fill.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) } == 0;
    if ok && rl.rlim_cur != libc::RLIM_INFINITY {
        rl.rlim_cur.min(65_536) as libc::c_int
    } else {
        65_536
    }
}

/// The guard itself: never returns.
///
/// # Safety
/// Only in the child of `fork`, with `read` the read end of the guard's pipe.
unsafe fn watch(read: libc::c_int, pgid: libc::pid_t, max_fd: libc::c_int) -> ! {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGPIPE] {
        libc::signal(sig, libc::SIG_IGN);
    }
    // Keep nothing else open: not the server's stdio, not another synth's pipe.
    close_all_but(read, max_fd);
    let mut byte = 0u8;
    let kill = loop {
        let n = libc::read(read, (&mut byte as *mut u8).cast(), 1);
        if n == 1 {
            break byte != b'd';
        }
        if n == 0 {
            break true; // pipelens is gone
        }
        if *libc::__errno_location() != libc::EINTR {
            break true;
        }
    };
    if kill {
        libc::killpg(pgid, libc::SIGKILL);
    }
    libc::_exit(0)
}

/// Closes every descriptor but `keep` (close_range where the kernel has it, else one by one).
unsafe fn close_all_but(keep: libc::c_int, max_fd: libc::c_int) {
    let ranges = [(0, keep - 1), (keep + 1, libc::c_int::MAX)];
    for (first, last) in ranges {
        if first > last {
            continue;
        }
        let r = libc::syscall(libc::SYS_close_range, first as u32, last as u32, 0u32);
        if r != 0 {
            for fd in first..=last.min(max_fd) {
                libc::close(fd);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;
    use std::time::{Duration, Instant};

    fn alive(pid: u32) -> bool {
        // SAFETY: signal 0 only checks that the process exists.
        unsafe { libc::kill(pid as libc::pid_t, 0) == 0 }
    }

    fn sleeper() -> std::process::Child {
        use std::os::unix::process::CommandExt;
        Command::new("sleep")
            .arg("30")
            .process_group(0)
            .spawn()
            .unwrap()
    }

    fn gone_within(child: &mut std::process::Child, d: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < d {
            if child.try_wait().unwrap().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn kill_and_drop_kill_the_group_dismiss_leaves_it() {
        let mut a = sleeper();
        Guard::start(Trusted::by_user(), a.id() as i32)
            .unwrap()
            .kill();
        assert!(gone_within(&mut a, Duration::from_secs(5)));

        let mut b = sleeper();
        drop(Guard::start(Trusted::by_user(), b.id() as i32).unwrap());
        assert!(gone_within(&mut b, Duration::from_secs(5)));

        let mut c = sleeper();
        Guard::start(Trusted::by_user(), c.id() as i32)
            .unwrap()
            .dismiss();
        std::thread::sleep(Duration::from_millis(200));
        assert!(alive(c.id()), "a dismissed guard killed the group");
        c.kill().unwrap();
        c.wait().unwrap();
    }
}
