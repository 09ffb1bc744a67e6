//! The loopback listener the browser returns to (RFC 8252 §7.3): `127.0.0.1` (or
//! `[::1]`) on an ephemeral port, alive only for one sign-in attempt. It answers every
//! request, and only `GET /callback` with the expected `state` and our own `Host`
//! ends the wait; everything else gets a small error response while the listener
//! keeps waiting. Each connection is read on its own task under a short timeout and
//! a size cap, so a slow or hostile client cannot hold up the real callback.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use subtle::ConstantTimeEq as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;

use crate::error::{Error, Result};

/// Longest request head (request line + headers) accepted.
pub const MAX_HEAD_BYTES: usize = 8 * 1024;
/// A callback carries no body; anything larger than this is refused.
pub const MAX_BODY_BYTES: u64 = 1024;
/// A connection that has not sent its whole request head by then is dropped.
pub const READ_TIMEOUT: Duration = Duration::from_secs(3);
/// Connections served at once; more wait to be accepted.
const MAX_CONNECTIONS: usize = 32;

/// What the browser brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    Code {
        code: String,
        iss: Option<String>,
    },
    Error {
        error: String,
        description: Option<String>,
    },
}

/// A listener waiting for one callback.
pub struct Listener {
    addr: SocketAddr,
    received: mpsc::Receiver<Callback>,
    task: JoinHandle<()>,
}

impl Listener {
    /// Binds `127.0.0.1:0`, or `[::1]:0` where IPv4 loopback is unavailable.
    pub async fn bind(state: String) -> Result<Self> {
        let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await {
            Ok(listener) => listener,
            Err(v4_error) => TcpListener::bind((Ipv6Addr::LOCALHOST, 0))
                .await
                .map_err(|_| Error::Listener(v4_error.to_string()))?,
        };
        let addr = listener
            .local_addr()
            .map_err(|error| Error::Listener(error.to_string()))?;
        let (sender, received) = mpsc::channel(1);
        let expected = Arc::new(Expected {
            state,
            host: host_header(addr),
        });
        let task = tokio::spawn(accept_loop(listener, expected, sender));
        Ok(Self {
            addr,
            received,
            task,
        })
    }

    /// `http://127.0.0.1:PORT/callback`.
    pub fn redirect_uri(&self) -> String {
        format!("http://{}/callback", host_header(self.addr))
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Waits for the callback. The listener stops accepting once it has one.
    pub async fn next(&mut self) -> Option<Callback> {
        self.received.recv().await
    }

    /// Stops listening and returns once the port is closed.
    pub async fn close(mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        // Closes the socket, freeing the port.
        self.task.abort();
    }
}

fn host_header(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(v4) => format!("{}:{}", v4.ip(), v4.port()),
        SocketAddr::V6(v6) => format!("[{}]:{}", v6.ip(), v6.port()),
    }
}

struct Expected {
    state: String,
    host: String,
}

async fn accept_loop(
    listener: TcpListener,
    expected: Arc<Expected>,
    sender: mpsc::Sender<Callback>,
) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let (done, mut finished) = mpsc::channel::<()>(1);
    loop {
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            return;
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = finished.recv() => return,
        };
        let Ok((stream, _)) = accepted else { continue };
        let (expected, sender, done) = (Arc::clone(&expected), sender.clone(), done.clone());
        tokio::spawn(async move {
            if let Some(callback) = serve_connection(stream, &expected).await
                && sender.try_send(callback).is_ok()
            {
                let _ = done.try_send(());
            }
            drop(permit);
        });
    }
}

/// A response the listener gives, as status line, extra headers and a page.
struct Reply {
    status: &'static str,
    extra_headers: &'static str,
    title: &'static str,
    message: String,
}

impl Reply {
    fn error(status: &'static str, message: &str) -> Self {
        Self {
            status,
            extra_headers: "",
            title: "Courier could not use this request",
            message: message.to_owned(),
        }
    }
}

async fn serve_connection(mut stream: TcpStream, expected: &Expected) -> Option<Callback> {
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Ok(head)) => head,
        Ok(Err(HeadError::TooLarge)) => {
            let reply = Reply::error(
                "431 Request Header Fields Too Large",
                "The request was too large.",
            );
            write_reply(&mut stream, &reply).await;
            return None;
        }
        Ok(Err(HeadError::Closed)) | Err(_) => return None,
    };
    let (reply, callback) = judge(&head, expected);
    write_reply(&mut stream, &reply).await;
    callback
}

enum HeadError {
    TooLarge,
    Closed,
}

