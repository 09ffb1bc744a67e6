//! Which backend the suite runs against, and the records tests start from.
//!
//! `COURIER_TEST_DATABASE_URL` unset: a fresh SQLite database per test. Set to a
//! `postgres://` URL (`scripts/with-postgres.sh` gives one): a fresh database per test,
//! created through that URL's connection, so rules that look at every row (the mail
//! queue's next due mail, the purges) see only the test's own. Any other URL: that
//! database as it is (its scheme picks the backend through `courier_store::connect`),
//! with every test's rows kept apart by unique ids, emails and usernames.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use courier_store::{
    AuthCode, AuthRequest, ClientSeen, Grant, IssuedTokens, LinkPurpose, MailLink, NewWebSession,
    RedeemOutcome, RefreshOutcome, Store, UnixTime, User,
};

/// The variable naming a database to test instead of a temporary SQLite file.
pub const DATABASE_URL_VAR: &str = "COURIER_TEST_DATABASE_URL";

/// A store under test; keeps its temporary folder (if any) alive.
pub struct Backend {
    pub store: Arc<dyn Store>,
    /// Its database, for what no trait does (an account deleted outright).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl std::ops::Deref for Backend {
    type Target = dyn Store;
    fn deref(&self) -> &Self::Target {
        self.store.as_ref()
    }
}

/// Opens the backend this run tests.
pub async fn open() -> Backend {
    let (url, dir) = match std::env::var(DATABASE_URL_VAR) {
        Ok(url) if url.starts_with("postgres") => (fresh_postgres_database(&url).await, None),
        Ok(url) if !url.is_empty() => (url, None),
        _ => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("courier.db").display());
            (url, Some(dir))
        }
    };
    Backend {
        store: courier_store::connect(&url).await.unwrap(),
        url,
        _dir: dir,
    }
}

impl Backend {
    /// Deletes an account's row, as an operator would: no store method does, and what
    /// hangs off it must go with it (`ON DELETE CASCADE`).
    pub async fn delete_account(&self, id: &str) {
        use sqlx::Connection as _;
        const DELETE: &str = "DELETE FROM users WHERE id = $1";
        let deleted = if self.url.starts_with("sqlite") {
            let options: sqlx::sqlite::SqliteConnectOptions = self.url.parse().unwrap();
            let mut connection = sqlx::SqliteConnection::connect_with(&options.foreign_keys(true))
                .await
                .unwrap();
            let done = sqlx::query(DELETE).bind(id).execute(&mut connection);
            done.await.unwrap().rows_affected()
        } else {
            let mut connection = sqlx::PgConnection::connect(&self.url).await.unwrap();
            let done = sqlx::query(DELETE).bind(id).execute(&mut connection);
            done.await.unwrap().rows_affected()
        };
        assert_eq!(deleted, 1, "account {id}");
    }
}

/// Creates an empty database beside the one `url` names and returns its URL.
async fn fresh_postgres_database(url: &str) -> String {
    use sqlx::Connection as _;
    let name = unique("t").to_lowercase();
    let mut admin = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let (server, _database) = base.rsplit_once('/').unwrap();
    if query.is_empty() {
        format!("{server}/{name}")
    } else {
        format!("{server}/{name}?{query}")
    }
}

/// A value no other test (or earlier run on a shared database) uses.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{prefix}{}x{nanos}x{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fixed "now" far from the Unix epoch, so `now - a day` stays positive.
pub const NOW: UnixTime = 1_900_000_000;

/// Creates a confirmed account with unique id, email and username.
pub async fn user(store: &dyn Store) -> User {
    new_user(store, Some(NOW)).await
}

/// Creates an account whose address is not confirmed yet, otherwise like [`user`].
pub async fn unconfirmed_user(store: &dyn Store) -> User {
    new_user(store, None).await
}

async fn new_user(store: &dyn Store, email_confirmed_at: Option<UnixTime>) -> User {
    let name = unique("u");
    let user = User {
        id: unique("id-"),
        email: format!("{name}@example.test"),
        username: name,
        password_hash: "hash-0".to_owned(),
        name: Some("Ada".to_owned()),
        email_confirmed_at,
        created_at: NOW,
    };
    store.create_user(&user).await.unwrap();
    user
}

/// A mail link of `user` for `purpose`, sent to `email`, expiring at `expires_at`.
pub fn link(user: &User, purpose: LinkPurpose, email: &str, expires_at: UnixTime) -> MailLink {
    MailLink {
        digest: unique("link-"),
        user_id: user.id.clone(),
        purpose,
        email: email.to_owned(),
        created_at: NOW,
        expires_at,
    }
}

/// A pending authorization request, expiring five minutes after [`NOW`].
pub fn request() -> AuthRequest {
    AuthRequest {
        id: unique("req-"),
        client_id: "courier-desktop".to_owned(),
        redirect_uri: "http://127.0.0.1/callback".to_owned(),
        scope: "openid offline_access".to_owned(),
        state: Some("state".to_owned()),
        nonce: Some("nonce".to_owned()),
        code_challenge: "challenge".to_owned(),
        prompt: None,
        login_hint: Some("ada".to_owned()),
        device_name: Some("laptop".to_owned()),
        device_os: Some("Linux".to_owned()),
        created_at: NOW,
        expires_at: NOW + 300,
        completed_at: None,
    }
}

/// The code that completes `request` for `user`, expiring a minute after [`NOW`].
pub fn code(request: &AuthRequest, user: &User) -> AuthCode {
    AuthCode {
        digest: unique("code-"),
        request_id: request.id.clone(),
        user_id: user.id.clone(),
        client_id: request.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        scope: request.scope.clone(),
        nonce: request.nonce.clone(),
        code_challenge: request.code_challenge.clone(),
        keep_signed_in: true,
        auth_time: NOW,
        device_name: request.device_name.clone(),
        device_os: request.device_os.clone(),
        created_at: NOW,
        expires_at: NOW + 60,
    }
}

