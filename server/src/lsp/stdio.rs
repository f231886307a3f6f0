//! The server's stdin and stdout, each on a thread of its own.
//!
//! tokio's `stdin()` and `stdout()` do every read and write on the runtime's blocking threads,
//! the pool request handlers and analyses run on. With every one of those threads busy (a dozen
//! `pipelens/pipelineGraph` requests on a huge file), the next read of stdin waited in the
//! pool's queue behind them: the `$/cancelRequest` that would have stopped them was not read
//! until they had all finished, and no answer could be written meanwhile. Here a thread that
//! does nothing else reads stdin and another writes stdout, whatever the pool is doing.

use std::io::{Read, Write};

use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

/// How much of the input or output is held between its thread and the server.
const BUFFER: usize = 1 << 16;

/// The server's side of stdin: what a thread reads from `source` (the process's stdin), in
/// order, then the end of input when it ends (or cannot be read). The thread is never joined:
/// it may be blocked in a read when the server ends, and the process's exit ends it.
pub fn input<R: Read + Send + 'static>(
    runtime: &tokio::runtime::Handle,
    mut source: R,
) -> std::io::Result<DuplexStream> {
    let (server, mut thread) = tokio::io::duplex(BUFFER);
    let runtime = runtime.clone();
    std::thread::Builder::new()
        .name("pipelens-stdin".into())
        .spawn(move || {
            let mut buf = vec![0u8; BUFFER];
            loop {
                let n = match source.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        tracing::warn!("cannot read stdin: {e}");
                        break;
                    }
                };
                // The server has stopped reading: nothing more to pass on.
                if runtime.block_on(thread.write_all(&buf[..n])).is_err() {
                    break;
                }
            }
            // Dropping this end is the server's end of input.
        })?;
    Ok(server)
}

/// The server's side of stdout, and the thread that copies what the server writes there to
/// `sink` (the process's stdout), flushed after each chunk. The thread ends once the server's
/// side is dropped and everything written before has been copied, handing `sink` back: wait
/// for it before the process exits (`serve` waits up to a second), so that the last answer is
/// not lost.
pub fn output<W: Write + Send + 'static>(
    runtime: &tokio::runtime::Handle,
    mut sink: W,
) -> std::io::Result<(DuplexStream, std::thread::JoinHandle<W>)> {
    let (server, mut thread) = tokio::io::duplex(BUFFER);
    let runtime = runtime.clone();
    let copier = std::thread::Builder::new()
        .name("pipelens-stdout".into())
        .spawn(move || {
            let mut buf = vec![0u8; BUFFER];
            loop {
                let n = match runtime.block_on(thread.read(&mut buf)) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if let Err(e) = sink.write_all(&buf[..n]).and_then(|()| sink.flush()) {
                    // The client has gone: what the server writes from now on is dropped
                    // (read on, so that the server never waits on a full pipe).
                    tracing::debug!("cannot write stdout: {e}");
                }
            }
            sink
        })?;
    Ok((server, copier))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// A runtime whose only blocking thread is taken until the returned sender is dropped, as
    /// when every request handler is busy.
    fn busy_runtime() -> (tokio::runtime::Runtime, std::sync::mpsc::Sender<()>) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let (release, wait) = std::sync::mpsc::channel::<()>();
        runtime.spawn_blocking(move || wait.recv());
        (runtime, release)
    }

    /// The input reaches the server whole and in order, and ends, while the blocking pool is
    /// busy (tokio's stdin would wait for one of its threads).
    #[test]
    fn input_needs_no_blocking_thread() {
        let (runtime, _release) = busy_runtime();
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut server = input(runtime.handle(), std::io::Cursor::new(data.clone())).unwrap();
        let read = runtime.block_on(async {
            let mut read = Vec::new();
            tokio::time::timeout(Duration::from_secs(10), server.read_to_end(&mut read))
                .await
                .map(|_| read)
        });
        assert_eq!(read.expect("the input did not end"), data);
    }

    /// What the server writes reaches the sink whole and in order while the blocking pool is
    /// busy, and the thread ends once the server's side is dropped.
    #[test]
    fn output_needs_no_blocking_thread() {
        let (runtime, _release) = busy_runtime();
        let (mut server, copier) = output(runtime.handle(), Vec::new()).unwrap();
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 241) as u8).collect();
        runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(10), server.write_all(&data))
                .await
                .expect("the output was not read")
                .unwrap();
        });
        drop(server);
        assert_eq!(copier.join().unwrap(), data);
    }
}
