//! The loopback listener the browser returns to (RFC 8252 §7.3): `127.0.0.1` (or
//! `[::1]`) on an ephemeral port, alive only for one sign-in attempt. It answers every
//! request, and only `GET /callback` with the expected `state` and our own `Host`
//! ends the wait; everything else gets a small error response while the listener
//! keeps waiting. HTTP/1 parsing is hyper's; each connection is served on its own task
//! with a timed, size-capped request head, so a slow or hostile client cannot hold up
//! the real callback.

use std::convert::Infallible;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::ext::ReasonPhrase;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use subtle::ConstantTimeEq as _;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;

use crate::error::{Error, Result};

/// Longest request head (request line + headers) accepted; a longer one gets 431.
/// (hyper's smallest read buffer, which is what enforces it.)
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

/// hyper's HTTP/1 server as the listener uses it: one request per connection, the
/// head capped and timed, header names in their usual case (`Content-Security-Policy`).
fn http1() -> hyper::server::conn::http1::Builder {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .keep_alive(false)
        .max_buf_size(MAX_HEAD_BYTES)
        .timer(TokioTimer::new())
        .header_read_timeout(READ_TIMEOUT)
        .title_case_headers(true);
    builder
}

async fn accept_loop(
    listener: TcpListener,
    expected: Arc<Expected>,
    sender: mpsc::Sender<Callback>,
) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let (done, mut finished) = mpsc::channel::<()>(1);
    let http = http1();
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
        let connection = http.serve_connection(
            TokioIo::new(stream),
            hyper::service::service_fn(move |request| {
                let (reply, callback) = judge(&request, &expected);
                if let Some(callback) = callback
                    && sender.try_send(callback).is_ok()
                {
                    let _ = done.try_send(());
                }
                std::future::ready(Ok::<_, Infallible>(reply.into_response()))
            }),
        );
        tokio::spawn(async move {
            // Errors here are the client's (garbage, a slow head, a reset): hyper has
            // already answered what could be answered, and the wait goes on.
            let _ = tokio::time::timeout(READ_TIMEOUT * 2, connection).await;
            drop(permit);
        });
    }
}

/// A response the listener gives: status, an extra header and a small page.
struct Reply {
    status: StatusCode,
    reason: Option<&'static [u8]>,
    allow: Option<&'static str>,
    title: &'static str,
    message: String,
}

impl Reply {
    fn error(status: StatusCode, message: &str) -> Self {
        Self {
            status,
            reason: None,
            allow: None,
            title: "Courier could not use this request",
            message: message.to_owned(),
        }
    }

    fn unreadable() -> Self {
        Self::error(StatusCode::BAD_REQUEST, "The request could not be read.")
    }

    fn page(title: &'static str, message: String) -> Self {
        Self {
            status: StatusCode::OK,
            reason: None,
            allow: None,
            title,
            message,
        }
    }

    fn into_response(self) -> Response<Full<Bytes>> {
        let body = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
             <meta name=\"color-scheme\" content=\"light dark\"><style>body{{font-family:system-ui,sans-serif;\
             max-width:32rem;margin:15vh auto;padding:0 1rem;line-height:1.5}}h1{{font-size:1.4rem}}\
             </style></head><body><h1>{title}</h1><p>{message}</p></body></html>",
            title = escape_html(self.title),
            message = escape_html(&self.message),
        );
        let mut response = Response::new(Full::new(Bytes::from(body)));
        *response.status_mut() = self.status;
        if let Some(reason) = self.reason {
            response
                .extensions_mut()
                .insert(ReasonPhrase::from_static(reason));
        }
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        if let Some(allow) = self.allow {
            headers.insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}

/// Decides what a request gets, and whether it is the callback. hyper has already
/// refused what is not HTTP/1 (400) and heads over [`MAX_HEAD_BYTES`] (431).
fn judge(request: &Request<Incoming>, expected: &Expected) -> (Reply, Option<Callback>) {
    let headers = request.headers();
    let declared_body = match headers.get(header::CONTENT_LENGTH) {
        Some(length) => length
            .to_str()
            .ok()
            .and_then(|length| length.trim().parse::<u64>().ok())
            .unwrap_or(u64::MAX),
        None => 0,
    };
    if declared_body > MAX_BODY_BYTES || headers.contains_key(header::TRANSFER_ENCODING) {
        let reply = Reply {
            // RFC 9110's name for 413 (the `http` crate still says "Payload Too Large").
            reason: Some(b"Content Too Large"),
            ..Reply::error(StatusCode::PAYLOAD_TOO_LARGE, "The request was too large.")
        };
        return (reply, None);
    }
    let mut hosts = headers.get_all(header::HOST).iter();
    let host = match (hosts.next(), hosts.next()) {
        (Some(host), None) => host.to_str().ok(),
        (None, _) => None,
        (Some(_), Some(_)) => return (Reply::unreadable(), None),
    };
    if host != Some(expected.host.as_str()) {
        // A page elsewhere may resolve its own name to 127.0.0.1 (DNS rebinding).
        let reply = Reply::error(
            StatusCode::BAD_REQUEST,
            "This request was not addressed to Courier.",
        );
        return (reply, None);
    }
    if request.uri().path() != "/callback" {
        let reply = Reply::error(StatusCode::NOT_FOUND, "There is nothing here.");
        return (reply, None);
    }
    if request.method() != Method::GET {
        let reply = Reply {
            allow: Some("GET"),
            ..Reply::error(StatusCode::METHOD_NOT_ALLOWED, "Only GET is allowed here.")
        };
        return (reply, None);
    }
    let query = request.uri().query().unwrap_or_default();
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
        let reply = Reply::error(
            StatusCode::BAD_REQUEST,
            "This sign-in response does not belong to the sign-in Courier is waiting for.",
        );
        return (reply, None);
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
        let reply = Reply::page("Sign-in did not finish", message);
        return (reply, Some(Callback::Error { error, description }));
    }
    let Some(code) = get("code") else {
        let reply = Reply::error(
            StatusCode::BAD_REQUEST,
            "The sign-in response carries no code.",
        );
        return (reply, None);
    };
    let reply = Reply::page(
        "You're signed in — return to Courier",
        "You can close this tab; Courier has your sign-in.".to_owned(),
    );
    let callback = Callback::Code {
        code,
        iss: get("iss"),
    };
    (reply, Some(callback))
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
