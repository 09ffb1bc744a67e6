//! `courier-cli run`: a collection's requests sent in order, in the shape of
//! `newman run`. The collection is a Postman Collection (v2.1) or a Courier
//! collection file, or one saved in this device's workspaces, by name ([`crate::saved`]);
//! variables come from a Postman environment and globals file (or, for a saved
//! collection, its workspace's active environment, another of its environments by
//! name, and its globals) and from `--env-var` (the highest precedence). Each request is printed as it finishes
//! (secret values masked), then a summary; the exit code is 1 when any request could
//! not be sent. Scripts are kept in files but never run, and the summary says so.

use std::path::{Path, PathBuf};

use courier_workspace::import::{Imported, ImportedCollection};
use courier_workspace::model::{SendOptions, Variable};
use courier_workspace::resolve::Resolver;
use courier_workspace::run::{Outcome, Summary, run_collection};
use courier_workspace::send::{CancellationToken, Response, Sender};
use courier_workspace::{courier_format, postman};

use crate::saved;

/// What `run` was asked to do.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The collection: a Postman Collection v2.1 file, a Courier collection file, or
    /// the name of a collection saved in this device's workspaces.
    pub collection: String,
    /// A Postman environment file (or, for a saved collection, the name of one of its
    /// workspace's environments; by default its active one): its variables beat the
    /// collection's.
    #[arg(short = 'e', long, value_name = "FILE|NAME")]
    pub environment: Option<String>,
    /// A Postman globals file (same format as an environment): the lowest precedence.
    #[arg(short = 'g', long, value_name = "FILE")]
    pub globals: Option<PathBuf>,
    /// Set a variable, above everything else; repeatable.
    #[arg(long = "env-var", value_name = "KEY=VALUE")]
    pub env_vars: Vec<String>,
    /// Give up on a request after this many milliseconds (0: never).
    #[arg(long, value_name = "MS", default_value_t = SendOptions::default().timeout_ms)]
    pub timeout_request: u64,
    /// Accept any TLS certificate (self-signed, expired, another name).
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Do not follow redirects: report the 3xx answer itself.
    #[arg(long)]
    pub ignore_redirects: bool,
    /// Stop at the first request that could not be sent.
    #[arg(long)]
    pub bail: bool,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("--env-var {0:?}: expected KEY=VALUE")]
    EnvVar(String),
    #[error("{0}")]
    NotFound(String),
}

