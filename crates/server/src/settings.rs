//! Server configuration: built-in defaults, then an optional TOML file, then
//! `COURIER_…` environment variables (`COURIER_RATE_LIMITS__ENABLED=false`), then
//! command-line flags. Secrets (the SMTP URL with its password) hide in `Debug`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format as _, Serialized, Toml};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Everything `courier-server` can be told.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Where to listen. Loopback by default: plain HTTP must not leave the machine.
    pub addr: SocketAddr,
    /// Holds the SQLite database, the signing key and the mail outbox.
    pub data_dir: PathBuf,
    /// The public origin clients reach the server under (`https://accounts.example.com`).
    /// Defaults to `http://{addr}` once the listener is bound.
    pub issuer: Option<String>,
    /// `sqlite://…` (default: `courier.db` in the data folder).
    pub database_url: Option<String>,
    /// `smtp://user:pass@host:587` (STARTTLS required) or `smtps://…` (TLS); plain
    /// (`?tls=none`) only to a relay on loopback. Without it mail goes to `DATA/outbox/`.
    #[serde(skip_serializing)]
    pub smtp_url: Option<SecretString>,
    /// The sender of every mail.
    pub mail_from: String,
    /// The reverse proxies in front of the server (addresses or networks, e.g.
    /// `["127.0.0.1/32"]`). Only a request arriving from one of them has its
    /// `X-Forwarded-For` read, and then the right-most address that is not one of them
    /// is the client's. Empty (the default): the connection's address is the client's.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Argon2id hashes run on at most this many threads at once (default: the core count).
    pub password_hash_workers: Option<usize>,
    /// Where support requests from Account Settings → Support are mailed.
    pub support_email: String,
    pub rate_limits: RateLimitSettings,
    pub proof_of_work: ProofOfWorkSettings,
    pub tokens: TokenSettings,
    pub connections: ConnectionSettings,
    pub billing: BillingSettings,
}

/// Plans and payments.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct BillingSettings {
    /// Seconds between looks for renewals, payment retries and ends of grace periods
    /// that are due. At least 1.
    pub check_every: u64,
    /// Whether each plan's limits on members and workspaces are enforced (they are by
    /// default; off only for an installation that does not sell plans).
    pub enforce_limits: bool,
}

impl Default for BillingSettings {
    fn default() -> Self {
        Self {
            check_every: 60,
            enforce_limits: true,
        }
    }
}

/// How the tokens the server issues behave.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenSettings {
    /// Seconds after a refresh token is spent during which it may come back once more
    /// (a response lost on the way, two processes of one device refreshing together)
    /// and get fresh tokens instead of revoking the grant as stolen. 0 forgives
    /// nothing; at most 60.
    pub refresh_reuse_grace: i64,
}

impl Default for TokenSettings {
    fn default() -> Self {
        Self {
            refresh_reuse_grace: courier_store::DEFAULT_REFRESH_REUSE_GRACE,
        }
    }
}

/// How much of the server one client can hold.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnectionSettings {
    /// Seconds a connection may take to send a request head (also how long a
    /// kept-alive connection may sit idle between requests). At least 1.
    pub request_head_timeout: u64,
    /// Event channels (`/api/v1/events`) one account may have open at once.
    pub event_channels_per_account: usize,
    /// Event channels one client address may have open at once (an office behind one NAT).
    pub event_channels_per_address: usize,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            request_head_timeout: 5,
            event_channels_per_account: 16,
            event_channels_per_address: 64,
        }
    }
}

/// The "I'm not a robot" check of Trouble signing in? (and of sign-ins to an account
/// with too many failed ones): the browser searches for a number up to `max_number`
/// (half of it on average) whose SHA-256 with the challenge's salt matches; each
/// attempt costs one hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ProofOfWorkSettings {
    /// The difficulty when the server is quiet (at most 1,000,000). Tests use a tiny one.
    pub max_number: u64,
    /// Seconds a challenge can be answered after the page was served.
    pub challenge_lifetime: i64,
    /// Challenges served a minute (across all clients) at which the difficulty
    /// doubles; again at three times this, and so on up to 1,000,000. 0: never.
    pub busy_per_minute: u32,
}

