//! The load generator: HTTP/1.1 keep-alive connections on one current-thread
//! runtime per load thread, each connection sending its next request as soon as
//! the previous answer is read (closed loop), or on a fixed pace (the probe).

use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Request bodies are built whole before sending.
pub type Body = Full<Bytes>;

/// The content type of every form the scripts post.
pub static FORM: HeaderValue = HeaderValue::from_static("application/x-www-form-urlencoded");

/// A whole answer, body read.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// What an answer means for the connection that got it.
pub enum Verdict {
    Ok,
    /// Counted as an error; the connection carries on.
    Error(String),
    /// Counted as an error; the connection cannot carry on (a broken refresh chain).
    Stop(String),
}

/// What one connection sends, and how it judges (and learns from) the answers.
pub trait Script: Send + 'static {
    /// Sent once when the connection opens, before measuring starts.
    fn opening(&mut self) -> Option<Request<Body>> {
        None
    }
    fn opened(&mut self, _reply: &Reply) -> anyhow::Result<()> {
        Ok(())
    }
    fn request(&self) -> Request<Body>;
    fn check(&mut self, reply: &Reply) -> Verdict;
}

/// Builds a request without a fallible builder.
pub fn request(
    method: Method,
    path: &'static str,
    headers: &[(HeaderName, &HeaderValue)],
    body: Bytes,
) -> Request<Body> {
    let mut request = Request::new(Full::new(body));
    *request.method_mut() = method;
    *request.uri_mut() = Uri::from_static(path);
    for (name, value) in headers {
        request.headers_mut().insert(name.clone(), (*value).clone());
    }
    request
}

/// Answers completed inside `from..until` are counted; earlier ones are warm-up.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub from: Instant,
    pub until: Instant,
}

/// What the load threads saw in the window.
#[derive(Debug, Default)]
pub struct Samples {
    /// Latency of each successful request, send to last body byte.
    pub micros: Vec<u32>,
    pub errors: u64,
    pub first_error: Option<String>,
    /// For paced load: how late each request left after its tick was due.
    pub lateness: Vec<u32>,
    pub pace: Option<Duration>,
    pub connections: usize,
    pub secs: f64,
    /// CPU seconds the load thread itself used in the window.
    pub cpu_secs: f64,
    /// Open loop: latency of each successful request from when it really left, which
    /// leaves out the wait for the previous answer (what a closed loop reports).
    pub from_send: Vec<u32>,
    /// Open loop: answers that arrived inside the window (the rate achieved).
    pub answered: usize,
}

impl Samples {
    /// Adds another thread's or connection's samples to these.
    pub fn merge(&mut self, other: Samples) {
        self.micros.extend(other.micros);
        self.lateness.extend(other.lateness);
        self.from_send.extend(other.from_send);
        self.answered += other.answered;
        self.connections += other.connections;
        self.cpu_secs += other.cpu_secs;
        self.secs = self.secs.max(other.secs);
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    /// How late the paced requests left, p99, in milliseconds.
    pub fn lateness_p99(&self) -> Option<f64> {
        let mut late = self.lateness.clone();
        late.sort_unstable();
        super::percentile_ms(&late, 0.99)
    }

    pub fn error(&mut self, error: String) {
        self.errors += 1;
        self.first_error.get_or_insert(error);
    }
}

/// A load thread; join it after the window for its samples and its scripts, in
/// the state they ended in (a refresh chain continues from there).
pub struct Load<S>(JoinHandle<anyhow::Result<(Samples, Vec<S>)>>);

impl<S> Load<S> {
    pub fn join(self) -> anyhow::Result<(Samples, Vec<S>)> {
        self.0
            .join()
            .map_err(|_| anyhow!("a load thread panicked"))?
    }
}

/// Every load thread's samples together, and the scripts in the state they ended in.
pub fn join_all<S>(loads: Vec<Load<S>>) -> anyhow::Result<(Samples, Vec<S>)> {
    let mut total = Samples::default();
    let mut scripts = Vec::new();
    for load in loads {
        let (samples, more) = load.join()?;
        total.pace = total.pace.or(samples.pace);
        total.merge(samples);
        scripts.extend(more);
    }
    Ok((total, scripts))
}

/// Each script on its own connection, all on one thread, as fast as answers come.
pub fn closed_loop<S: Script>(
    name: &str,
    addr: SocketAddr,
    scripts: Vec<S>,
    window: Window,
) -> anyhow::Result<Load<S>> {
    let connections = scripts.len();
    on_own_thread(name, window, move || async move {
        let tasks: Vec<_> = scripts
            .into_iter()
            .map(|script| tokio::spawn(drive(addr, script, window, None)))
            .collect();
        let mut total = Samples {
            connections,
            ..Samples::default()
        };
        let mut scripts = Vec::with_capacity(connections);
        for task in tasks {
            let (samples, script) = task.await??;
            total.merge(samples);
            scripts.push(script);
        }
        Ok((total, scripts))
    })
}

/// One connection sending a request every `interval` (skipping, not bunching,
/// ticks it falls behind on), on its own thread.
pub fn paced<S: Script>(
    name: &str,
    addr: SocketAddr,
    script: S,
    interval: Duration,
    window: Window,
) -> anyhow::Result<Load<S>> {
    on_own_thread(name, window, move || async move {
        let (mut samples, script) = drive(addr, script, window, Some(interval)).await?;
        samples.connections = 1;
        samples.pace = Some(interval);
        Ok((samples, vec![script]))
    })
}

/// Runs `load` on a thread of its own (named `name`) with a current-thread runtime,
/// and adds the CPU that thread used during the window to its samples.
pub fn on_own_thread<S, F, Fut>(name: &str, window: Window, load: F) -> anyhow::Result<Load<S>>
where
    S: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<(Samples, Vec<S>)>>,
{
    let thread = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let cpu = tokio::spawn(own_cpu_during(window));
                let (mut samples, scripts) = load().await?;
                samples.cpu_secs = cpu.await??;
                samples.secs = (window.until - window.from).as_secs_f64();
                Ok((samples, scripts))
            })
        })?;
    Ok(Load(thread))
}

