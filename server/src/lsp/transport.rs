//! The input side of the transport: checks every frame before tower-lsp sees it.
//!
//! tower-lsp-server decodes frames with tokio-util's `FramedRead`, which ends the stream at the
//! first decode error: one message that is not JSON-RPC (an `id` that is an array, a body that
//! is not JSON, a header without `Content-Length`) and the server never reads again. The fuzz
//! target `jsonrpc` found this. So frames are read here first: a well-formed message passes
//! unchanged, anything else is logged and replaced by a notification the server ignores.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

/// What a malformed frame becomes: a `$/` notification, which servers may ignore.
const IGNORED: &[u8] = br#"{"jsonrpc":"2.0","method":"$/pipelens/malformedMessage"}"#;

/// Copies frames from `input` to `output` until `input` ends, replacing malformed ones.
pub async fn filter_frames<R, W>(input: R, mut output: W)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut input = BufReader::new(input);
    loop {
        let mut len: Option<usize> = None;
        let mut header_ok = true;
        loop {
            let mut line = Vec::new();
            match input.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if len.is_some() {
                    break;
                }
                // Blank lines, or a header block without a length: skip it, and start over.
                header_ok = true;
                continue;
            }
            match line.split_once(':') {
                Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                    len = value.trim().parse().ok();
                    header_ok &= len.is_some();
                }
                Some((name, _)) if name.trim().eq_ignore_ascii_case("content-type") => {}
                _ => header_ok = false,
            }
        }
        let Some(len) = len else { continue };
        let mut body = Vec::new();
        // Read as the data arrives: a huge announced length allocates nothing up front.
        match (&mut input).take(len as u64).read_to_end(&mut body).await {
            Ok(n) if n == len => {}
            _ => return,
        }
        let ok = header_ok
            && (serde_json::from_slice::<Request>(&body).is_ok()
                || serde_json::from_slice::<Response>(&body).is_ok());
        let body: &[u8] = if ok {
            &body
        } else {
            tracing::warn!(
                "ignoring a malformed message: {}",
                String::from_utf8_lossy(&body[..body.len().min(200)])
            );
            IGNORED
        };
        let head = format!("Content-Length: {}\r\n\r\n", body.len());
        if output.write_all(head.as_bytes()).await.is_err()
            || output.write_all(body).await.is_err()
            || output.flush().await.is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn filtered(input: &[u8]) -> String {
        let mut out = Vec::new();
        filter_frames(input, &mut out).await;
        String::from_utf8(out).unwrap()
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[tokio::test]
    async fn malformed_frames_become_ignored_notifications_and_the_rest_passes() {
        let good = r#"{"jsonrpc":"2.0","id":5,"method":"x"}"#;
        let input = [
            frame(r#"{"jsonrpc":"2.0","method":"","id":[]}"#),
            frame("not json"),
            "garbage line\r\n\r\n".to_string(),
            frame(good),
        ]
        .concat();
        let ignored = frame(std::str::from_utf8(IGNORED).unwrap());
        assert_eq!(
            filtered(input.as_bytes()).await,
            [ignored.clone(), ignored, frame(good)].concat()
        );
    }
}
