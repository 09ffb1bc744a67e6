//! Open-loop clients that each follow a chain (a refresh token's rotation): every
//! client has its own schedule, one request per `clients / rate` seconds, staggered
//! so that together they send at `rate`. A request can only leave once the previous
//! answer is in (it carries the token that answer gave), so when an answer is late
//! the next request leaves the moment it arrives; latency is always counted from the
//! scheduled send, never from the late one (correcting for coordinated omission: a
//! slow answer also delays the requests queued behind it, and those waits count).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::support::load::{
    Connection, Load, Next, Samples, Script, Window, judge, micros, on_own_thread,
};

/// How long after the window a client may take to send what was scheduled inside
/// it; what is still unsent then counts as errors.
const GRACE: Duration = Duration::from_secs(5);

/// `scripts` as open-loop clients at `rate` requests per second in all, spread over
/// `threads` load threads (each a current-thread runtime). The schedule starts now;
/// requests scheduled inside the window are measured.
pub fn chains<S: Script>(
    name: &str,
    addr: SocketAddr,
    scripts: Vec<S>,
    rate: f64,
    threads: usize,
    window: Window,
) -> anyhow::Result<Vec<Load<S>>> {
    let clients = scripts.len();
    let interval = Duration::from_secs_f64(clients as f64 / rate);
    let start = Instant::now() + Duration::from_millis(20);
    let mut per_thread: Vec<Vec<(usize, S)>> = (0..threads).map(|_| Vec::new()).collect();
    for (index, script) in scripts.into_iter().enumerate() {
        per_thread[index % threads].push((index, script));
    }
    per_thread
        .into_iter()
        .map(|scripts| {
            on_own_thread(name, window, move || async move {
                let tasks: Vec<_> = scripts
                    .into_iter()
                    .map(|(index, script)| {
                        let first = start + Duration::from_secs_f64(index as f64 / rate);
                        tokio::spawn(client(addr, script, first, interval, window))
                    })
                    .collect();
                let mut total = Samples {
                    pace: Some(interval),
                    ..Samples::default()
                };
                let mut scripts = Vec::with_capacity(tasks.len());
                for task in tasks {
                    let (samples, script) = task.await??;
                    total.merge(samples);
                    scripts.push(script);
                }
                Ok((total, scripts))
            })
        })
        .collect()
}

/// One client on its own keep-alive connection, sending at `first + k × interval`
/// (or as soon as the previous answer is in, when that comes later).
async fn client<S: Script>(
    addr: SocketAddr,
    mut script: S,
    first: Instant,
    interval: Duration,
    window: Window,
) -> anyhow::Result<(Samples, S)> {
    let mut connection = Connection::open(addr).await?;
    if let Some(opening) = script.opening() {
        let reply = connection.send(opening).await?;
        script.opened(&reply)?;
    }
    let mut samples = Samples {
        connections: 1,
        ..Samples::default()
    };
    for k in 0.. {
        let scheduled = first + interval * k;
        if scheduled >= window.until {
            break;
        }
        let measured = scheduled >= window.from;
        let ready = Instant::now();
        if ready > window.until + GRACE {
            let unsent = (window.until - scheduled).as_nanos() / interval.as_nanos().max(1);
            for _ in 0..=unsent {
                samples.error(format!(
                    "still unsent {} s after the window (the server fell behind)",
                    GRACE.as_secs()
                ));
            }
            break;
        }
        let on_time = ready <= scheduled;
        if on_time {
            tokio::time::sleep_until(scheduled.into()).await;
        }
        let sent = Instant::now();
        let outcome = connection.send(script.request()).await;
        let done = Instant::now();
        if done >= window.from && done <= window.until {
            samples.answered += 1;
        }
        // The load thread's own lateness: the answer was in, the timer fired late.
        if measured && on_time {
            samples.lateness.push(micros(scheduled, sent));
        }
        match judge(
            &mut script,
            outcome,
            measured,
            micros(scheduled, done),
            &mut samples,
        ) {
            Next::Succeeded if measured => samples.from_send.push(micros(sent, done)),
            Next::Stop => break,
            Next::Reopen => connection = Connection::open(addr).await?,
            Next::Succeeded | Next::Failed => {}
        }
    }
    Ok((samples, script))
}
