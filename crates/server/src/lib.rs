//! `courier-server`: the account server Courier's desktop app and CLI sign into.
//! Sign-up and sign-in pages, an OAuth 2.0 / OpenID Connect provider for native apps,
//! storage through [`courier_store`], and outgoing mail. [`Server::bind`] prepares
//! everything; [`Server::run`] serves until the shutdown future resolves.

#![forbid(unsafe_code)]

pub mod accounts;
pub mod api;
pub mod avatar;
pub mod clock;
pub mod crypto;
pub mod email_change;
pub mod error;
pub mod events;
pub mod keys;
pub mod mail;
pub mod notices;
pub mod oauth;
pub mod password;
pub mod pow;
pub mod profile;
pub mod ratelimit;
pub mod recovery;
mod router;
pub mod sessions;
pub mod settings;
pub mod state;
pub mod useragent;
pub mod validate;
pub mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
pub use settings::Settings;

use crate::mail::{Mailer, OutboxTransport, SmtpTransport, Transport};
use crate::state::{AppState, Issuer};

/// A server ready to accept connections on its listener.
pub struct Server {
    listener: TcpListener,
    state: AppState,
}

/// How often spent and expired rows are deleted.
const PURGE_INTERVAL: Duration = Duration::from_secs(600);

impl Server {
    /// Opens the database (running migrations), loads or creates the signing key
    /// and starts the mail worker. `listener` is already bound, so the port is known.
    pub async fn bind(
        settings: Settings,
        clock: Arc<dyn Clock>,
        listener: TcpListener,
    ) -> Result<Self> {
        let local = listener.local_addr()?;
        let issuer_url = settings
            .issuer
            .clone()
            .unwrap_or_else(|| format!("http://{local}"));
        let issuer = Issuer::parse(&issuer_url).map_err(Error::Config)?;
        std::fs::create_dir_all(&settings.data_dir)?;
        let store = courier_store::connect(&settings.database_url()).await?;
        let keys = keys::SigningKeys::load_or_create(&settings.data_dir)?;
        let transport: Arc<dyn Transport> = match &settings.smtp_url {
            Some(url) => Arc::new(SmtpTransport::from_url(url)?),
            None => Arc::new(OutboxTransport::new(settings.data_dir.join("outbox"))?),
        };
        let mailer = Mailer::start(&settings.mail_from, transport)?;
        let workers = settings.password_hash_workers.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(usize::from)
                .unwrap_or(2)
        });
        let passwords = password::PasswordHasher::new(workers)?;
        let limiter = ratelimit::RateLimiter::new(Arc::clone(&clock), settings.rate_limits.enabled);
        let pow = pow::ProofOfWork::load_or_create(&settings.data_dir, &settings.proof_of_work)?;
        let state = AppState {
            store,
            clock,
            issuer,
            keys: Arc::new(keys),
            passwords,
            limiter,
            mailer,
            events: Arc::new(events::EventHub::default()),
            pow: Arc::new(pow),
            settings: Arc::new(settings),
        };
        Ok(Self { listener, state })
    }

    /// The address the server accepts connections on.
    pub fn local_addr(&self) -> Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// The issuer identifier, as discovery publishes it.
    pub fn issuer(&self) -> &str {
        self.state.issuer.as_str()
    }

    /// Serves until `shutdown` resolves, then finishes the requests in flight.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        let purge = tokio::spawn(purge_forever(self.state.clone()));
        let app = router::build(self.state);
        let served = axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        purge.abort();
        Ok(served?)
    }
}

async fn purge_forever(state: AppState) {
    let mut interval = tokio::time::interval(PURGE_INTERVAL);
    loop {
        interval.tick().await;
        match state.store.purge_expired(state.clock.now()).await {
            Ok(0) => {}
            Ok(rows) => tracing::debug!(rows, "purged expired rows"),
            Err(error) => tracing::warn!(%error, "purging expired rows failed"),
        }
    }
}
