//! Sending a request, from Rust and never from the webview: the webview's `fetch`
//! would impose CORS, forbid headers such as `Host` and `Cookie`, and hide timings.
//!
//! The steps: [`effective_auth`] picks the auth a request inherits; [`prepare`]
//! resolves every `{{variable}}` and refuses when any is missing (the UI calls it to
//! highlight them); [`Sender::send`] sends with reqwest, bounded by the timeout and
//! a [`CancellationToken`]; [`history_entry`] records it with secrets masked.
//!
//! Proxies come from the environment (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`,
//! `NO_PROXY`: see [`ProxyEnv`]) or, with none of those set, reqwest's discovery (the
//! system settings on macOS and Windows), read when a client is built (a
//! [`Sender`]'s first send with given options: a changed setting takes effect in a
//! new `Sender`). No cookie jar is kept between sends: cookies go out only
//! in the headers the person writes. Responses are not decompressed (no
//! `Accept-Encoding` is sent unless the person adds one).

mod auth;
mod error;
mod history;
mod prepare;
mod proxy;
mod response;

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, SET_COOKIE};
use reqwest::multipart::{Form, Part};
use reqwest::{Client, Method, redirect};
pub use tokio_util::sync::CancellationToken;

pub use auth::{effective_auth, folder_chain};
pub use error::SendError;
pub use history::{HistoryContext, history_entry};
pub use prepare::{BasicAuth, PreparedRequest, prepare};
pub use proxy::ProxyEnv;
pub use response::{BodyKind, Cookie, Header, Response, parse_set_cookie};

use crate::model::{Body, FormValue, SendOptions};

/// Redirects followed at most, when following is on.
pub const REDIRECT_LIMIT: usize = 10;
/// Bytes of response body kept by default; the rest is cut off (`truncated`).
pub const DEFAULT_BODY_LIMIT: usize = 50 * 1024 * 1024;
/// Sent as `User-Agent` unless the request sets one.
pub const USER_AGENT: &str = concat!("Courier/", env!("CARGO_PKG_VERSION"));

/// Sends prepared requests. Keep one for the app's life: it holds a reqwest client
/// (and so a connection pool) per combination of redirect and TLS settings.
pub struct Sender {
    clients: Mutex<HashMap<(bool, bool), Client>>,
    body_limit: usize,
    /// `None`: the process's environment, read when a client is built.
    proxy_env: Option<ProxyEnv>,
}

impl Default for Sender {
    fn default() -> Self {
        Self::with_body_limit(DEFAULT_BODY_LIMIT)
    }
}

impl Sender {
    pub fn new() -> Self {
        Self::default()
    }

    /// A sender that keeps at most `bytes` of each response body.
    pub fn with_body_limit(bytes: usize) -> Self {
        Self {
            clients: Mutex::new(HashMap::new()),
            body_limit: bytes,
            proxy_env: None,
        }
    }

    /// A sender that takes its proxies from `proxy_env` instead of the process's
    /// environment.
    pub fn with_proxy_env(proxy_env: ProxyEnv) -> Self {
        Self {
            proxy_env: Some(proxy_env),
            ..Self::default()
        }
    }

    /// Sends `request` and reads its response to the last byte (or the body limit).
    /// Returns [`SendError::Cancelled`] as soon as `cancel` fires, and
    /// [`SendError::Timeout`] when the whole exchange takes longer than
    /// `options.timeout_ms` (0: no limit); either way the connection is dropped.
    pub async fn send(
        &self,
        request: &PreparedRequest,
        options: &SendOptions,
        cancel: &CancellationToken,
    ) -> Result<Response, SendError> {
        let exchange = async {
            let client = self.client(options)?;
            let built = build(&client, request).await?;
            self.exchange(&client, built, request).await
        };
        let bounded = async {
            if options.timeout_ms == 0 {
                return exchange.await;
            }
            tokio::time::timeout(Duration::from_millis(options.timeout_ms), exchange)
                .await
                .unwrap_or(Err(SendError::Timeout {
                    after_ms: options.timeout_ms,
                }))
        };
        tokio::select! {
            biased;
            () = cancel.cancelled() => Err(SendError::Cancelled),
            outcome = bounded => outcome,
        }
    }

