//! The input side of the transport: checks every frame before tower-lsp sees it.
//!
//! tower-lsp-server decodes frames with tokio-util's `FramedRead`, which ends the stream at the
//! first decode error: one message that is not JSON-RPC (an `id` that is an array, a body that
//! is not JSON, a header without `Content-Length`) and the server never reads again. The fuzz
//! target `jsonrpc` found this. So frames are read here first: a well-formed message passes
//! unchanged, anything else is logged and replaced by a notification the server ignores.
//!
//! A wrong `Content-Length` (off by one, or characters counted instead of bytes) must not put
//! the stream out of step for good. Taken on its word, a length too short leaves the body's
//! tail glued to the next header line and one too long swallows the next header; from then on
//! every frame is misread and the server, alive, never answers again, so no editor restarts
//! it. So the body's end is not taken from the header alone: a [`Scanner`] follows the JSON
//! value the body holds (objects and arrays, strings and their escapes), and the frame ends
//! where that value ends:
//! - before the announced length: the length was too long, what follows is the next frame;
//! - after it: the length was too short, and reading goes on until the value ends (at most
//!   [`MAX_SHORTFALL`] times the length, the most a count of characters or UTF-16 units is
//!   off by, plus a little);
//! - at a byte that cannot be there (a header's letters outside a string, a line break inside
//!   one): the frame is broken, and reading starts again at the beginning of that line, where
//!   the next `Content-Length` is looked for anywhere in the line.
//!
//! A mislabelled but well-formed message is delivered; a broken one is dropped. The first
//! malformed frame is logged as a warning, later ones at debug level.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Request, Response};

/// What a malformed frame becomes: a `$/` notification, which servers may ignore.
const IGNORED: &[u8] = br#"{"jsonrpc":"2.0","method":"$/pipelens/malformedMessage"}"#;

/// A header line longer than this without a line break is garbage; only its tail, where a
/// `Content-Length` glued onto it would be, is kept.
const MAX_LINE: usize = 1 << 20;
const LINE_TAIL: usize = 64;

/// A body may run this many times its announced length (a length in characters of 4-byte
/// UTF-8, or in UTF-16 units of 3-byte characters, is a quarter or a third of the bytes) plus
/// [`SHORTFALL_SLACK`] bytes before it is given up.
const MAX_SHORTFALL: usize = 4;
const SHORTFALL_SLACK: usize = 4096;