/// Reads up to the blank line that ends the request head.
async fn read_head(stream: &mut TcpStream) -> std::result::Result<String, HeadError> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let read = stream
            .read(&mut chunk)
            .await
            .map_err(|_| HeadError::Closed)?;
        if read == 0 {
            return Err(HeadError::Closed);
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(end) = find_head_end(&buffer) {
            buffer.truncate(end);
            return Ok(String::from_utf8_lossy(&buffer).into_owned());
        }
        if buffer.len() > MAX_HEAD_BYTES {
            return Err(HeadError::TooLarge);
        }
    }
}

fn find_head_end(buffer: &[u8]) -> Option<usize> {
    buffer.windows(4).position(|window| window == b"\r\n\r\n")
}

/// Decides what a request head gets, and whether it is the callback.
fn judge(head: &str, expected: &Expected) -> (Reply, Option<Callback>) {
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return (
            Reply::error("400 Bad Request", "The request could not be read."),
            None,
        );
    };
    if !version.starts_with("HTTP/1.") {
        return (
            Reply::error("400 Bad Request", "The request could not be read."),
            None,
        );
    }
    let mut host = None;
    let mut content_length: u64 = 0;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return (
                Reply::error("400 Bad Request", "The request could not be read."),
                None,
            );
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("host") {
            if host.is_some() {
                return (
                    Reply::error("400 Bad Request", "The request could not be read."),
                    None,
                );
            }
            host = Some(value);
        } else if name.eq_ignore_ascii_case("content-length") {
            content_length = value.parse().unwrap_or(u64::MAX);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            content_length = u64::MAX;
        }
    }
    if content_length > MAX_BODY_BYTES {
        return (
            Reply::error("413 Content Too Large", "The request was too large."),
            None,
        );
    }
    if host != Some(expected.host.as_str()) {
        // A page elsewhere may resolve its own name to 127.0.0.1 (DNS rebinding).
        return (
            Reply::error(
                "400 Bad Request",
                "This request was not addressed to Courier.",
            ),
            None,
        );
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/callback" {
        return (
            Reply::error("404 Not Found", "There is nothing here."),
            None,
        );
    }
    if method != "GET" {
        let reply = Reply {
            extra_headers: "Allow: GET\r\n",
            ..Reply::error("405 Method Not Allowed", "Only GET is allowed here.")
        };
        return (reply, None);
    }
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| {
        let mut values = params
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone());
        match (values.next(), values.next()) {
            (Some(value), None) => Some(value),
            _ => None,
        }
    };
    let state_matches = get("state")
        .is_some_and(|state| bool::from(state.as_bytes().ct_eq(expected.state.as_bytes())));
    if !state_matches {
        return (
            Reply::error(
                "400 Bad Request",
                "This sign-in response does not belong to the sign-in Courier is waiting for.",
            ),
            None,
        );
    }
    if let Some(error) = get("error") {
        let description = get("error_description");
        let message = if error == "access_denied" {
            "The sign-in was cancelled. You can return to Courier.".to_owned()
        } else {
            format!(
                "The sign-in failed: {}. Return to Courier to try again.",
                description.as_deref().unwrap_or(&error)
            )
        };
        let reply = Reply {
            status: "200 OK",
            extra_headers: "",
            title: "Sign-in did not finish",
            message,
        };
        return (reply, Some(Callback::Error { error, description }));
    }
    let Some(code) = get("code") else {
        return (
            Reply::error("400 Bad Request", "The sign-in response carries no code."),
            None,
        );
    };
    let reply = Reply {
        status: "200 OK",
        extra_headers: "",
        title: "You're signed in — return to Courier",
        message: "You can close this tab; Courier has your sign-in.".to_owned(),
    };
    (
        reply,
        Some(Callback::Code {
            code,
            iss: get("iss"),
        }),
    )
}

async fn write_reply(stream: &mut TcpStream, reply: &Reply) {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"color-scheme\" content=\"light dark\"><style>body{{font-family:system-ui,sans-serif;\
         max-width:32rem;margin:15vh auto;padding:0 1rem;line-height:1.5}}h1{{font-size:1.4rem}}\
         </style></head><body><h1>{title}</h1><p>{message}</p></body></html>",
        title = escape_html(reply.title),
        message = escape_html(&reply.message),
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {length}\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n\
         Referrer-Policy: no-referrer\r\nCache-Control: no-store\r\nConnection: close\r\n{extra}\r\n{body}",
        status = reply.status,
        length = body.len(),
        extra = reply.extra_headers,
    );
    let _ = tokio::time::timeout(READ_TIMEOUT, stream.write_all(response.as_bytes())).await;
    let _ = stream.shutdown().await;
}

fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape_html("<script>\"x\"&'y'"),
            "&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;"
        );
    }
}
