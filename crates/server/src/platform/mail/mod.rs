//! Outgoing mail, kept in the database until it is delivered, so a crash or a restart
//! loses none. A handler hands a [`Mail`] to the [`Mailer`], which stores it (the
//! store's [`MailQueue`]) before the handler answers, and wakes the delivery worker
//! ([`Mailer::deliver_forever`]). The worker sends due mail through a [`Transport`]
//! and records each outcome; when to retry, how long a delivery holds a mail and when
//! to give up are the store's rules. A slow or broken relay never blocks or fails the
//! request that caused the mail.
//!
//! Delivery is at least once: a mail whose delivery was cut short (a crash, a stop)
//! goes out again when its lease runs out, as the same message: its `Message-ID` and
//! `Date` come from the queue, so receivers can tell it is a repeat, and the outbox
//! overwrites its file. With no relay configured, mail lands as `.eml` files in the
//! outbox folder.

mod outbox;
mod smtp;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use courier_store::{
    ClaimedMail, MAIL_ATTEMPTS, MAIL_LEASE, MailFailure, MailQueue, OutgoingMail, UnixTime,
};
use lettre::Message;
use lettre::message::{Mailbox, header::ContentType};
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::platform::clock::Clock;
use crate::platform::crypto::new_id;
use crate::platform::ratelimit::{RateLimiter, Rule};

pub use outbox::OutboxTransport;
pub use smtp::SmtpTransport;

use crate::error::{Error, Result};

/// A plain-text mail to one recipient. `links` are the actionable URLs in the body;
/// the outbox transport logs them (at debug level) so a developer can follow them.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub links: Vec<String>,
}

/// Delivers one formatted message. `mail` is the queued mail it was built from; a
/// transport may be handed the same mail again (at least once), and should then
/// deliver the same message, not a second one.
#[async_trait::async_trait]
pub trait Transport: Send + Sync + 'static {
    async fn deliver(&self, message: &Message, mail: &OutgoingMail) -> Result<()>;
}

/// Queues mail in the store and delivers it.
#[derive(Clone)]
pub struct Mailer {
    queue: Arc<dyn MailQueue>,
    clock: Arc<dyn Clock>,
    from: Mailbox,
    /// Tells the worker that a mail was queued.
    wake: Arc<Notify>,
    /// Caps mail sent on someone else's request, per recipient ([`Mailer::send_on_request`]).
    per_recipient: Option<(RateLimiter, Rule)>,
}

/// Mails being delivered at once; the rest wait in the queue.
const IN_FLIGHT: usize = 16;
/// How often the worker looks for mail that became due (a retry, a lease that ran
/// out) when nothing wakes it.
const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// A delivery still running after this counts as failed. Well inside the lease, so a
/// mail is never handed to a second delivery while the first one still runs.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(60);
const _: () = assert!(2 * DELIVERY_TIMEOUT.as_secs() <= MAIL_LEASE as u64);

impl Mailer {
    /// A mailer sending as `from` through `queue`; nothing is delivered until
    /// [`Mailer::deliver_forever`] runs.
    pub fn new(from: &str, queue: Arc<dyn MailQueue>, clock: Arc<dyn Clock>) -> Result<Self> {
        let from: Mailbox = from
            .parse()
            .map_err(|error| Error::Config(format!("mail_from {from:?}: {error}")))?;
        Ok(Self {
            queue,
            clock,
            from,
            wake: Arc::default(),
            per_recipient: None,
        })
    }

    /// Limits [`Mailer::send_on_request`] to `max_per_hour` mails per recipient.
    #[must_use]
    pub fn with_recipient_limit(mut self, limiter: RateLimiter, max_per_hour: u32) -> Self {
        let rule = Rule {
            name: "mail_per_recipient",
            max: max_per_hour,
            window: crate::platform::clock::durations::HOUR,
        };
        self.per_recipient = Some((limiter, rule));
        self
    }

    /// Queues a mail that someone other than its recipient may have asked for (a
    /// sign-up, a reset, an email change typed by anyone). Past the recipient's hourly
    /// limit it is dropped without a word to the requester, whose answer must not
    /// change (it would tell whether the address has an account).
    pub async fn send_on_request(&self, mail: Mail) -> Result<()> {
        if let Some((limiter, rule)) = &self.per_recipient
            && limiter.hit(*rule, &mail.to.to_lowercase()).is_err()
        {
            tracing::info!(subject = %mail.subject, "recipient over its hourly mail limit; mail not sent");
            return Ok(());
        }
        self.send(mail).await
    }