/// Copies frames from `input` to `output` until `input` ends, replacing malformed ones.
pub async fn filter_frames<R, W>(input: R, mut output: W)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut frames = Frames {
        input,
        buf: Vec::new(),
        pos: 0,
        eof: false,
        warned: false,
    };
    while let Some(message) = frames.next().await {
        let body: &[u8] = match &message {
            Message::Good(body) => body,
            Message::Dropped => IGNORED,
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

enum Message {
    /// A JSON-RPC request, notification or response.
    Good(Vec<u8>),
    /// A frame that was not one.
    Dropped,
}

/// The input, buffered: `buf[pos..]` has been read but not consumed.
struct Frames<R> {
    input: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    /// A malformed frame has been logged as a warning.
    warned: bool,
}

impl<R: AsyncRead + Unpin> Frames<R> {
    /// The next message; `None` when the input ended.
    async fn next(&mut self) -> Option<Message> {
        let len = self.header().await?;
        self.body(len).await
    }

    /// Reads header lines up to the blank line after a `Content-Length`; returns the length.
    async fn header(&mut self) -> Option<usize> {
        let mut len = None;
        loop {
            let line = self.line().await?;
            let line = line.trim_ascii();
            if line.is_empty() {
                if len.is_some() {
                    return len;
                }
                // Blank lines, or a header block without a length: skip it, and start over.
                continue;
            }
            match parse_header(line) {
                Header::Length { len: n, clean } => {
                    len = Some(n);
                    if !clean {
                        self.malformed("bytes before a Content-Length header", line);
                    }
                }
                Header::ContentType => {}
                Header::Garbage => self.malformed("a line that is not a header", line),
            }
        }
    }

    /// The next line, without its `\n`; `None` when the input ended first.
    async fn line(&mut self) -> Option<Vec<u8>> {
        let mut scanned = 0;
        loop {
            let avail = &self.buf[self.pos..];
            if let Some(i) = avail[scanned..].iter().position(|b| *b == b'\n') {
                let line = avail[..scanned + i].to_vec();
                self.pos += scanned + i + 1;
                return Some(line);
            }
            scanned = avail.len();
            if scanned > MAX_LINE {
                let dropped = scanned - LINE_TAIL;
                let head = avail[..LINE_TAIL].to_vec();
                self.pos += dropped;
                scanned = LINE_TAIL;
                self.malformed("a line of over a MiB", &head);
            }
            if !self.fill().await {
                return None;
            }
        }
    }

    /// The body announced as `len` bytes: see the module doc for where it really ends.
    async fn body(&mut self, len: usize) -> Option<Message> {
        let mut scanner = Scanner::default();
        let limit = len
            .saturating_mul(MAX_SHORTFALL)
            .saturating_add(SHORTFALL_SLACK);
        loop {
            let avail = &self.buf[self.pos..];
            match scanner.feed(avail) {
                Scan::Complete(end) => {
                    let body = avail[..end].to_vec();
                    // Whitespace after the value, inside the announced length, is still JSON.
                    let announced_rest = avail.get(end..len.min(avail.len())).unwrap_or(&[]);
                    let mislabelled =
                        end > len || announced_rest.iter().any(|b| !b.is_ascii_whitespace());
                    self.pos += end;
                    if mislabelled {
                        let what = format!("Content-Length {len} for a message of {end} bytes");
                        self.malformed(&what, &body);
                    }
                    let ok = serde_json::from_slice::<Request>(&body).is_ok()
                        || serde_json::from_slice::<Response>(&body).is_ok();
                    if ok {
                        return Some(Message::Good(body));
                    }
                    self.malformed("not a JSON-RPC message", &body);
                    return Some(Message::Dropped);
                }
                Scan::Invalid(at) => {
                    let line_start = avail[..at]
                        .iter()
                        .rposition(|b| *b == b'\n')
                        .map_or(0, |i| i + 1);
                    let seen = avail[..at].to_vec();
                    self.pos += line_start;
                    self.malformed("not JSON", &seen);
                    return Some(Message::Dropped);
                }
                Scan::Incomplete => {
                    if avail.len() > limit {
                        let seen = avail.to_vec();
                        self.pos += avail.len();
                        self.malformed("a message that never ends", &seen);
                        return Some(Message::Dropped);
                    }
                    if !self.fill().await {
                        if !self.buf[self.pos..].is_empty() {
                            let seen = self.buf[self.pos..].to_vec();
                            self.malformed("the input ended inside a message", &seen);
                        }
                        return None;
                    }
                }
            }
        }
    }

    /// Reads more input onto the end of the buffer; `false` when it ended.
    async fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.reserve(8192);
        match self.input.read_buf(&mut self.buf).await {
            Ok(0) | Err(_) => {
                self.eof = true;
                false
            }
            Ok(_) => true,
        }
    }

    /// Logs a malformed frame: the first as a warning, the rest at debug level (a client that
    /// miscounts does so on every message with an `é`).
    fn malformed(&mut self, what: &str, bytes: &[u8]) {
        let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]);
        let shown = crate::quote::for_log(&shown);
        if self.warned {
            tracing::debug!("malformed frame from the client ({what}): {shown}");
        } else {
            self.warned = true;
            tracing::warn!(
                "malformed frame from the client ({what}): {shown}; dropped or resynchronised \
                 (further ones are logged at debug level)"
            );
        }
    }
}

enum Header {
    Length { len: usize, clean: bool },
    ContentType,
    Garbage,
}

/// A header line (trimmed). `Content-Length` is found anywhere in the line, the last one when
/// there are several: the tail of a body whose length was short comes before it.
fn parse_header(line: &[u8]) -> Header {
    const NAME: &[u8] = b"content-length";
    let lower = line.to_ascii_lowercase();
    if let Some(at) = lower.windows(NAME.len()).rposition(|w| w == NAME) {
        let rest = line[at + NAME.len()..].trim_ascii_start();
        let value = rest.strip_prefix(b":").map(<[u8]>::trim_ascii);
        let len = value
            .filter(|v| !v.is_empty() && v.len() <= 19 && v.iter().all(u8::is_ascii_digit))
            .and_then(|v| std::str::from_utf8(v).ok()?.parse().ok());
        return match len {
            Some(len) => Header::Length {
                len,
                clean: at == 0,
            },
            None => Header::Garbage,
        };
    }
    match lower.split(|b| *b == b':').next() {
        Some(name) if lower.contains(&b':') && name.trim_ascii() == b"content-type" => {
            Header::ContentType
        }
        _ => Header::Garbage,
    }
}

