//! Open-loop load: requests sent on a fixed schedule whatever the answers do, each on
//! its own task over a shared keep-alive pool (which opens as many connections as
//! are in flight), latency counted from the scheduled send, so queueing in the
//! server shows instead of slowing the sender down (a closed loop would hide it).

use std::time::Duration;

use anyhow::ensure;
use tokio::time::Instant;

use super::support::percentile;

/// What one paced run saw.
pub struct Paced {
    pub label: String,
    pub latencies: Vec<Duration>,
    /// Answers that were not 200, or failed.
    pub errors: usize,
    pub bytes: usize,
}

impl Paced {
    pub fn report(&self) -> String {
        let p = |q| percentile(&self.latencies, q).as_secs_f64() * 1e3;
        format!(
            "{:<40} {:>5} requests, {} errors, {:>7.1} KiB each: p50 {:>6.2} ms, p99 {:>6.2} ms, max {:>6.2} ms",
            self.label,
            self.latencies.len(),
            self.errors,
            self.bytes as f64 / 1024.0,
            p(0.50),
            p(0.99),
            p(1.0),
        )
    }

    pub fn p99(&self) -> Duration {
        percentile(&self.latencies, 0.99)
    }
}

/// Sends `GET urls[i % urls.len()]` with `token` at `rate` per second for `seconds`,
/// one schedule across all the URLs; returns one [`Paced`] per URL.
pub async fn get_paced(
    http: &reqwest::Client,
    token: &str,
    urls: &[(String, String)],
    rate: u32,
    seconds: u32,
) -> anyhow::Result<Vec<Paced>> {
    ensure!(rate > 0 && !urls.is_empty(), "nothing to send");
    let interval = Duration::from_secs(1) / rate;
    let total = (rate * seconds) as usize;
    let start = Instant::now() + Duration::from_millis(100);
    let mut sends = Vec::with_capacity(total);
    for i in 0..total {
        let scheduled = start + interval * i as u32;
        tokio::time::sleep_until(scheduled).await;
        let which = i % urls.len();
        let request = http.get(&urls[which].1).bearer_auth(token).send();
        sends.push(tokio::spawn(async move {
            let answer = async {
                let response = request.await?;
                let ok = response.status() == reqwest::StatusCode::OK;
                let body = response.bytes().await?;
                anyhow::Ok((ok, body.len()))
            }
            .await;
            (which, scheduled.elapsed(), answer)
        }));
    }
    let mut runs: Vec<Paced> = urls
        .iter()
        .map(|(label, _)| Paced {
            label: label.clone(),
            latencies: Vec::new(),
            errors: 0,
            bytes: 0,
        })
        .collect();
    for send in sends {
        let (which, latency, answer) = send.await?;
        let run = &mut runs[which];
        match answer {
            Ok((true, bytes)) => {
                run.latencies.push(latency);
                run.bytes = bytes;
            }
            Ok((false, _)) | Err(_) => run.errors += 1,
        }
    }
    for run in &mut runs {
        run.latencies.sort();
        ensure!(
            !run.latencies.is_empty(),
            "{}: every request failed",
            run.label
        );
    }
    Ok(runs)
}
