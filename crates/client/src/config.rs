//! Where the client keeps things and how it introduces itself. Each environment
//! (production, development, a test) gets its own data folder and keyring service
//! name, so a development build never touches a person's real accounts.

use std::path::PathBuf;
use std::time::Duration;

/// Settings of one client instance.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Holds `accounts.json` (no secrets).
    pub data_dir: PathBuf,
    /// The keyring service name entries are stored under.
    pub keyring_service: String,
    /// The server used when none is given.
    pub default_server: String,
    /// How the device is named on the server's sessions list.
    pub device: Device,
    /// Refresh access tokens this long before they expire.
    pub refresh_margin_secs: i64,
    pub http_timeout: Duration,
}

/// The device name and OS sent with a sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub name: String,
    pub os: String,
}

impl Device {
    /// This machine: its host name and OS.
    pub fn this_machine() -> Self {
        let name = hostname::get()
            .ok()
            .and_then(|name| name.into_string().ok())
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "this computer".to_owned());
        Self {
            name,
            os: os_name(),
        }
    }
}

fn os_name() -> String {
    // Linux: the distribution's pretty name when it has one ("Debian GNU/Linux 12 (bookworm)").
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|release| {
            release.lines().find_map(|line| {
                line.strip_prefix("PRETTY_NAME=")
                    .map(|value| value.trim_matches('"').to_owned())
            })
        })
        .unwrap_or_else(|| std::env::consts::OS.to_owned())
}

/// Which installation this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Production,
    Development,
}

impl ClientConfig {
    /// The folder and keyring service for `environment`, overridable with
    /// `COURIER_DATA_DIR`, `COURIER_KEYRING_SERVICE` and `COURIER_SERVER`.
    pub fn for_environment(environment: Environment) -> Self {
        let (folder, service) = match environment {
            Environment::Production => ("courier", "courier"),
            Environment::Development => ("courier-dev", "courier-dev"),
        };
        let base = std::env::var_os("XDG_DATA_HOME")
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share"))
            })
            .unwrap_or_else(|| PathBuf::from("."));
        let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        Self {
            data_dir: env("COURIER_DATA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| base.join(folder)),
            keyring_service: env("COURIER_KEYRING_SERVICE").unwrap_or_else(|| service.to_owned()),
            default_server: env("COURIER_SERVER")
                .unwrap_or_else(|| "http://127.0.0.1:7878".to_owned()),
            device: Device::this_machine(),
            refresh_margin_secs: 60,
            http_timeout: Duration::from_secs(15),
        }
    }

    /// A configuration for a throwaway data folder (tests, benchmarks).
    pub fn for_data_dir(
        data_dir: impl Into<PathBuf>,
        keyring_service: &str,
        default_server: &str,
    ) -> Self {
        Self {
            data_dir: data_dir.into(),
            keyring_service: keyring_service.to_owned(),
            default_server: default_server.to_owned(),
            device: Device::this_machine(),
            refresh_margin_secs: 60,
            http_timeout: Duration::from_secs(15),
        }
    }

    /// The HTTP client every server call goes through: no redirects (a token
    /// endpoint that redirects is refused, not followed), bounded timeouts.
    pub fn http_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(self.http_timeout)
            .user_agent(concat!("courier/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default()
    }
}
