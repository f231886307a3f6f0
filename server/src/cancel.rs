//! Cooperative cancellation of the work a thread does for one caller: the language server
//! raises a request's flag when the client cancels it (`$/cancelRequest`); long loops of the
//! engine (the prediction's json and picture of a huge pipeline) ask [`requested`] and stop
//! early, leaving a partial result the caller drops.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

thread_local! {
    static FLAG: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// Runs `f` on this thread with `flag` as its cancellation flag.
pub fn with_flag<T>(flag: Arc<AtomicBool>, f: impl FnOnce() -> T) -> T {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            FLAG.with(|c| *c.borrow_mut() = None);
        }
    }
    FLAG.with(|c| *c.borrow_mut() = Some(flag));
    let _reset = Reset;
    f()
}

/// Whether the work this thread does was cancelled (never, outside [`with_flag`]).
pub fn requested() -> bool {
    FLAG.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_is_seen_inside_and_forgotten_after() {
        let flag = Arc::new(AtomicBool::new(false));
        assert!(!requested());
        with_flag(flag.clone(), || {
            assert!(!requested());
            flag.store(true, Ordering::Relaxed);
            assert!(requested());
        });
        assert!(!requested());
    }
}
