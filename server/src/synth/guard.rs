//! A watcher that kills a synth's process group when pipelens dies, however it dies.
//!
//! The synth runs in a process group of its own (cdk, and the app below it), and pipelens
//! kills that group on timeout, cancel, drop, `exit` and the signals it handles. A SIGKILL of
//! pipelens runs none of that, and `PR_SET_PDEATHSIG` would only reach cdk itself (not the
//! app it started), and fires when the *thread* that forked exits, which a pool thread does.
//! So each synth gets a guard: a forked copy of pipelens that runs no program, holds the read
//! end of a pipe whose write end only pipelens holds, and blocks reading it. The guard starts
//! *before* the synth, and the synth's first process tells it its group itself (`p` and its
//! pid, written between fork and exec, where the group already exists): a SIGKILL of pipelens
//! at any moment after the spawn began leaves no group unguarded (telling it after the spawn
//! left a window that a loaded machine hit). pipelens writes one byte when the group must die
//! (`k`) or may be left alone (`d`: the synth exited on its own and was reaped, so its group id
//! may belong to someone else by now); when pipelens dies, the read sees the end of the pipe
//! (the synth's copy of the write end closes at exec) and the guard kills the group it was
//! told. The guard ignores the terminal's signals (a Ctrl-C to the foreground group must not
//! remove the guard before pipelens has killed the synth) and keeps no other file open.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use crate::trust::Trusted;

pub struct Guard {
    write: Option<OwnedFd>,
    pid: libc::pid_t,
}

impl Guard {
    /// Starts a guard; the group it guards is told later ([`announce`] from the group's first
    /// process, or [`Guard::tell_group`]).
    pub fn start(_: Trusted) -> io::Result<Guard> {
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
            // SAFETY: in the child, as said above; `watch` never returns.
            0 => unsafe { watch(read.as_raw_fd(), max_fd) },
            pid => {
                drop(read);
                Ok(Guard {
                    write: Some(write),
                    pid,
                })
            }
        }
    }

    /// The descriptor a process of the group writes to announce it (see [`announce`]).
    pub fn write_fd(&self) -> Option<libc::c_int> {
        self.write.as_ref().map(|w| w.as_raw_fd())
    }

    /// Tells the guard which group it guards, from pipelens (a group started without
    /// [`announce`]).
    #[cfg(test)]
    pub fn tell_group(&self, pgid: libc::pid_t) {
        if let Some(fd) = self.write_fd() {
            // SAFETY: `fd` is our open write end.
            unsafe { write_group(fd, pgid) };
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

/// Tells the guard whose pipe `fd` writes to that the group the calling process leads is the
/// one to kill. Meant for the first process of a group made with `process_group(0)`, between
/// fork and exec (a `pre_exec` hook): its pid is the group's id whether or not `setpgid` has
/// run yet (never pipelens's own group). It only calls `getpid` and `write`, which are
/// async-signal-safe, and allocates nothing.
///
/// # Safety
/// `fd` must be the write end of a guard's pipe, open in the calling process.
pub unsafe fn announce(fd: libc::c_int) {
    write_group(fd, libc::getpid());
}

/// Writes `p` and the group id in one write (five bytes, atomic on a pipe).
unsafe fn write_group(fd: libc::c_int, pgid: libc::pid_t) {
    let mut msg = [b'p', 0, 0, 0, 0];
    msg[1..].copy_from_slice(&pgid.to_ne_bytes());
    libc::write(fd, msg.as_ptr().cast(), msg.len());
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

/// Reads one byte: `None` at the end of the pipe or on an error other than EINTR.
unsafe fn read_byte(fd: libc::c_int) -> Option<u8> {
    let mut byte = 0u8;
    loop {
        match libc::read(fd, (&mut byte as *mut u8).cast(), 1) {
            1 => return Some(byte),
            0 => return None,
            _ if *libc::__errno_location() == libc::EINTR => continue,
            _ => return None,
        }
    }
}

/// The guard itself: never returns.
///
/// # Safety
/// Only in the child of `fork`, with `read` the read end of the guard's pipe.
unsafe fn watch(read: libc::c_int, max_fd: libc::c_int) -> ! {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGPIPE] {
        libc::signal(sig, libc::SIG_IGN);
    }
    // Keep nothing else open: not the server's stdio, not another synth's pipe.
    close_all_but(read, max_fd);
    let mut pgid: libc::pid_t = 0;
    let kill = loop {
        match read_byte(read) {
            Some(b'p') => {
                let mut id = [0u8; 4];
                let mut complete = true;
                for b in &mut id {
                    match read_byte(read) {
                        Some(x) => *b = x,
                        None => complete = false,
                    }
                }
                if complete {
                    pgid = libc::pid_t::from_ne_bytes(id);
                }
            }
            Some(b'd') => break false,
            // `k`, or pipelens is gone.
            Some(_) | None => break true,
        }
    };
    if kill && pgid > 1 {
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
        let guard_of = |child: &std::process::Child| {
            let g = Guard::start(Trusted::by_user()).unwrap();
            g.tell_group(child.id() as i32);
            g
        };
        let mut a = sleeper();
        guard_of(&a).kill();
        assert!(gone_within(&mut a, Duration::from_secs(5)));

        let mut b = sleeper();
        drop(guard_of(&b));
        assert!(gone_within(&mut b, Duration::from_secs(5)));

        let mut c = sleeper();
        guard_of(&c).dismiss();
        std::thread::sleep(Duration::from_millis(200));
        assert!(alive(c.id()), "a dismissed guard killed the group");
        c.kill().unwrap();
        c.wait().unwrap();
    }

    /// The group's first process announces itself between fork and exec: the guard kills the
    /// group when its pipe ends, with no moment after the spawn where it does not know it.
    #[test]
    fn a_group_that_announced_itself_dies_with_the_pipe() {
        use std::os::unix::process::CommandExt;
        let g = Guard::start(Trusted::by_user()).unwrap();
        let fd = g.write_fd().unwrap();
        let mut cmd = Command::new("sleep");
        cmd.arg("30").process_group(0);
        // SAFETY: `announce` is async-signal-safe and `fd` is open in the child.
        unsafe {
            cmd.pre_exec(move || {
                announce(fd);
                Ok(())
            });
        }
        let mut child = cmd.spawn().unwrap();
        // Not told by pipelens: the pipe ending (as when pipelens is killed) kills the group.
        drop(g);
        assert!(gone_within(&mut child, Duration::from_secs(5)));
    }
}
