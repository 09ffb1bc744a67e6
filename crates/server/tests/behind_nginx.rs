//! Two `courier-server` processes on one PostgreSQL database behind nginx, deployed
//! as a company would: one configuration file for both, the issuer being nginx's
//! address. People sign up, confirm and sign the desktop app in through the balancer
//! (every page and call may land on either instance); a sign-out made on one instance
//! reaches the app's events channel on the other within a second; and when one
//! instance is killed in the middle of traffic, no call fails but those it had in
//! flight as it died, which succeed when sent again, and nothing written is lost.
//!
//! Needs nginx (`need_nginx` in scripts/common.sh) and the PostgreSQL cluster of
//! scripts/with-postgres.sh; skipped without either, except under CI (`CI` set), where
//! the test command provides both.

#![cfg(unix)]
#![allow(clippy::unwrap_used)]

use std::fs::File;
use std::future::Future;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use courier_testkit::events::{events_at, next_event};
use courier_testkit::{
    AppSession, app_session_at, confirmed_account_at, fresh_postgres_database, refresh_at,
    revoke_at,
};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::{mpsc, watch};

/// A child process, killed (SIGKILL: no graceful shutdown) when dropped.
struct Process {
    name: String,
    child: Child,
    /// Where its diagnostics go, shown when the test fails.
    log: PathBuf,
}

impl Process {
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One `courier-server` process.
struct Instance {
    process: Process,
    /// Its own address, bypassing nginx.
    base: String,
}

impl Instance {
    /// Starts the instance `name` with the shared configuration file `config` and a
    /// data folder of its own (whose outbox is the shared one, as instances share a
    /// mail relay); returns once it listens.
    fn start(name: &str, dir: &Path, config: &Path) -> Self {
        let data = dir.join(name);
        std::fs::create_dir(&data).unwrap();
        std::os::unix::fs::symlink(dir.join("outbox"), data.join("outbox")).unwrap();
        let log = dir.join(format!("{name}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_courier-server"))
            .arg("--config")
            .arg(config)
            .args(["--addr", "127.0.0.1:0"])
            .arg("--data-dir")
            .arg(&data)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut process = Process {
            name: format!("courier-server {name}"),
            child,
            log,
        };
        let mut line = String::new();
        BufReader::new(process.child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Some(base) = line.trim().strip_prefix("listening on ") else {
            panic!("{} did not start:\n{}", process.name, tail(&process.log));
        };
        let base = base.to_owned();
        Self { process, base }
    }
}

/// PostgreSQL (a fresh database), two instances on it and nginx in front, all in one
/// temporary folder; processes are killed and the folder removed when dropped.
struct Deployment {
    /// nginx's address: the issuer, where the apps and browsers go.
    public: String,
    instances: [Instance; 2],
    nginx: Process,
    dir: TempDir,
}

impl Deployment {
    /// `None` (the test skips) without nginx or PostgreSQL, except under CI.
    async fn start() -> Option<Self> {
        let nginx_binary = nginx_binary()?;
        let database = fresh_postgres_database().await?;
        let dir = tempfile::Builder::new()
            .prefix("courier-nginx-")
            .tempdir()
            .unwrap();
        let port = free_port();
        let public = format!("http://127.0.0.1:{port}");
        let config = dir.path().join("courier.toml");
        std::fs::write(&config, server_config(&database, &public)).unwrap();
        std::fs::create_dir(dir.path().join("outbox")).unwrap();
        // One after the other: the first brings the new database's schema up.
        let instances = ["a", "b"].map(|name| Instance::start(name, dir.path(), &config));
        let nginx = start_nginx(&nginx_binary, dir.path(), port, &instances);
        let mut deployment = Self {
            public,
            instances,
            nginx,
            dir,
        };
        deployment.wait_until_serving().await;
        Some(deployment)
    }

    fn outbox(&self) -> PathBuf {
        self.dir.path().join("outbox")
    }