impl Default for ProofOfWorkSettings {
    fn default() -> Self {
        Self {
            max_number: 100_000,
            challenge_lifetime: 20 * 60,
            busy_per_minute: 60,
        }
    }
}

/// How many attempts each sensitive endpoint accepts before answering 429.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimitSettings {
    pub enabled: bool,
    /// Sign-in attempts per client address per minute.
    pub signin_per_ip_per_minute: u32,
    /// Failed sign-ins per account per 15 minutes before every further attempt on it
    /// needs the "I'm not a robot" check (never a refusal: that would lock the owner
    /// out); its difficulty doubles with each further such number of failures.
    pub signin_failures_per_account: u32,
    /// Sign-ups (and confirmation resends) per client address per hour.
    pub signup_per_ip_per_hour: u32,
    /// Token-endpoint calls per client address per minute.
    pub token_per_ip_per_minute: u32,
    /// Email-change requests (each checks the password) per account per hour.
    pub email_change_per_account_per_hour: u32,
    /// Avatar uploads per account per hour.
    pub avatar_per_account_per_hour: u32,
    /// Support requests per account per hour.
    pub support_per_account_per_hour: u32,
    /// Password change attempts per account per hour.
    pub password_change_per_account_per_hour: u32,
    /// Trouble signing in? requests (and reset attempts) per client address per hour.
    pub password_reset_per_ip_per_hour: u32,
    /// Team invitations (addresses invited or invitations resent) per account per hour.
    pub invitations_per_account_per_hour: u32,
    /// Requests to join a team found by discovery (joins too) per account per hour.
    pub join_requests_per_account_per_hour: u32,
    /// Mails sent to one address per hour on someone else's request (confirmation,
    /// "you already have an account", reset link, email-change link): no one can
    /// bury an inbox, whatever addresses they come from.
    pub mail_per_recipient_per_hour: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            signin_per_ip_per_minute: 30,
            signin_failures_per_account: 10,
            signup_per_ip_per_hour: 20,
            token_per_ip_per_minute: 600,
            email_change_per_account_per_hour: 5,
            avatar_per_account_per_hour: 30,
            support_per_account_per_hour: 10,
            password_change_per_account_per_hour: 10,
            password_reset_per_ip_per_hour: 20,
            invitations_per_account_per_hour: 100,
            join_requests_per_account_per_hour: 30,
            mail_per_recipient_per_hour: 5,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 7878)),
            data_dir: default_data_dir(),
            issuer: None,
            database_url: None,
            smtp_url: None,
            mail_from: "Courier <no-reply@courier.localhost>".to_owned(),
            trusted_proxies: Vec::new(),
            password_hash_workers: None,
            support_email: "support@localhost".to_owned(),
            rate_limits: RateLimitSettings::default(),
            proof_of_work: ProofOfWorkSettings::default(),
            tokens: TokenSettings::default(),
            connections: ConnectionSettings::default(),
            billing: BillingSettings::default(),
        }
    }
}

impl Settings {
    /// Defaults, then `config_file` (if given), then `COURIER_…` variables.
    pub fn load(config_file: Option<&Path>) -> Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = config_file {
            if !path.exists() {
                return Err(Error::Config(format!(
                    "config file {} not found",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file(path));
        }
        figment
            .merge(Env::prefixed("COURIER_").split("__"))
            .extract()
            .map_err(|error| Error::Config(error.to_string()))
    }

    /// Settings for a throwaway server in `data_dir` (tests, benchmarks).
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            ..Self::default()
        }
    }

    /// The database this configuration names: `database_url`, else `courier.db` in the
    /// data folder.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("courier.db").display()))
    }
}

/// `$XDG_DATA_HOME/courier-server`, else `~/.local/share/courier-server`, else `./courier-data`.
fn default_data_dir() -> PathBuf {
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|value| !value.is_empty()) {
        return PathBuf::from(xdg).join("courier-server");
    }
    match std::env::var_os("HOME").filter(|value| !value.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/share/courier-server"),
        None => PathBuf::from("courier-data"),
    }
}
