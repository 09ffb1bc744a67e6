//! `courier-server`: the account server Courier's desktop app and CLI sign into.
//! Sign-up and sign-in pages, an OAuth 2.0 / OpenID Connect provider for native apps,
//! the account API, and outgoing mail; storage is [`courier_store`]'s. Three layers,
//! each depending only on those below it: `http` (handlers) → the domain modules
//! (account rules) → `platform` (clock, crypto, hashing, limits, mail, event hub).
//! [`Server::bind`] prepares everything; [`Server::run`] serves until the shutdown
//! future resolves.

#![forbid(unsafe_code)]

// Platform: generic pieces with no account rules.
mod platform;

// Domains: the account rules the pages and the API share.
mod accounts;
mod billing;
mod email_change;
mod notices;
mod profile;
mod sessions;
mod sync_keys;
mod teams;
mod workspaces;

// HTTP: pages, OAuth endpoints and the JSON API, depending on the domains.
mod http;

mod error;
mod settings;
mod state;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

pub use error::{Error, Result};
pub use http::oauth::ACCESS_TOKEN_LIFETIME;
pub use platform::clock::{Clock, ManualClock, SystemClock};
pub use platform::crypto::{new_token, token_digest};
pub use platform::password::PasswordHasher;
pub use settings::Settings;

use crate::platform::issuer::Issuer;
use crate::platform::mail::{Mailer, OutboxTransport, SmtpTransport, Transport};
use crate::state::AppState;

/// A server ready to accept connections on its listener.
pub struct Server {
    listener: TcpListener,
    state: AppState,
    /// Where the mail worker delivers, from [`Server::run`] on.
    transport: Arc<dyn Transport>,
}

/// How often spent and expired rows are deleted.
const PURGE_INTERVAL: Duration = Duration::from_secs(600);

impl Server {
    /// Opens the database (running migrations), loads or creates the signing key
    /// and prepares the mail transport. `listener` is already bound, so the port is
    /// known.
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
        platform::files::create_private_dir(&settings.data_dir)?;
        let database_url = settings.database_url();
        let store = courier_store::connect(&database_url).await?;
        let events = platform::hub::EventHub::for_database(&database_url).await?;
        let keys =
            platform::keys::SigningKeys::load(store.as_ref(), &settings.data_dir, clock.now())
                .await?;
        let transport: Arc<dyn Transport> = match &settings.smtp_url {
            Some(url) => Arc::new(SmtpTransport::from_url(url)?),
            None => Arc::new(OutboxTransport::new(settings.data_dir.join("outbox"))?),
        };
        let limiter =
            platform::ratelimit::RateLimiter::new(Arc::clone(&clock), settings.rate_limits.enabled);
        let mailer = Mailer::new(&settings.mail_from, store.clone(), Arc::clone(&clock))?
            .with_recipient_limit(
                limiter.clone(),
                settings.rate_limits.mail_per_recipient_per_hour,
            );
        let workers = settings.password_hash_workers.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(usize::from)
                .unwrap_or(2)
        });
        let passwords = PasswordHasher::new(workers)?;
        let pow = platform::pow::ProofOfWork::load(
            store.as_ref(),
            &settings.data_dir,
            &settings.proof_of_work,
        )
        .await?;
        let payments = Arc::new(platform::payments::Payments::test_mode(store.as_ref()).await?);
        let state = AppState {
            store,
            clock,
            issuer,
            keys: Arc::new(keys),
            passwords,
            limiter,
            mailer,
            events: Arc::new(events),
            event_channels: Arc::new(platform::channel_slots::ChannelSlots::with_caps(
                settings.connections.event_channels_per_account,
                settings.connections.event_channels_per_address,
            )),
            pow: Arc::new(pow),
            settings: Arc::new(settings),
            payments,
        };
        Ok(Self {
            listener,
            state,
            transport,
        })
    }

    /// The address the server accepts connections on.
    pub fn local_addr(&self) -> Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// The issuer identifier, as discovery publishes it.
    pub fn issuer(&self) -> &str {
        self.state.issuer.as_str()
    }

    /// Delivers queued mail (what an earlier run left first) and serves until
    /// `shutdown` resolves, then finishes the requests in flight and stops delivering:
    /// a mail cut short goes out on a later run, when its lease has run out.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        let purge = tokio::spawn(purge_forever(self.state.clone()));
        let keys = tokio::spawn(reload_keys_forever(self.state.clone()));
        let mail = tokio::spawn(self.state.mailer.clone().deliver_forever(self.transport));
        let billing_every = Duration::from_secs(self.state.settings.billing.check_every.max(1));
        let billing = tokio::spawn(billing::renewals::run_forever(
            self.state.clone(),
            billing_every,
        ));
        let head_timeout =
            Duration::from_secs(self.state.settings.connections.request_head_timeout.max(1));
        let app = http::router::build(self.state);
        http::serve::serve(self.listener, app, head_timeout, shutdown).await;
        purge.abort();
        keys.abort();
        billing.abort();
        mail.abort();
        let _ = mail.await;
        Ok(())
    }
}

/// Rotates the signing keys when due and picks up another instance's rotation.
async fn reload_keys_forever(state: AppState) {
    let mut interval = tokio::time::interval(platform::keys::RELOAD_EVERY);
    interval.tick().await;
    loop {
        interval.tick().await;
        if let Err(error) = state
            .keys
            .reload(state.store.as_ref(), state.clock.now())
            .await
        {
            tracing::warn!(%error, "reloading the signing keys failed");
        }
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