    /// Stores a mail in the queue and returns; never waits for delivery. Once this
    /// returns, the mail survives a crash. A recipient that is not an address is
    /// logged and dropped.
    pub async fn send(&self, mail: Mail) -> Result<()> {
        if let Err(error) = mail.to.parse::<Mailbox>() {
            tracing::error!(%error, subject = %mail.subject, "mail recipient is not an address; mail dropped");
            return Ok(());
        }
        let Mail {
            to,
            subject,
            body,
            links,
        } = mail;
        let queued = OutgoingMail {
            id: new_mail_id(),
            to,
            subject,
            body,
            links,
            queued_at: self.clock.now(),
        };
        self.queue.enqueue_mail(&queued).await?;
        self.wake.notify_one();
        Ok(())
    }

    /// Delivers queued mail through `transport` until this future is dropped (the
    /// server stops): first whatever is due already (mail a crash or a restart left
    /// behind), then each mail as it is queued or becomes due again. Deliveries under
    /// way when it is dropped are cut short; their mails are due again when their
    /// lease runs out.
    pub async fn deliver_forever(self, transport: Arc<dyn Transport>) {
        let mut deliveries = JoinSet::new();
        loop {
            let free = IN_FLIGHT - deliveries.len();
            if free > 0 {
                for claimed in self.claim(free).await {
                    let mailer = self.clone();
                    let transport = Arc::clone(&transport);
                    deliveries.spawn(async move { mailer.deliver(&*transport, claimed).await });
                }
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(POLL_INTERVAL) => {}
                Some(joined) = deliveries.join_next(), if !deliveries.is_empty() => {
                    if let Err(error) = joined {
                        tracing::error!(%error, "a mail delivery task failed");
                    }
                }
            }
        }
    }

    /// Up to `limit` due mails, now held for delivery; logs the ones given up on.
    async fn claim(&self, limit: usize) -> Vec<ClaimedMail> {
        let limit = u32::try_from(limit).unwrap_or(u32::MAX);
        match self.queue.claim_mails(self.clock.now(), limit).await {
            Ok(claimed) => {
                for mail in claimed.abandoned {
                    tracing::error!(
                        id = %mail.id,
                        subject = %mail.subject,
                        attempts = mail.attempts,
                        "mail given up: none of its deliveries finished"
                    );
                }
                claimed.mails
            }
            Err(error) => {
                tracing::warn!(%error, "claiming queued mail failed");
                Vec::new()
            }
        }
    }

    /// One attempt at `claimed`, and its outcome recorded in the queue.
    async fn deliver(&self, transport: &dyn Transport, claimed: ClaimedMail) {
        let ClaimedMail { mail, attempt } = claimed;
        let delivered = match build_message(&self.from, &mail) {
            Ok(message) => {
                match tokio::time::timeout(DELIVERY_TIMEOUT, transport.deliver(&message, &mail))
                    .await
                {
                    Ok(delivered) => delivered.map_err(|error| error.to_string()),
                    Err(_) => Err(format!("no answer within {DELIVERY_TIMEOUT:?}")),
                }
            }
            Err(error) => Err(error),
        };
        let now = self.clock.now();
        let error = match delivered {
            Ok(()) => {
                if let Err(error) = self.queue.mail_delivered(&mail.id, now).await {
                    // It will go out again when its lease runs out, as the same message.
                    tracing::warn!(%error, id = %mail.id, "a delivered mail could not be recorded");
                }
                return;
            }
            Err(error) => error,
        };
        match self.queue.mail_failed(&mail.id, attempt, now).await {
            Ok(MailFailure::RetryAt(at)) => tracing::warn!(
                %error,
                attempt,
                retry_in_seconds = at - now,
                id = %mail.id,
                subject = %mail.subject,
                "mail delivery failed; will retry"
            ),
            Ok(MailFailure::Abandoned) => tracing::error!(
                %error,
                id = %mail.id,
                subject = %mail.subject,
                "mail not delivered after {MAIL_ATTEMPTS} attempts; given up"
            ),
            Ok(MailFailure::Stale) => {
                tracing::debug!(%error, id = %mail.id, "a late delivery failed; another holds the mail");
            }
            Err(store_error) => tracing::warn!(
                %error,
                %store_error,
                id = %mail.id,
                "mail delivery failed and could not be recorded; due again after its lease"
            ),
        }
    }
}

/// Distinguishes mails queued in the same nanosecond, keeping ids in queue order.
static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// `{nanoseconds since the epoch}-{sequence}-{random}`: unique (it names the message
/// to every receiver), and ids sort in the order mails were queued (outbox file names
/// are ids). Wall time, not the injected clock: nothing is decided by it.
fn new_mail_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    format!("{nanos:020}-{sequence:08}-{}", new_id())
}