/// CPU seconds this (current-thread runtime's) thread uses during the window.
async fn own_cpu_during(window: Window) -> anyhow::Result<f64> {
    tokio::time::sleep_until(window.from.into()).await;
    let before = super::proc::this_thread()?;
    tokio::time::sleep_until(window.until.into()).await;
    Ok(super::proc::this_thread()? - before)
}

/// One connection running `script` until the window ends: a request, the answer read
/// whole, judged, then the next (or the next tick when paced). A connection the
/// server dropped is opened again.
async fn drive<S: Script>(
    addr: SocketAddr,
    mut script: S,
    window: Window,
    pace: Option<Duration>,
) -> anyhow::Result<(Samples, S)> {
    let mut connection = Connection::open(addr).await?;
    if let Some(opening) = script.opening() {
        let reply = connection.send(opening).await?;
        script.opened(&reply)?;
    }
    let mut ticks = pace.map(|interval| {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        ticks
    });
    let mut samples = Samples::default();
    loop {
        let due = match &mut ticks {
            Some(ticks) => Some(ticks.tick().await.into_std()),
            None => None,
        };
        let sent = Instant::now();
        if sent >= window.until {
            break;
        }
        let outcome = connection.send(script.request()).await;
        let done = Instant::now();
        let counted = done >= window.from && done <= window.until;
        if counted && let Some(due) = due {
            samples.lateness.push(micros(due, sent));
        }
        match judge(
            &mut script,
            outcome,
            counted,
            micros(sent, done),
            &mut samples,
        ) {
            Next::Stop => break,
            Next::Reopen => connection = Connection::open(addr).await?,
            Next::Succeeded | Next::Failed => {}
        }
    }
    Ok((samples, script))
}

/// Microseconds from `since` to `until`, for samples.
pub fn micros(since: Instant, until: Instant) -> u32 {
    u32::try_from(until.saturating_duration_since(since).as_micros()).unwrap_or(u32::MAX)
}

/// What a connection does after an answer.
pub enum Next {
    Succeeded,
    /// An error answer or a failure that leaves the connection usable.
    Failed,
    /// The script cannot carry on (a broken refresh chain).
    Stop,
    /// The connection broke: open another.
    Reopen,
}

/// Judges one answer (or failure) with `script`, and counts it in `samples` (a
/// success with latency `micros`) when `counted`; a script's stop counts always.
pub fn judge<S: Script>(
    script: &mut S,
    outcome: anyhow::Result<Reply>,
    counted: bool,
    micros: u32,
    samples: &mut Samples,
) -> Next {
    match outcome.map(|reply| script.check(&reply)) {
        Ok(Verdict::Ok) => {
            if counted {
                samples.micros.push(micros);
            }
            Next::Succeeded
        }
        Ok(Verdict::Error(error)) => {
            if counted {
                samples.error(error);
            }
            Next::Failed
        }
        Ok(Verdict::Stop(error)) => {
            samples.error(error);
            Next::Stop
        }
        Err(error) => {
            if counted {
                samples.error(format!("{error:#}"));
            }
            Next::Reopen
        }
    }
}

/// One keep-alive HTTP/1.1 connection.
pub struct Connection {
    sender: http1::SendRequest<Body>,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> anyhow::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Self { sender })
    }

    pub async fn send(&mut self, request: Request<Body>) -> anyhow::Result<Reply> {
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok(Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }
}
