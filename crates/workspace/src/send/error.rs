//! Why a send gave no response, in words a person can act on. The UI branches on
//! [`SendError::kind`]; the message is for reading.

use std::error::Error as _;
use std::io;

use url::Url;

/// Why a request was not sent or no response came back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Found before sending: `{{names}}` with no variable behind them, each once.
    #[error("no value for {}", list_names(names))]
    Unresolved { names: Vec<String> },
    #[error("invalid URL “{url}”: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error(
        "“{method}” is not an HTTP method (a method is one word of letters, digits and !#$%&'*+-.^_`|~)"
    )]
    InvalidMethod { method: String },
    /// The header's value is never quoted: it may hold a secret.
    #[error("header “{name}”: {reason}")]
    InvalidHeader { name: String, reason: String },
    /// A form-data field's file was not there at send time.
    #[error("form field “{field}”: file not found: {path}")]
    FileNotFound { field: String, path: String },
    #[error("form field “{field}”: could not read {path}: {reason}")]
    FileUnreadable {
        field: String,
        path: String,
        reason: String,
    },
    #[error("could not find the server {host} (DNS lookup failed)")]
    Dns { host: String },
    #[error("connection refused by {address}: is the server running?")]
    ConnectionRefused { address: String },
    #[error("secure connection failed: {reason}")]
    Tls { reason: String },
    #[error("no complete response within {after_ms} ms")]
    Timeout { after_ms: u64 },
    #[error("stopped after {limit} redirects")]
    TooManyRedirects { limit: usize },
    #[error("cancelled")]
    Cancelled,
    /// Anything else on the way: a reset connection, a malformed response.
    #[error("the exchange failed: {reason}")]
    Connection { reason: String },
    #[error("could not set up the HTTP client: {reason}")]
    Client { reason: String },
}

impl SendError {
    /// A stable snake_case name for the UI to branch on (`{kind, message}` over IPC).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Unresolved { .. } => "unresolved_variables",
            Self::InvalidUrl { .. } => "invalid_url",
            Self::InvalidMethod { .. } => "invalid_method",
            Self::InvalidHeader { .. } => "invalid_header",
            Self::FileNotFound { .. } => "file_not_found",
            Self::FileUnreadable { .. } => "file_unreadable",
            Self::Dns { .. } => "dns",
            Self::ConnectionRefused { .. } => "connection_refused",
            Self::Tls { .. } => "tls",
            Self::Timeout { .. } => "timeout",
            Self::TooManyRedirects { .. } => "too_many_redirects",
            Self::Cancelled => "cancelled",
            Self::Connection { .. } => "connection",
            Self::Client { .. } => "client",
        }
    }

    /// The error reqwest gave for `url`, sorted into one of ours. reqwest does not type
    /// its causes, so the chain below it is read: an `io::Error` says "refused", and
    /// hyper-util's and rustls's messages say DNS and TLS.
    pub(crate) fn from_reqwest(error: &reqwest::Error, url: &Url, redirect_limit: usize) -> Self {
        if error.is_redirect() {
            return Self::TooManyRedirects {
                limit: redirect_limit,
            };
        }
        let host = url.host_str().unwrap_or_default().to_owned();
        let mut causes = Vec::new();
        let mut source = error.source();
        while let Some(cause) = source {
            if let Some(io) = cause.downcast_ref::<io::Error>()
                && io.kind() == io::ErrorKind::ConnectionRefused
            {
                let port = url.port_or_known_default().unwrap_or_default();
                return Self::ConnectionRefused {
                    address: format!("{host}:{port}"),
                };
            }
            causes.push(cause.to_string());
            source = cause.source();
        }
        let all = causes.join(": ").to_lowercase();
        let innermost = causes.last().cloned().unwrap_or_else(|| error.to_string());
        if all.contains("dns error") || all.contains("failed to lookup address") {
            Self::Dns { host }
        } else if ["certificate", "tls", "handshake"]
            .iter()
            .any(|word| all.contains(word))
        {
            Self::Tls { reason: innermost }
        } else {
            Self::Connection { reason: innermost }
        }
    }
}

fn list_names(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("{{{{{name}}}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unresolved_names_are_listed_as_typed() {
        let error = SendError::Unresolved {
            names: vec!["host".into(), "token".into()],
        };
        assert_eq!(error.to_string(), "no value for {{host}}, {{token}}");
        assert_eq!(error.kind(), "unresolved_variables");
    }
}