/// The `Message-ID` of the queued mail `id`: the same on every delivery.
fn message_id(id: &str, from: &Mailbox) -> String {
    format!("<{id}@{}>", from.email.domain())
}

/// The message for `mail`, the same bytes on every attempt: its `Message-ID` and
/// `Date` come from the queue, not from the moment of delivery.
fn build_message(from: &Mailbox, mail: &OutgoingMail) -> Result<Message, String> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|error| format!("recipient: {error}"))?;
    Message::builder()
        .message_id(Some(message_id(&mail.id, from)))
        .date(unix_time(mail.queued_at))
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .map_err(|error| error.to_string())
}

fn unix_time(seconds: UnixTime) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::AtomicU32;

    use courier_store::{MailRecord, MailStatus, retry_delay};

    use super::*;
    use crate::platform::clock::ManualClock;

    const FROM: &str = "Courier <no-reply@courier.localhost>";

    /// A data folder and a manual clock, which a server and its restarts share.
    struct Setup {
        dir: tempfile::TempDir,
        clock: ManualClock,
    }

    impl Setup {
        fn new() -> Self {
            Self {
                dir: tempfile::tempdir().unwrap(),
                clock: ManualClock::starting_now(),
            }
        }

        /// The database, opened as a (re)started server opens it, and a mailer on it.
        async fn server(&self) -> (Arc<dyn MailQueue>, Mailer) {
            let url = format!("sqlite://{}", self.dir.path().join("courier.db").display());
            let queue: Arc<dyn MailQueue> = courier_store::connect(&url).await.unwrap();
            let clock = Arc::new(self.clock.clone());
            let mailer = Mailer::new(FROM, Arc::clone(&queue), clock).unwrap();
            (queue, mailer)
        }

        fn outbox(&self) -> PathBuf {
            self.dir.path().join("outbox")
        }
    }

    fn mail(subject: &str) -> Mail {
        let link = "https://courier.test/reset?token=secret".to_owned();
        Mail {
            to: "ada@example.com".into(),
            subject: subject.into(),
            body: format!("Open {link}"),
            links: vec![link],
        }
    }

    /// Waits (polling, at most 10 s) until `check` holds: for the worker's tasks to
    /// get there, never for time to pass.
    async fn until<F: Future<Output = bool>>(what: &str, mut check: impl FnMut() -> F) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !check().await {
            assert!(tokio::time::Instant::now() < deadline, "never: {what}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn record(queue: &dyn MailQueue, id: &str) -> MailRecord {
        let record = queue.queued_mail(id).await.unwrap();
        record.expect("the queued mail")
    }

    /// Waits until the mail `id` is recorded as delivered; returns its record.
    async fn delivered(queue: &dyn MailQueue, id: &str) -> MailRecord {
        until("the delivery recorded", || async {
            record(queue, id).await.status == MailStatus::Delivered
        })
        .await;
        record(queue, id).await
    }

    /// Fails the first `failures` attempts, succeeds after; records the ids it is given.
    struct Flaky {
        failures: u32,
        attempted: std::sync::Mutex<Vec<String>>,
        delivered: AtomicU32,
    }

    impl Flaky {
        fn failing(failures: u32) -> Arc<Self> {
            Arc::new(Self {
                failures,
                attempted: std::sync::Mutex::default(),
                delivered: AtomicU32::new(0),
            })
        }

        fn attempted(&self) -> Vec<String> {
            self.attempted.lock().unwrap().clone()
        }

        fn delivered(&self) -> u32 {
            self.delivered.load(Ordering::SeqCst)
        }
    }

    #[async_trait::async_trait]
    impl Transport for Flaky {
        async fn deliver(&self, _message: &Message, mail: &OutgoingMail) -> Result<()> {
            let attempt = {
                let mut attempted = self.attempted.lock().unwrap();
                attempted.push(mail.id.clone());
                attempted.len()
            };
            if attempt <= self.failures as usize {
                return Err(Error::Io(std::io::Error::other("relay down")));
            }
            self.delivered.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    /// Writes the mail to the outbox, then never answers: a crash after the relay
    /// took the mail and before the queue heard of it.
    struct DeliversThenHangs(OutboxTransport);

    #[async_trait::async_trait]
    impl Transport for DeliversThenHangs {
        async fn deliver(&self, message: &Message, mail: &OutgoingMail) -> Result<()> {
            self.0.deliver(message, mail).await?;
            std::future::pending().await
        }
    }

    /// The `.eml` files in `outbox`.
    fn mails_in(outbox: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(outbox)
            .map(|entries| {
                entries
                    .map(|entry| entry.unwrap().path())
                    .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn a_sent_mail_is_stored_before_send_returns_and_a_later_worker_delivers_it() {
        let setup = Setup::new();
        {
            // No worker: the server stops (or crashes) right after answering.
            let (_, mailer) = setup.server().await;
            mailer.send(mail("welcome")).await.unwrap();
        }
        let (queue, mailer) = setup.server().await;
        let transport = Flaky::failing(0);
        let worker = tokio::spawn(mailer.deliver_forever(transport.clone()));
        until("the mail delivered", || async {
            transport.delivered() == 1
        })
        .await;
        let delivered = delivered(&*queue, &transport.attempted()[0]).await;
        assert_eq!(
            (delivered.subject.as_str(), delivered.attempts),
            ("welcome", 1)
        );
        assert_eq!(delivered.body, None, "no live link kept once delivered");
        assert!(delivered.links.is_empty());
        worker.abort();
    }

    #[tokio::test]
    async fn a_failed_delivery_is_retried_after_its_backoff_until_the_relay_recovers() {
        let setup = Setup::new();
        let clock = &setup.clock;
        let (queue, mailer) = setup.server().await;
        let transport = Flaky::failing(2);
        let worker = tokio::spawn(mailer.clone().deliver_forever(transport.clone()));
        mailer.send(mail("welcome")).await.unwrap();
        for failed in 1..=2 {
            until("the attempt", || async {
                transport.attempted().len() == failed
            })
            .await;
            let id = transport.attempted()[0].clone();
            let backoff = retry_delay(u32::try_from(failed).unwrap());
            until("the failure recorded", || async {
                record(&*queue, &id).await.due_at == clock.now() + backoff
            })
            .await;
            assert_eq!(
                transport.attempted().len(),
                failed,
                "nothing before its time"
            );
            clock.advance(backoff);
            mailer.wake.notify_one();
        }
        until("the mail delivered", || async {
            transport.delivered() == 1
        })
        .await;
        let id = transport.attempted()[0].clone();
        assert_eq!(transport.attempted(), [id.as_str(); 3]);
        assert_eq!(delivered(&*queue, &id).await.attempts, 3);
        worker.abort();
    }

    #[tokio::test]
    async fn a_delivery_cut_short_goes_out_again_after_its_lease_as_the_same_message() {
        let setup = Setup::new();
        let outbox = setup.outbox();
        let (_, first) = setup.server().await;
        let hangs = Arc::new(DeliversThenHangs(
            OutboxTransport::new(outbox.clone()).unwrap(),
        ));
        let crashed = tokio::spawn(first.clone().deliver_forever(hangs));
        first.send(mail("Reset your password")).await.unwrap();
        until("the mail written", || async {
            mails_in(&outbox).len() == 1
        })
        .await;
        crashed.abort();
        let _ = crashed.await;
        let written = std::fs::read(&mails_in(&outbox)[0]).unwrap();

        // A new server on the same database: the mail is held until its lease ends.
        let (queue, second) = setup.server().await;
        let outbox_transport = Arc::new(OutboxTransport::new(outbox.clone()).unwrap());
        let worker = tokio::spawn(second.clone().deliver_forever(outbox_transport));
        setup.clock.advance(MAIL_LEASE);
        second.wake.notify_one();
        let name = mails_in(&outbox)[0].clone();
        let id = name.file_stem().unwrap().to_str().unwrap().to_owned();
        assert_eq!(delivered(&*queue, &id).await.attempts, 2);
        assert_eq!(
            mails_in(&outbox),
            std::slice::from_ref(&name),
            "one file: the same mail"
        );
        assert_eq!(std::fs::read(&name).unwrap(), written, "the same message");
        let text = String::from_utf8(written).unwrap();
        assert!(
            text.contains(&format!("Message-ID: <{id}@courier.localhost>")),
            "{text}"
        );
        worker.abort();
    }

    #[tokio::test]
    async fn a_recipient_that_is_not_an_address_is_dropped_at_once() {
        let setup = Setup::new();
        let (queue, mailer) = setup.server().await;
        let broken = Mail {
            to: "not an address".into(),
            ..mail("broken")
        };
        mailer.send(broken).await.unwrap();
        let claimed = queue.claim_mails(setup.clock.now(), 10).await.unwrap();
        assert!(claimed.mails.is_empty(), "nothing queued");
    }
}
