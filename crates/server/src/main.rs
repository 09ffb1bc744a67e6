//! The `courier-server` binary: flags over the configuration file and environment,
//! logging, and a graceful shutdown on Ctrl-C or SIGTERM. Without a subcommand it
//! serves; `migrate` brings the configured database's schema up to date and exits (the
//! upgrade step before starting new instances), and `move-data` copies an installation
//! from SQLite into an empty PostgreSQL database.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use courier_server::{Server, Settings, SystemClock};
use secrecy::SecretString;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// Courier's account server: sign-up and sign-in pages and an OpenID provider.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Address to listen on (default 127.0.0.1:7878; port 0 picks a free one).
    #[arg(long)]
    addr: Option<SocketAddr>,
    /// Folder for the database, signing key and mail outbox.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Public origin when reached under another address (https://accounts.example.com).
    #[arg(long)]
    issuer: Option<String>,
    /// Database URL (default: sqlite file in the data folder).
    #[arg(long)]
    database_url: Option<String>,
    /// SMTP relay, smtp://user:pass@host:587; without it mail goes to DATA/outbox.
    #[arg(long, env = "COURIER_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// TOML configuration file.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Log lines on stderr: `text` for people, `json` (one object a line) for a log
    /// collector. The level comes from RUST_LOG (default `info`).
    #[arg(long, env = "COURIER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Option<Command>,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// What to do instead of serving.
#[derive(Debug, Subcommand)]
enum Command {
    /// Run the database migrations and exit (stop the instances first, start them after).
    Migrate {
        /// Database URL (default: the configured one, else the data folder's SQLite file).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Copy every row from a stopped SQLite installation into an empty PostgreSQL
    /// database, in one transaction, and print the rows moved per table.
    MoveData {
        /// The SQLite database, sqlite://PATH.
        #[arg(long)]
        from: String,
        /// The empty PostgreSQL database, postgres://….
        #[arg(long)]
        to: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    let mut settings = Settings::load(args.config.as_deref())?;
    if let Some(addr) = args.addr {
        settings.addr = addr;
    }
    if let Some(dir) = args.data_dir {
        settings.data_dir = dir;
    }
    if args.issuer.is_some() {
        settings.issuer = args.issuer;
    }
    if args.database_url.is_some() {
        settings.database_url = args.database_url;
    }
    if let Some(url) = args.smtp_url {
        settings.smtp_url = Some(SecretString::from(url));
    }
    match args.command {
        None => serve(settings).await,
        Some(Command::Migrate { database_url }) => {
            if database_url.is_some() {
                settings.database_url = database_url;
            }
            migrate(&settings.database_url()).await
        }
        Some(Command::MoveData { from, to }) => move_data(&from, &to).await,
    }
}

/// Opening a store runs its migrations; nothing else is touched.
async fn migrate(url: &str) -> anyhow::Result<()> {
    courier_store::connect(url)
        .await
        .context("cannot migrate the database")?;
    tracing::info!("database schema up to date");
    #[allow(clippy::print_stdout)]
    {
        println!("migrated");
    }
    Ok(())
}

async fn move_data(from: &str, to: &str) -> anyhow::Result<()> {
    let report = courier_store::transfer::copy_sqlite_to_postgres(from, to)
        .await
        .context("nothing was moved")?;
    #[allow(clippy::print_stdout)]
    {
        for (table, rows) in &report.tables {
            println!("{table}: {rows}");
        }
        println!("moved");
    }
    Ok(())
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    if !settings.addr.ip().is_loopback()
        && settings
            .issuer
            .as_deref()
            .is_none_or(|i| !i.starts_with("https://"))
    {
        tracing::warn!(
            addr = %settings.addr,
            "listening off loopback without an https issuer: put a TLS proxy in front and set --issuer"
        );
    }
    let listener = TcpListener::bind(settings.addr)
        .await
        .with_context(|| format!("cannot listen on {}", settings.addr))?;
    let data_dir = settings.data_dir.clone();
    let server = Server::bind(settings, Arc::new(SystemClock), listener).await?;
    let addr = server.local_addr()?;
    tracing::info!(data_dir = %data_dir.display(), issuer = server.issuer(), "courier-server ready");
    // Scripts wait for this exact line.
    #[allow(clippy::print_stdout)]
    {
        println!("listening on http://{addr}");
    }
    server.run(shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