    fn client(&self, options: &SendOptions) -> Result<Client, SendError> {
        let key = (options.follow_redirects, options.verify_tls);
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let policy = if options.follow_redirects {
            redirect::Policy::limited(REDIRECT_LIMIT)
        } else {
            redirect::Policy::none()
        };
        let mut builder = Client::builder()
            .redirect(policy)
            .danger_accept_invalid_certs(!options.verify_tls)
            .user_agent(USER_AGENT);
        let proxy_env = self
            .proxy_env
            .clone()
            .unwrap_or_else(ProxyEnv::from_process);
        if !proxy_env.is_empty() {
            builder = builder.no_proxy();
            for proxy in proxy_env.proxies()? {
                builder = builder.proxy(proxy);
            }
        }
        let client = builder.build().map_err(|error| SendError::Client {
            reason: error.to_string(),
        })?;
        clients.insert(key, client.clone());
        Ok(client)
    }

    async fn exchange(
        &self,
        client: &Client,
        built: reqwest::Request,
        request: &PreparedRequest,
    ) -> Result<Response, SendError> {
        let failed =
            |error: reqwest::Error| SendError::from_reqwest(&error, &request.url, REDIRECT_LIMIT);
        let started = Instant::now();
        let mut response = client.execute(built).await.map_err(failed)?;
        let headers_at = started.elapsed();

        let status = response.status();
        let reason = response
            .extensions()
            .get::<hyper::ext::ReasonPhrase>()
            .map(|reason| String::from_utf8_lossy(reason.as_bytes()).into_owned())
            .or_else(|| status.canonical_reason().map(str::to_owned))
            .unwrap_or_default();
        let http_version = format!("{:?}", response.version());
        let headers: Vec<Header> = response
            .headers()
            .iter()
            .map(|(name, value)| Header {
                name: name.as_str().to_owned(),
                value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
            })
            .collect();
        let cookies = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| parse_set_cookie(&String::from_utf8_lossy(value.as_bytes())))
            .collect();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let url = response.url().to_string();

        let expected = response.content_length().unwrap_or(0) as usize;
        let mut body = Vec::with_capacity(expected.min(self.body_limit));
        let mut truncated = false;
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            let room = self.body_limit - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        let total = started.elapsed();

        Ok(Response {
            status: status.as_u16(),
            headers_size: response::head_size(&http_version, &reason, &headers),
            reason,
            http_version,
            url,
            headers,
            cookies,
            body_size: body.len() as u64,
            kind: BodyKind::detect(content_type.as_deref(), &body),
            body,
            truncated,
            headers_ms: headers_at.as_secs_f64() * 1000.0,
            total_ms: total.as_secs_f64() * 1000.0,
        })
    }
}

/// The reqwest request for `request`; form-data files are opened here, at send time.
async fn build(client: &Client, request: &PreparedRequest) -> Result<reqwest::Request, SendError> {
    // `prepare` checked the method and the headers.
    let method =
        Method::from_bytes(request.method.as_bytes()).map_err(|_| SendError::InvalidMethod {
            method: request.method.clone(),
        })?;
    let mut headers = HeaderMap::with_capacity(request.headers.len());
    for (name, value) in &request.headers {
        let invalid = || SendError::InvalidHeader {
            name: name.clone(),
            reason: "not a valid header".to_owned(),
        };
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        let value = HeaderValue::from_str(value).map_err(|_| invalid())?;
        headers.append(name, value);
    }
    if matches!(request.body, Body::FormData { .. }) {
        // reqwest writes multipart's own type, boundary included.
        headers.remove(CONTENT_TYPE);
    }
    let mut builder = client.request(method, request.url.clone()).headers(headers);
    if let Some(basic) = &request.basic_auth {
        builder = builder.basic_auth(&basic.username, Some(&basic.password));
    }
    builder = match &request.body {
        Body::None => builder,
        Body::Raw { text, .. } => builder.body(text.clone()),
        Body::UrlEncoded { fields } => {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            for field in fields {
                form.append_pair(&field.key, &field.value);
            }
            builder.body(form.finish())
        }
        Body::FormData { fields } => {
            let mut form = Form::new();
            for field in fields {
                form = match &field.value {
                    FormValue::Text { text } => form.text(field.key.clone(), text.clone()),
                    FormValue::File { path } => {
                        form.part(field.key.clone(), file_part(&field.key, path).await?)
                    }
                };
            }
            builder.multipart(form)
        }
    };
    builder.build().map_err(|error| SendError::Connection {
        reason: error.to_string(),
    })
}

async fn file_part(field: &str, path: &str) -> Result<Part, SendError> {
    Part::file(path).await.map_err(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            SendError::FileNotFound {
                field: field.to_owned(),
                path: path.to_owned(),
            }
        } else {
            SendError::FileUnreadable {
                field: field.to_owned(),
                path: path.to_owned(),
                reason: error.to_string(),
            }
        }
    })
}
