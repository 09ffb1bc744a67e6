//! The client's errors. Each has a stable [`Error::kind`] that the CLI and the desktop
//! app branch on (`{kind, message}` over IPC); messages are written for the person
//! reading them and never contain tokens.

use courier_proto::{ErrorKind, FieldError};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How a sign-in attempt ended without an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInFailure {
    /// The five-minute window passed before the browser came back.
    Expired,
    /// The person pressed Skip (or the caller cancelled).
    Cancelled,
    /// The person declined in the browser (`error=access_denied`).
    CancelledInBrowser,
    /// The server sent the browser back with another error.
    Refused {
        error: String,
        description: Option<String>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    SignIn(SignInFailureMessage),
    #[error("the server address {url:?} is not allowed: {reason}")]
    InsecureServer { url: String, reason: &'static str },
    #[error("the server address {0:?} is not a valid URL")]
    InvalidServerUrl(String),
    #[error("cannot reach {server}: {reason}")]
    Network { server: String, reason: String },
    #[error("the server answered unexpectedly: {0}")]
    Protocol(String),
    #[error("the sign-in for {account} has ended; sign in again")]
    ReauthRequired { account: String },
    #[error("no secret store is available: {reason}. {remedy}")]
    KeyringUnavailable {
        reason: String,
        remedy: &'static str,
    },
    #[error("the secret store failed: {0}")]
    Keyring(String),
    #[error("no account {0:?} is signed in here")]
    UnknownAccount(String),
    #[error("no account is active; sign in first")]
    NoActiveAccount,
    #[error("{0}")]
    Browser(String),
    #[error("cannot open a loopback port for the browser to return to: {0}")]
    Listener(String),
    #[error("local data in {path}: {reason}")]
    LocalData { path: String, reason: String },
    /// A file the person chose could not be read or written.
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
    /// The OS's file dialog failed (not: the person cancelled it).
    #[error("the file dialog failed: {0}")]
    FileDialog(String),
    /// The device's database of work refused or failed (`not_found`, `invalid`,
    /// `conflict`, `storage`).
    #[error(transparent)]
    Workspace(#[from] courier_workspace::db::Error),
    /// A request could not be sent or got no response (the sender's kinds:
    /// `unresolved_variables`, `connection_refused`, `timeout`, `cancelled` …).
    #[error(transparent)]
    Send(#[from] courier_workspace::send::SendError),
    /// The account API refused a request (`{kind, message, fields}` from the server,
    /// or the same shape for what the client refuses before sending).
    #[error("{}", api_message(message, *retry_after))]
    Api {
        kind: ErrorKind,
        message: String,
        /// With `invalid_input`: the refused fields, to show beside them.
        fields: Vec<FieldError>,
        /// With `rate_limited`: seconds to wait (`Retry-After`), when the server said.
        retry_after: Option<u64>,
    },
}

fn api_message(message: &str, retry_after: Option<u64>) -> String {
    match retry_after {
        Some(seconds) => format!("{message} (try again in {seconds} s)"),
        None => message.to_owned(),
    }
}

/// A [`SignInFailure`] with its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInFailureMessage(pub SignInFailure);

impl std::fmt::Display for SignInFailureMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            SignInFailure::Expired => f.write_str(
                "the sign-in expired: it must be finished in the browser within five minutes",
            ),
            SignInFailure::Cancelled => f.write_str("the sign-in was cancelled"),
            SignInFailure::CancelledInBrowser => {
                f.write_str("the sign-in was cancelled in the browser")
            }
            SignInFailure::Refused { error, description } => match description {
                Some(description) => {
                    write!(f, "the server refused the sign-in: {description} ({error})")
                }
                None => write!(f, "the server refused the sign-in ({error})"),
            },
        }
    }
}

impl Error {
    /// Refused on this side before anything was sent or changed, shaped like the
    /// server's answer: `kind`, and `message` beside `field`.
    pub(crate) fn refused_field(kind: ErrorKind, field: &str, message: &str) -> Self {
        Error::Api {
            kind,
            message: message.to_owned(),
            fields: vec![FieldError {
                field: field.to_owned(),
                message: message.to_owned(),
            }],
            retry_after: None,
        }
    }

    pub fn sign_in(failure: SignInFailure) -> Self {
        Error::SignIn(SignInFailureMessage(failure))
    }

    /// A stable, machine-readable name for this error.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::SignIn(SignInFailureMessage(failure)) => match failure {
                SignInFailure::Expired => "sign_in_expired",
                SignInFailure::Cancelled => "sign_in_cancelled",
                SignInFailure::CancelledInBrowser => "sign_in_cancelled_in_browser",
                SignInFailure::Refused { .. } => "sign_in_refused",
            },
            Error::InsecureServer { .. } => "insecure_server",
            Error::InvalidServerUrl(_) => "invalid_server_url",
            Error::Network { .. } => "network",
            Error::Protocol(_) => "protocol",
            Error::ReauthRequired { .. } => "reauth_required",
            Error::KeyringUnavailable { .. } => "keyring_unavailable",
            Error::Keyring(_) => "keyring",
            Error::UnknownAccount(_) => "unknown_account",
            Error::NoActiveAccount => "no_active_account",
            Error::Browser(_) => "browser",
            Error::Listener(_) => "listener",
            Error::LocalData { .. } => "local_data",
            Error::File { .. } => "file",
            Error::FileDialog(_) => "file_dialog",
            Error::Workspace(error) => error.kind().as_str(),
            Error::Send(error) => error.kind(),
            // The server's own names, so the UI branches on the same words.
            Error::Api { kind, .. } => match kind {
                ErrorKind::InvalidInput => "invalid_input",
                ErrorKind::Unauthorized => "unauthorized",
                ErrorKind::Forbidden => "forbidden",
                ErrorKind::NotFound => "not_found",
                ErrorKind::Conflict => "conflict",
                ErrorKind::PayloadTooLarge => "payload_too_large",
                ErrorKind::PlanLimit => "plan_limit",
                ErrorKind::PaymentFailed => "payment_failed",
                ErrorKind::RateLimited => "rate_limited",
                ErrorKind::Internal => "internal",
            },
        }
    }

    /// The refused fields of an `invalid_input` error (empty for every other error).
    pub fn fields(&self) -> &[FieldError] {
        match self {
            Error::Api { fields, .. } => fields,
            _ => &[],
        }
    }

    /// The `{{names}}` with no value behind them, when a send was refused for them.
    pub fn unresolved_variables(&self) -> &[String] {
        match self {
            Error::Send(courier_workspace::send::SendError::Unresolved { names }) => names,
            _ => &[],
        }
    }

    /// A failed read or write of the file at `path`, in words (`No such file…`).
    pub fn file(path: &std::path::Path, error: &std::io::Error) -> Self {
        Error::File {
            path: path.display().to_string(),
            reason: error.to_string(),
        }
    }

    pub(crate) fn network(server: &str, error: &reqwest::Error) -> Self {
        let reason = if error.is_timeout() {
            "the server did not answer in time".to_owned()
        } else if error.is_connect() {
            "the connection was refused or the address could not be resolved".to_owned()
        } else if error.is_request() || error.is_body() {
            "the connection was cut before the server answered".to_owned()
        } else {
            // reqwest's Display carries the URL, which never holds a secret here (tokens
            // travel in bodies and headers only).
            error.to_string()
        };
        Error::Network {
            server: server.to_owned(),
            reason,
        }
    }
}