/// A grant of `user` from `device`, 30 days long.
pub fn grant(user: &User, device: Option<&str>) -> Grant {
    Grant {
        id: unique("grant-"),
        user_id: user.id.clone(),
        client_id: "courier-desktop".to_owned(),
        scope: "openid offline_access".to_owned(),
        keep_signed_in: true,
        auth_time: NOW,
        created_at: NOW,
        expires_at: NOW + 30 * 86_400,
        device_name: device.map(str::to_owned),
        device_os: device.map(|_| "Linux".to_owned()),
        user_agent: Some("courier-cli/1".to_owned()),
        ip: Some("127.0.0.1".to_owned()),
        first_used_at: NOW,
        last_used_at: NOW,
    }
}

/// Fresh token digests, the access token living an hour.
pub fn tokens(now: UnixTime) -> IssuedTokens {
    IssuedTokens {
        access_digest: unique("access-"),
        access_expires_at: now + 3600,
        refresh_digest: Some(unique("refresh-")),
    }
}

/// A grant of `user` made the real way (request, code, redemption), with its tokens.
pub async fn signed_in(store: &dyn Store, user: &User) -> (Grant, IssuedTokens) {
    let request = request();
    store.insert_auth_request(&request).await.unwrap();
    let code = code(&request, user);
    assert!(store.complete_auth_request(&code, NOW).await.unwrap());
    let grant = grant(user, Some("laptop"));
    let tokens = tokens(NOW);
    let outcome = store
        .redeem_code(&code.digest, NOW, &grant, &tokens)
        .await
        .unwrap();
    assert!(
        matches!(outcome, RedeemOutcome::Redeemed { .. }),
        "{outcome:?}"
    );
    (grant, tokens)
}

/// A browser session of `user`, 30 minutes long; returns its cookie digest.
pub async fn browser(store: &dyn Store, user: &User) -> NewWebSession {
    let session = NewWebSession {
        digest: unique("cookie-"),
        id: unique("web-"),
        user_id: user.id.clone(),
        keep_signed_in: false,
        created_at: NOW,
        expires_at: NOW + 1800,
        user_agent: Some("Firefox".to_owned()),
        ip: Some("127.0.0.2".to_owned()),
    };
    store.create_web_session(&session, None).await.unwrap();
    session
}

/// Presents the refresh token `digest` as the desktop app at `at`, asking for fresh
/// tokens issued then.
pub async fn rotate(store: &dyn Store, digest: &str, at: UnixTime) -> RefreshOutcome {
    store
        .rotate_refresh_token(
            digest,
            "courier-desktop",
            at,
            &tokens(at),
            &ClientSeen::default(),
            courier_store::DEFAULT_REFRESH_REUSE_GRACE,
        )
        .await
        .unwrap()
}

/// How many tasks race in the concurrency tests: as many as a PostgreSQL store's pool
/// has connections, so they meet inside their transactions rather than queue for one.
pub const RACERS: usize = 16;

/// Runs `task(i, store)` for every `i < n` as its own task, all released together (a
/// barrier), and returns the results in `i` order: on a multi-thread runtime they hit
/// the store at the same moment, as requests to several server instances would. A
/// round of `n` reads released together first fills the store's pool, so the race is
/// not spaced out by connections being opened one after another.
pub async fn at_once<T, F>(
    store: &Arc<dyn Store>,
    n: usize,
    task: impl Fn(usize, Arc<dyn Store>) -> F,
) -> Vec<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    all_at_once((0..n).collect(), |_| {
        let store = Arc::clone(store);
        async move { store.user_by_id("nobody").await.unwrap() }
    })
    .await;
    all_at_once((0..n).collect(), |i| task(i, Arc::clone(store))).await
}

/// Runs `task` for each of `items` on its own task, all released together, and
/// returns their answers in `items`' order.
pub async fn all_at_once<I, T, F>(items: Vec<I>, task: impl Fn(I) -> F) -> Vec<T>
where
    I: Send + 'static,
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let start = Arc::new(tokio::sync::Barrier::new(items.len()));
    let handles: Vec<_> = items
        .into_iter()
        .map(|item| {
            let (start, run) = (Arc::clone(&start), task(item));
            tokio::spawn(async move {
                start.wait().await;
                run.await
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(handles.len());
    for handle in handles {
        answers.push(handle.await.unwrap());
    }
    answers
}

/// A team `admin` made, which each of `members` joined by invitation; its id.
pub async fn team_with(store: &dyn Store, admin: &User, members: &[&User]) -> String {
    let team = courier_store::TeamRecord {
        id: unique("team-"),
        name: "Acme".into(),
        slug: unique("acme"),
        created_at: NOW,
        updated_at: NOW,
    };
    store.create_team(&team, &admin.id).await.unwrap();
    for member in members {
        let invitation = courier_store::NewInvitation {
            id: unique("inv-"),
            team_id: team.id.clone(),
            email: member.email.clone(),
            role: courier_store::TeamRole::Member,
            digest: unique("digest-"),
            invited_by: admin.id.clone(),
            now: NOW,
            expires_at: NOW + 3600,
        };
        store.invite(&invitation).await.unwrap();
        let joined = store
            .accept_invitation(&invitation.digest, &member.id, NOW)
            .await
            .unwrap();
        assert!(
            matches!(joined, courier_store::Acceptance::Joined { .. }),
            "{joined:?}"
        );
    }
    team.id
}
