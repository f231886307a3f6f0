//! How pipelens ends on SIGTERM, SIGINT or SIGHUP: the signal becomes an event the server and
//! `preview --synth` wait for, so they can kill the synth's process group first (cdk and the
//! app run in a group of their own, which a signal to pipelens alone never reaches) and then
//! exit with 128 + the signal's number. A second signal while that is under way ends the
//! process at once.

use std::sync::atomic::{AtomicBool, Ordering};

/// A first terminating signal has been seen.
static SEEN: AtomicBool = AtomicBool::new(false);

const SIGNALS: [libc::c_int; 3] = [libc::SIGTERM, libc::SIGINT, libc::SIGHUP];

/// Takes over SIGTERM, SIGINT and SIGHUP at once (until this is called they keep their default,
/// fatal action) and returns what resolves with the number of the first of them. Not an `async
/// fn`: its body would only run when first polled, and a synth started before that (the other
/// branch of a `select!`, polled first) would be orphaned by a signal in between, as a test on
/// a busy machine saw.
pub fn signal() -> impl std::future::Future<Output = i32> {
    let rx = install();
    async move {
        match rx {
            Some(rx) => match rx.await {
                Ok(sig) => sig,
                Err(_) => std::future::pending().await,
            },
            None => std::future::pending().await,
        }
    }
}

/// Registers the handlers and starts the thread that turns the first signal into a message.
fn install() -> Option<tokio::sync::oneshot::Receiver<i32>> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` is a valid array of two ints for pipe2 to fill.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        tracing::warn!(
            "cannot handle termination signals: {}",
            std::io::Error::last_os_error()
        );
        return None;
    }
    let (read, write) = (fds[0], fds[1]);
    for sig in SIGNALS {
        // SAFETY: the action only calls async-signal-safe functions (an atomic swap, write,
        // _exit) and allocates nothing.
        let registered = unsafe {
            signal_hook_registry::register(sig, move || {
                if SEEN.swap(true, Ordering::SeqCst) {
                    libc::_exit(128 + sig);
                }
                let byte = sig as u8;
                libc::write(write, (&byte as *const u8).cast(), 1);
            })
        };
        if let Err(e) = registered {
            tracing::warn!("cannot handle signal {sig}: {e}");
        }
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut byte = 0u8;
        loop {
            // SAFETY: reading one byte into a valid buffer from our own pipe.
            let n = unsafe { libc::read(read, (&mut byte as *mut u8).cast(), 1) };
            if n == 1 {
                let _ = tx.send(byte as i32);
                return;
            }
            if n == 0 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                return;
            }
        }
    });
    Some(rx)
}

#[cfg(test)]
mod tests {
    /// A signal that comes after `signal()` is called but before its future is first polled
    /// is caught, not fatal: with the handlers installed only on the first poll, the raise
    /// below ended this test process.
    #[test]
    fn a_signal_before_the_first_poll_is_caught() {
        let caught = super::signal();
        // SAFETY: a signal to this process, whose handler is installed.
        assert_eq!(unsafe { libc::raise(libc::SIGHUP) }, 0);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let sig = rt.block_on(async {
            tokio::time::timeout(std::time::Duration::from_secs(60), caught).await
        });
        assert_eq!(sig.ok(), Some(libc::SIGHUP));
    }
}