enum Scan {
    /// The value ends before this offset.
    Complete(usize),
    /// The byte at this offset cannot be part of a JSON-RPC body here.
    Invalid(usize),
    /// Not yet: more bytes are needed.
    Incomplete,
}

/// Follows a JSON object or array through bytes as they arrive, far enough to know where it
/// ends: nesting, strings, escapes. Not a validator (the parser comes after); it only has to
/// be exact about where a well-formed value ends and to stop at what a header or another
/// frame puts in its way.
#[derive(Default)]
struct Scanner {
    /// Offset of the next byte to look at.
    at: usize,
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl Scanner {
    /// Looks at `bytes[self.at..]` (`bytes` only grows between calls).
    fn feed(&mut self, bytes: &[u8]) -> Scan {
        while let Some(&b) = bytes.get(self.at) {
            let here = self.at;
            self.at += 1;
            if self.in_string {
                match b {
                    // Raw control characters are not allowed in a JSON string; a line break
                    // there is the next header.
                    0..=0x1f => return Scan::Invalid(here),
                    _ if self.escaped => self.escaped = false,
                    b'\\' => self.escaped = true,
                    b'"' => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => {}
                b'{' | b'[' => self.depth += 1,
                // A JSON-RPC message is an object (or a batch, an array).
                _ if self.depth == 0 => return Scan::Invalid(here),
                b'}' | b']' => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        return Scan::Complete(self.at);
                    }
                }
                b'"' => self.in_string = true,
                // Numbers, `true`, `false`, `null`, separators.
                b','
                | b':'
                | b'0'..=b'9'
                | b'-'
                | b'+'
                | b'.'
                | b'e'
                | b'E'
                | b't'
                | b'r'
                | b'u'
                | b'f'
                | b'a'
                | b'l'
                | b's'
                | b'n' => {}
                _ => return Scan::Invalid(here),
            }
        }
        Scan::Incomplete
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    async fn filtered(input: &[u8]) -> String {
        let mut out = Vec::new();
        filter_frames(input, &mut out).await;
        String::from_utf8(out).unwrap()
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn framed_as(len: usize, body: &str) -> String {
        format!("Content-Length: {len}\r\n\r\n{body}")
    }

    fn ignored() -> String {
        frame(std::str::from_utf8(IGNORED).unwrap())
    }

    fn request(id: u32, text: &str) -> String {
        serde_json::json!({"jsonrpc": "2.0", "id": id, "method": "x", "params": {"text": text}})
            .to_string()
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
        assert_eq!(
            filtered(input.as_bytes()).await,
            [ignored(), ignored(), frame(good)].concat()
        );
    }

    #[tokio::test]
    async fn a_length_off_by_one_either_way_still_delivers_both_messages() {
        let (a, b) = (request(1, "a"), request(2, "b"));
        for len in [a.len() - 1, a.len() + 1] {
            let input = [framed_as(len, &a), frame(&b)].concat();
            assert_eq!(
                filtered(input.as_bytes()).await,
                [frame(&a), frame(&b)].concat(),
                "length {len} for {} bytes",
                a.len()
            );
        }
    }

    #[tokio::test]
    async fn a_length_in_characters_or_utf16_units_still_delivers_both_messages() {
        for text in ["café", "déjà vu 🎉🎉 ✓", "🎉"] {
            let (a, b) = (request(1, text), request(2, "next"));
            for len in [a.chars().count(), a.encode_utf16().count()] {
                let input = [framed_as(len, &a), frame(&b), frame(&b)].concat();
                assert_eq!(
                    filtered(input.as_bytes()).await,
                    [frame(&a), frame(&b), frame(&b)].concat(),
                    "length {len} for {} bytes",
                    a.len()
                );
            }
        }
    }

    #[tokio::test]
    async fn garbage_between_frames_is_skipped() {
        let (a, b, c) = (request(1, "a"), request(2, "b"), request(3, "c"));
        let input = [
            frame(&a),
            "}} trailing bytes ".to_string(),
            frame(&b),
            "\r\n\r\nnot a header\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
                .to_string(),
            frame(&c),
        ]
        .concat();
        assert_eq!(
            filtered(input.as_bytes()).await,
            [frame(&a), frame(&b), frame(&c)].concat()
        );
    }

    #[tokio::test]
    async fn a_broken_body_of_the_right_length_is_dropped_and_the_next_frame_read() {
        let good = request(7, "good");
        for broken in [
            r#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"text":"unterminated"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"x","params":["#,
            r#"{"jsonrpc":"2.0","id":1,"method":"x\"#,
            "",
            "[",
        ] {
            let input = [frame(broken), frame(&good)].concat();
            assert_eq!(
                filtered(input.as_bytes()).await,
                [ignored(), frame(&good)].concat(),
                "after {broken:?}"
            );
        }
    }

    /// A length far too big: the message is answered without waiting for bytes that never
    /// come (the client waits for the answer before it sends more).
    #[tokio::test]
    async fn a_length_far_too_big_does_not_wait_for_the_rest() {
        let (a, b) = (request(1, "a"), request(2, "b"));
        let (mut client, server_in) = tokio::io::duplex(1 << 16);
        let (server_out, mut reader) = tokio::io::duplex(1 << 16);
        let filter = tokio::spawn(filter_frames(server_in, server_out));
        client
            .write_all(framed_as(1_000_000, &a).as_bytes())
            .await
            .unwrap();
        let expected = frame(&a);
        let mut got = vec![0; expected.len()];
        tokio::time::timeout(Duration::from_secs(5), reader.read_exact(&mut got))
            .await
            .expect("answered before more input came")
            .unwrap();
        assert_eq!(String::from_utf8(got).unwrap(), expected);
        client.write_all(frame(&b).as_bytes()).await.unwrap();
        drop(client);
        let mut rest = String::new();
        reader.read_to_string(&mut rest).await.unwrap();
        assert_eq!(rest, frame(&b));
        filter.await.unwrap();
    }

    #[tokio::test]
    async fn a_huge_length_that_never_completes_ends_with_the_input() {
        let input = framed_as(
            1 << 30,
            r#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"#,
        );
        assert_eq!(filtered(input.as_bytes()).await, "");
        // And when the next header comes instead, it is found.
        let good = request(2, "good");
        let input = [input, frame(&good)].concat();
        assert_eq!(
            filtered(input.as_bytes()).await,
            [ignored(), frame(&good)].concat()
        );
    }

    #[tokio::test]
    async fn a_body_that_never_closes_is_given_up_after_four_times_its_length() {
        let good = request(2, "good");
        let input = [framed_as(10, &"[".repeat(50_000)), frame(&good)].concat();
        assert_eq!(
            filtered(input.as_bytes()).await,
            [ignored(), frame(&good)].concat()
        );
    }

    #[tokio::test]
    async fn a_content_length_inside_a_message_is_data() {
        let a = request(1, "Content-Length: 5\r\n\r\n{}");
        let b = request(2, "b");
        let input = [frame(&a), frame(&b)].concat();
        assert_eq!(
            filtered(input.as_bytes()).await,
            [frame(&a), frame(&b)].concat()
        );
    }

    #[test]
    fn headers_are_found_after_leftover_bytes() {
        assert!(matches!(
            parse_header(b"Content-Length: 12"),
            Header::Length {
                len: 12,
                clean: true
            }
        ));
        assert!(matches!(
            parse_header(b"\"}}content-length:7"),
            Header::Length {
                len: 7,
                clean: false
            }
        ));
        assert!(matches!(
            parse_header(b"Content-Type: x"),
            Header::ContentType
        ));
        for garbage in [
            &b"Content-Length: 12 x"[..],
            b"Content-Length: -1",
            b"Content-Length: 99999999999999999999999",
            b"Content-Length:",
            b"hello",
        ] {
            assert!(matches!(parse_header(garbage), Header::Garbage));
        }
    }
}