/// Runs the collection, printing as it goes; `Ok(false)` when a request failed.
/// `data_dir` and `keyring_service` locate this device's saved work.
#[allow(clippy::print_stdout)]
pub async fn run(args: RunArgs, data_dir: &Path, keyring_service: &str) -> Result<bool, RunError> {
    let overrides = args
        .env_vars
        .iter()
        .map(|pair| {
            pair.split_once('=')
                .filter(|(key, _)| !key.trim().is_empty())
                .ok_or_else(|| RunError::EnvVar(pair.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let now_ms = now_ms();
    let (tree, mut environment, mut globals) = if Path::new(&args.collection).is_file() {
        let tree = read_collection(Path::new(&args.collection), now_ms)?;
        let environment = match &args.environment {
            Some(path) => read_variables(Path::new(path), now_ms)?,
            None => Vec::new(),
        };
        (tree, environment, Vec::new())
    } else {
        let saved = saved::find(data_dir, keyring_service, &args.collection).await?;
        if saved.secrets_unavailable {
            println!("note: no keyring: secret values of saved variables are empty in this run");
        }
        let environment = match &args.environment {
            Some(file) if Path::new(file).is_file() => read_variables(Path::new(file), now_ms)?,
            Some(name) => saved.environment_named(name).await?,
            None => saved.environment.clone(),
        };
        let tree = Imported {
            value: saved.tree,
            warnings: Vec::new(),
        };
        (tree, environment, saved.globals)
    };
    if let Some(path) = &args.globals {
        globals = read_variables(path, now_ms)?;
    }
    for (key, value) in overrides {
        environment.retain(|variable| variable.key != key);
        environment.push(Variable::new(key, value));
    }
    let resolver = Resolver::new(&globals, &tree.value.collection.variables, &environment);
    let options = SendOptions {
        timeout_ms: args.timeout_request,
        follow_redirects: !args.ignore_redirects,
        verify_tls: !args.insecure,
    };
    for warning in &tree.warnings {
        println!("note: {}: {}", warning.place, warning.message);
    }
    println!("{}\n", tree.value.collection.name);
    let cancel = CancellationToken::new();
    let summary = run_collection(
        &tree.value,
        &resolver,
        &options,
        &Sender::new(),
        &cancel,
        |outcome| {
            print!("{}", describe_outcome(outcome));
            if args.bail && outcome.result.is_err() {
                cancel.cancel();
            }
        },
    )
    .await;
    println!("\n{}", describe_summary(&summary));
    Ok(summary.failed == 0)
}

fn read(path: &Path) -> Result<String, RunError> {
    std::fs::read_to_string(path).map_err(|error| RunError::File {
        path: path.display().to_string(),
        message: error.to_string(),
    })
}

/// A Courier collection file (`{"courier": …}`) or else a Postman collection.
fn read_collection(path: &Path, now_ms: i64) -> Result<ImportedCollection, RunError> {
    let json = read(path)?;
    let is_courier = serde_json::from_str::<serde_json::Value>(&json)
        .is_ok_and(|value| value.get("courier").is_some());
    let imported = if is_courier {
        courier_format::import_collection(&json, "courier-cli-run", now_ms)
    } else {
        postman::import_collection(&json, "courier-cli-run", now_ms)
    };
    imported.map_err(|error| RunError::File {
        path: path.display().to_string(),
        message: error.to_string(),
    })
}

fn read_variables(path: &Path, now_ms: i64) -> Result<Vec<Variable>, RunError> {
    let json = read(path)?;
    postman::import_environment(&json, "courier-cli-run", now_ms)
        .map(|imported| imported.value.variables)
        .map_err(|error| RunError::File {
            path: path.display().to_string(),
            message: error.to_string(),
        })
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// `→ Folder / Request`, then the method, the URL (secrets masked) and how it went.
fn describe_outcome(outcome: &Outcome<'_>) -> String {
    let mut name: Vec<&str> = outcome.step.folders.clone();
    name.push(&outcome.step.request.name);
    let request = &outcome.step.request.spec;
    let (method, url) = match &outcome.prepared {
        Some(prepared) => (prepared.method.as_str(), prepared.masked_url.as_str()),
        None => (request.method.as_str(), request.url.as_str()),
    };
    let result = match &outcome.result {
        Ok(response) => describe_response(response),
        Err(error) => format!("could not be sent: {error}"),
    };
    format!("→ {}\n  {method} {url}  {result}\n", name.join(" / "))
}

fn describe_response(response: &Response) -> String {
    format!(
        "{} {}  {} ms  {}",
        response.status,
        response.reason,
        response.total_ms.round(),
        size(response.body_size)
    )
}

fn size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} kB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

fn describe_summary(summary: &Summary) -> String {
    let mut lines = vec![format!(
        "{} request{}: {} answered, {} could not be sent{}.",
        summary.requests,
        if summary.requests == 1 { "" } else { "s" },
        summary.answered,
        summary.failed,
        if summary.not_run > 0 {
            format!(", {} not run", summary.not_run)
        } else {
            String::new()
        }
    )];
    let scripts = summary.skipped_pre_request_scripts + summary.skipped_test_scripts;
    if scripts > 0 {
        lines.push(format!(
            "Skipped {} pre-request and {} test script{}: Courier keeps scripts but does not run them.",
            summary.skipped_pre_request_scripts,
            summary.skipped_test_scripts,
            if summary.skipped_test_scripts == 1 { "" } else { "s" },
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_summaries_read_naturally() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1_234), "1.2 kB");
        assert_eq!(size(5_600_000), "5.6 MB");
        let summary = Summary {
            requests: 3,
            answered: 2,
            failed: 1,
            not_run: 0,
            skipped_pre_request_scripts: 1,
            skipped_test_scripts: 2,
        };
        assert_eq!(
            describe_summary(&summary),
            "3 requests: 2 answered, 1 could not be sent.\n\
             Skipped 1 pre-request and 2 test scripts: Courier keeps scripts but does not run them."
        );
    }
}