    /// Waits until an instance answers through nginx (or nginx has exited).
    async fn wait_until_serving(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let client = reqwest::Client::new();
        loop {
            if let Ok(response) = client.get(format!("{}/health", self.public)).send().await
                && response.status() == StatusCode::OK
            {
                return;
            }
            let exited = self.nginx.child.try_wait().unwrap().is_some();
            assert!(
                !exited && Instant::now() < deadline,
                "nginx does not answer on {}",
                self.public
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A person signs up and confirms through the balancer and signs the desktop app
    /// in (authorization code with PKCE); the app's session, talking to the balancer.
    async fn signed_in_app(&self, email: &str, username: &str) -> AppSession {
        confirmed_account_at(&self.public, &self.outbox(), email, username).await;
        app_session_at(&self.public, username, "Desktop").await
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let processes = self.instances.iter().map(|i| &i.process);
            for process in processes.chain([&self.nginx]) {
                eprintln!("--- {} ({})", process.name, process.log.display());
                eprintln!("{}", tail(&process.log));
            }
        }
    }
}

/// The last lines of a log file.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// The one configuration file every instance reads: same database, same issuer (the
/// balancer's address), nginx trusted to say who the client is.
fn server_config(database: &str, public: &str) -> String {
    let quoted = |value: &str| serde_json::to_string(value).unwrap();
    format!(
        "database_url = {}\n\
         issuer = {}\n\
         trusted_proxies = [\"127.0.0.1/32\"]\n\
         password_hash_workers = 1\n\
         [rate_limits]\n\
         enabled = false\n",
        quoted(database),
        quoted(public),
    )
}

/// nginx from `PATH` or Debian's `/usr/sbin/nginx`; `None` (with a message) when
/// absent, except under CI, where it is a failure.
fn nginx_binary() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join("nginx"));
    if let Some(found) = on_path
        .chain([PathBuf::from("/usr/sbin/nginx")])
        .find(|candidate| candidate.is_file())
    {
        return Some(found);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "nginx is missing (source scripts/common.sh && need_nginx)"
    );
    eprintln!("skipped: no nginx (source scripts/common.sh && need_nginx)");
    None
}

/// A free loopback port (bound, then released for nginx to take).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// nginx in the foreground on `port`, its configuration, logs and temporary files in
/// `dir`, balancing over `instances`. The `location` block is what a deployment needs:
/// the client's address passed on, WebSocket upgrades for `/api/v1/events` (the server
/// pings an idle channel every 30 s, within nginx's default 60 s read timeout), and a
/// request whose instance cannot be reached tried on the next one. `max_fails=0`
/// keeps nginx sending a share of the traffic to a dead instance (by default it leaves
/// one alone for 10 s after a failure), so every such request must be moved.
fn start_nginx(binary: &Path, dir: &Path, port: u16, instances: &[Instance]) -> Process {
    let servers: String = instances
        .iter()
        .map(|instance| {
            let address = instance.base.trim_start_matches("http://");
            format!("server {address} max_fails=0;")
        })
        .collect();
    let d = dir.display();
    let config = format!(
        "# One process, in the foreground: killing it stops nginx (a killed master\n\
         # leaves its workers running).\n\
         daemon off;\n\
         master_process off;\n\
         pid {d}/nginx.pid;\n\
         error_log {d}/nginx-error.log notice;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n\
           access_log {d}/nginx-access.log;\n\
           client_body_temp_path {d}/client_body; proxy_temp_path {d}/proxy;\n\
           fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
           map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}\n\
           upstream courier {{ {servers} }}\n\
           server {{\n\
             listen 127.0.0.1:{port};\n\
             location / {{\n\
               proxy_pass http://courier;\n\
               proxy_http_version 1.1;\n\
               proxy_set_header Host $host;\n\
               proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
               proxy_set_header Upgrade $http_upgrade;\n\
               proxy_set_header Connection $connection_upgrade;\n\
               proxy_next_upstream error timeout;\n\
               proxy_connect_timeout 2s;\n\
             }}\n\
           }}\n\
         }}\n"
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, config).unwrap();
    let log = dir.join("nginx-error.log");
    let child = Command::new(binary)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&path)
        .arg("-e")
        .arg(&log)
        .stdout(Stdio::null())
        .stderr(File::create(dir.join("nginx-stderr.log")).unwrap())
        .spawn()
        .unwrap();
    Process {
        name: "nginx".to_owned(),
        child,
        log,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_out_through_one_instance_reaches_the_apps_channel_on_the_other_within_a_second() {
    let Some(deployment) = Deployment::start().await else {
        return;
    };
    let [a, b] = &deployment.instances;
    let app = deployment.signed_in_app("ada@example.com", "ada").await;

    // The app's events channel is on B; a second one goes through nginx (the
    // WebSocket upgrade through the proxy) to either instance.
    let (mut on_b, ready) = events_at(&b.base, &app).await;
    let session_id = ready["session_id"].as_str().unwrap().to_owned();
    let (mut through_nginx, _) = events_at(&deployment.public, &app).await;

    // The app signs out through A.
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    let signed_out = revoke_at(&a.base, &app.refresh_token).await;
    assert_eq!(signed_out.status(), StatusCode::OK);
    let revoked = Some(json!({"type": "session_revoked", "session_id": session_id}));
    for (channel, socket) in [("on B", &mut on_b), ("through nginx", &mut through_nginx)] {
        let heard = tokio::time::timeout_at(deadline, next_event(socket))
            .await
            .unwrap_or_else(|_| panic!("the channel {channel} heard nothing within a second"));
        assert_eq!(heard, revoked, "the channel {channel}");
        eprintln!(
            "the channel {channel} heard the sign-out {:?} after it was sent",
            started.elapsed()
        );
    }

    // The tokens are refused everywhere.
    for instance in [a, b] {
        let on_instance = AppSession::new(&instance.base, &app.access_token, "");
        assert_eq!(
            on_instance.get("/api/v1/me").await.status(),
            StatusCode::UNAUTHORIZED
        );
        let refreshed = refresh_at(&instance.base, &app.refresh_token).await;
        assert_eq!(refreshed.status(), StatusCode::BAD_REQUEST);
    }
}

/// Apps calling through nginx at once while instance A is killed.
const APPS: usize = 3;
/// Rounds (all apps together) before the kill.
const ROUNDS_BEFORE: usize = 3 * APPS;
/// Rounds each app makes once it knows A is gone (and at least one refresh).
const ROUNDS_AFTER: usize = 10;
/// How often an app refreshes its tokens. Real apps refresh once per access-token
/// lifetime; more than once a second, a chain whose response was lost is refused
/// (the server stores when tokens were made and spent in whole seconds, so a token
/// spent in the same second its successor's successor was made looks like a replay
/// after the chain moved on).
const REFRESH_EVERY: Duration = Duration::from_millis(1100);
/// Times one call may be cut while A dies (it can be sent to A again while its
/// listening socket still takes connections) before the test gives up.
const MOST_CUTS: usize = 5;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_an_instance_mid_traffic_costs_only_resending_the_calls_it_cut_and_loses_nothing() {
    let Some(mut deployment) = Deployment::start().await else {
        return;
    };
    let mut apps = Vec::new();
    for n in 0..APPS {
        let username = format!("user{n}");
        apps.push(
            deployment
                .signed_in_app(&format!("{username}@example.com"), &username)
                .await,
        );
    }

    // Each app, over and over: write its profile, read it back, and now and then
    // refresh (each token spent for the next, so a lost rotation breaks the chain).
    let (progress, mut progressing) = mpsc::unbounded_channel();
    let (gone, gone_seen) = watch::channel(false);
    let outage = Outage {
        gone: gone_seen,
        resent: Arc::default(),
    };
    let traffic: Vec<_> = apps
        .into_iter()
        .enumerate()
        .map(|(n, app)| tokio::spawn(keep_calling(n, app, outage.clone(), progress.clone())))
        .collect();
    drop(progress);
    // A is killed after a few rounds, as a refresh goes out: the call whose loss
    // would break a chain is the likeliest to be in flight.
    let mut rounds = 0;
    loop {
        match progressing.recv().await {
            Some(Progress::Round) => rounds += 1,
            Some(Progress::Refreshing) if rounds >= ROUNDS_BEFORE => break,
            Some(Progress::Refreshing) => {}
            None => panic!("the apps stopped calling before A was killed"),
        }
    }
    let started = Instant::now();
    deployment.instances[0].process.kill();
    gone.send(true).unwrap();
    let last = tokio::time::timeout(
        Duration::from_secs(60),
        futures::future::try_join_all(traffic),
    )
    .await
    .expect("the traffic ends within a minute")
    .unwrap();
    eprintln!(
        "{APPS} apps made {ROUNDS_AFTER}+ rounds each in {:?} after A was gone; {} calls sent again",
        started.elapsed(),
        outage.resent.load(Ordering::SeqCst)
    );

    // Nothing lost: every app's latest write is there, its refresh chain goes on, and
    // its events channel opens again through nginx.
    for (app, bio) in &last {
        let me: Value = app.get_json("/api/v1/me").await;
        assert_eq!(me["bio"], bio.as_str());
        let refreshed = refresh_at(&deployment.public, &app.refresh_token).await;
        assert_eq!(refreshed.status(), StatusCode::OK);
        let (_, ready) = events_at(&deployment.public, app).await;
        assert_eq!(ready["type"], "ready");
    }
}

/// What an app tells the test as it goes.
enum Progress {
    Round,
    Refreshing,
}

/// App `n`'s traffic through nginx: rounds of a profile write and read, with a
/// refresh every [`REFRESH_EVERY`], until it has made [`ROUNDS_AFTER`] rounds and a
/// refresh since A was gone. Returns the app with its latest tokens and the bio it
/// wrote last.
async fn keep_calling(
    n: usize,
    mut app: AppSession,
    outage: Outage,
    progress: mpsc::UnboundedSender<Progress>,
) -> (AppSession, String) {
    let mut rounds_after = 0;
    let mut refreshed_after = false;
    let mut refreshed = Instant::now();
    let mut bio = String::new();
    for round in 0.. {
        if outage.a_is_gone() {
            if rounds_after >= ROUNDS_AFTER && refreshed_after {
                break;
            }
            rounds_after += 1;
        }
        let what = |call: &str| format!("app {n}, round {round}: {call}");
        if refreshed.elapsed() >= REFRESH_EVERY {
            refreshed_after = outage.a_is_gone();
            let _ = progress.send(Progress::Refreshing);
            let current = &app;
            let tokens = outage
                .call(&what("refresh"), move || async move {
                    ok_json(refresh_at(&current.base, &current.refresh_token).await).await
                })
                .await;
            refreshed = Instant::now();
            app = AppSession::new(
                &app.base,
                tokens["access_token"].as_str().unwrap(),
                tokens["refresh_token"].as_str().unwrap(),
            );
        }
        bio = format!("app {n} wrote this in round {round}");
        let (current, update) = (&app, &json!({ "bio": bio }));
        outage
            .call(&what("profile write"), move || async move {
                ok_json(current.patch_json("/api/v1/me", update).await).await
            })
            .await;
        // Right after its own change, an app reads with no copy allowed (as the client
        // library does): the balancer may pick the other instance, which hears of the
        // change on the bus only milliseconds later.
        let me = outage
            .call(&what("profile read"), move || async move {
                let read = current
                    .request(reqwest::Method::GET, "/api/v1/me")
                    .header(reqwest::header::CACHE_CONTROL, "no-cache")
                    .send()
                    .await
                    .unwrap();
                ok_json(read).await
            })
            .await;
        assert_eq!(me["bio"], bio.as_str(), "{}", what("profile read"));
        let _ = progress.send(Progress::Round);
    }
    (app, bio)
}

/// What the apps know of instance A's death, and the calls it cost them.
#[derive(Clone)]
struct Outage {
    /// Becomes true once A has been killed and reaped.
    gone: watch::Receiver<bool>,
    /// Calls cut and sent again.
    resent: Arc<AtomicUsize>,
}

impl Outage {
    fn a_is_gone(&self) -> bool {
        *self.gone.borrow()
    }

    /// Makes `call` until it answers, sending it again at once when it was cut, as a
    /// client should (a refresh token sent again within the reuse grace, 5 s, gets
    /// fresh tokens even when the dying instance had rotated it). Only a call sent
    /// before A was gone (in flight when it was killed, or sent to it while it died)
    /// may be cut: one sent after must succeed at once, nginx moving it to B.
    async fn call<F, Fut>(&self, what: &str, call: F) -> Value
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Value, String>>,
    {
        let mut cuts = 0;
        loop {
            let sent_after_a_was_gone = self.a_is_gone();
            match call().await {
                Ok(body) => return body,
                Err(cut) => {
                    assert!(
                        !sent_after_a_was_gone,
                        "{what}: {cut}, though sent after A was gone"
                    );
                    cuts += 1;
                    assert!(cuts < MOST_CUTS, "{what}: cut {cuts} times");
                    self.resent.fetch_add(1, Ordering::SeqCst);
                    eprintln!("{what}: sent again after {cut}");
                }
            }
        }
    }
}

/// A call that answers 200 with JSON; `Err` when it was cut: nginx answers 502 when the
/// instance died with the request in flight (it does not send a POST or PATCH to
/// another on its own), or the body broke off. Any other answer fails the test.
async fn ok_json(response: Response) -> Result<Value, String> {
    let status = response.status();
    if status == StatusCode::BAD_GATEWAY {
        return Err("502 from nginx".to_owned());
    }
    let text = response
        .text()
        .await
        .map_err(|error| format!("the body broke off: {error}"))?;
    assert_eq!(status, StatusCode::OK, "{text}");
    Ok(serde_json::from_str(&text).unwrap())
}
