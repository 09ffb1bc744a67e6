//! `courier-cli`: the client library headless. Signs in through the browser (or
//! prints the link), lists and switches accounts, shows the profile, lists and
//! revokes sessions, signs out; and runs a collection's requests ([`run`]).
//! Exit codes a script can act on: 0 done, 1 failed, 3 no keyring, 4 sign-in did not
//! finish, 5 sign in again, 6 server unreachable.

mod run;
mod saved;

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use courier_client::auth::browser::{BrowserOpener, NoBrowser, SystemBrowser};
use courier_client::auth::vault::KeyringVault;
use courier_client::clock::{Clock as _, SystemClock};
use courier_client::config::{ClientConfig, Environment};
use courier_client::proto::{Profile, Session, SessionKind};
use courier_client::{Courier, Error, SignInMode};

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Courier from the terminal: sign in, list and switch accounts, sign out, run a collection"
)]
struct Cli {
    /// Use the development data folder and keyring service instead of the real ones.
    #[arg(long, global = true)]
    dev: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    #[command(flatten)]
    Account(AccountCommand),
    /// Send a collection's requests in order and print how each went (like `newman run`).
    Run(run::RunArgs),
}

/// The commands about accounts and sessions (they use the keyring).
#[derive(Debug, Subcommand)]
enum AccountCommand {
    /// Sign in through your browser (adds an account; several can be signed in).
    Login {
        /// Server to sign in to (default: $COURIER_SERVER or http://127.0.0.1:7878).
        #[arg(long)]
        server: Option<String>,
        /// Do not open a browser; print the link to open yourself.
        #[arg(long)]
        no_browser: bool,
        /// Open Create Account instead of Sign In.
        #[arg(long)]
        create: bool,
    },
    /// List the accounts signed in on this device.
    Accounts,
    /// Make another account the active one (by email, username or id).
    Switch { account: String },
    /// Show the active account's profile as the server has it.
    Whoami,
    /// List where the active account is signed in (devices and browsers), or revoke one.
    Sessions {
        #[command(subcommand)]
        action: Option<SessionsAction>,
    },
    /// Sign out of one account (default: the active one) or all of them.
    Logout {
        account: Option<String>,
        #[arg(long, conflicts_with = "account")]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
enum SessionsAction {
    /// Sign a device or browser out (its id as `courier-cli sessions` lists it).
    Revoke { id: String },
}

fn exit_code(error: &Error) -> u8 {
    match error.kind() {
        "keyring_unavailable" => 3,
        "sign_in_expired"
        | "sign_in_cancelled"
        | "sign_in_cancelled_in_browser"
        | "sign_in_refused" => 4,
        "reauth_required" | "no_active_account" => 5,
        "network" => 6,
        _ => 1,
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let environment = if cli.dev {
        Environment::Development
    } else {
        Environment::Production
    };
    let config = ClientConfig::for_environment(environment);
    let command = match cli.command {
        Command::Account(command) => command,
        Command::Run(args) => {
            return match run::run(args, &config.data_dir, &config.keyring_service).await {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(error) => {
                    eprintln!("courier-cli: {error}");
                    ExitCode::FAILURE
                }
            };
        }
    };
    match account_command(config, command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("courier-cli: {error}");
            ExitCode::from(exit_code(&error))
        }
    }
}

async fn open(config: ClientConfig, opener: Arc<dyn BrowserOpener>) -> Result<Courier, Error> {
    let service = config.keyring_service.clone();
    let vault = tokio::task::spawn_blocking(move || KeyringVault::connect(&service))
        .await
        .map_err(|error| Error::Keyring(error.to_string()))??;
    Courier::new(config, Arc::new(vault), Arc::new(SystemClock), opener)
}

#[allow(clippy::print_stdout)]
async fn account_command(config: ClientConfig, command: AccountCommand) -> Result<(), Error> {
    match command {
        AccountCommand::Login {
            server,
            no_browser,
            create,
        } => {
            // Refuse a bad address before touching the keyring or opening anything.
            let target = server.as_deref().unwrap_or(&config.default_server);
            courier_client::auth::discovery::check_server_url(target)?;
            let opener: Arc<dyn BrowserOpener> = if no_browser {
                Arc::new(NoBrowser)
            } else {
                Arc::new(SystemBrowser)
            };
            let courier = open(config, opener).await?;
            let mode = if create {
                SignInMode::CreateAccount
            } else {
                SignInMode::SignIn
            };
            let attempt = courier.start_sign_in(server.as_deref(), mode).await?;
            if no_browser || attempt.browser_error().is_some() {
                if let Some(error) = attempt.browser_error() {
                    println!("Could not open a browser ({error}).");
                }
                println!(
                    "Open this link in your browser to sign in:\n\n  {}\n",
                    attempt.url()
                );
            } else {
                println!(
                    "Your browser should open within a few seconds. If it does not, open:\n\n  {}\n",
                    attempt.url()
                );
            }
            let minutes = (attempt.deadline() - SystemClock.now()).max(0) / 60;
            println!("Waiting for the browser (up to {minutes} minutes; Ctrl-C to stop)...");
            let canceller = attempt.canceller();
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    canceller.cancel();
                }
            });
            let account = courier.finish_sign_in(attempt).await?;
            println!("Signed in as {} on {}.", describe(&account), account.issuer);
            if !account.email_verified {
                println!("Confirm your email address: the link is in your inbox.");
            }
        }
        AccountCommand::Accounts => {
            let courier = open(config, Arc::new(NoBrowser)).await?;
            let registry = courier.registry().await?;
            if registry.accounts.is_empty() {
                println!("No accounts are signed in. Run `courier-cli login`.");
            }
            for account in &registry.accounts {
                let marker = if registry.active.as_deref() == Some(account.id.as_str()) {
                    "*"
                } else {
                    " "
                };
                let state = if account.signed_out {
                    "  (signed out: sign in again)"
                } else {
                    ""
                };
                println!("{marker} {}  {}{state}", describe(account), account.issuer);
            }
            println!("Tokens are kept in {}.", courier.vault_description());
        }
        AccountCommand::Switch { account } => {
            let courier = open(config, Arc::new(NoBrowser)).await?;
            let account = courier.switch(&account).await?;
            println!("Now using {} on {}.", describe(&account), account.issuer);
        }
        AccountCommand::Whoami => {
            let courier = open(config, Arc::new(NoBrowser)).await?;
            let account = courier
                .active_account()
                .await?
                .ok_or(Error::NoActiveAccount)?;
            match courier.api(&account.id).profile().await {
                Ok(profile) => print!("{}", describe_profile(&profile, &account.issuer)),
                // Not a Courier server (another OpenID provider): what userinfo says.
                Err(error) if error.kind() == "not_found" => {
                    let (account, info) = courier.whoami().await?;
                    println!(
                        "{} ({}) on {}{}",
                        info.preferred_username
                            .as_deref()
                            .unwrap_or(account.display_name()),
                        info.email.as_deref().unwrap_or("no email"),
                        account.issuer,
                        if info.email_verified == Some(false) {
                            " — email not confirmed yet"
                        } else {
                            ""
                        }
                    );
                }
                Err(error) => return Err(error),
            }
        }
        AccountCommand::Sessions { action } => {
            let courier = open(config, Arc::new(NoBrowser)).await?;
            let account = courier
                .active_account()
                .await?
                .ok_or(Error::NoActiveAccount)?;
            let api = courier.api(&account.id);
            match action {
                None => {
                    let sessions = api.sessions().await?;
                    print!("{}", describe_sessions(&sessions, SystemClock.now()));
                }
                Some(SessionsAction::Revoke { id }) => {
                    let current = api
                        .sessions()
                        .await?
                        .into_iter()
                        .find(|session| session.current)
                        .map(|session| session.id);
                    api.revoke_session(&id).await?;
                    if current.as_deref() == Some(id.as_str()) {
                        println!(
                            "Revoked {id}, this device's own session: sign in again with `courier-cli login`."
                        );
                    } else {
                        println!("Revoked {id}: it is signed out within a second.");
                    }
                }
            }
        }
        AccountCommand::Logout { account, all } => {
            let courier = open(config, Arc::new(NoBrowser)).await?;
            let outcomes = if all {
                courier.sign_out_all().await?
            } else {
                let query = match account {
                    Some(query) => query,
                    None => {
                        courier
                            .active_account()
                            .await?
                            .ok_or(Error::NoActiveAccount)?
                            .id
                    }
                };
                vec![courier.sign_out(&query).await?]
            };
            for outcome in outcomes {
                let note = if outcome.revoked_on_server {
                    ""
                } else {
                    " (the server could not be reached; signed out on this device)"
                };
                println!(
                    "Signed out of {}{note}. Your local work stays on this device.",
                    describe(&outcome.account)
                );
            }
        }
    }
    Ok(())
}

/// `whoami` with a Courier server: the profile as the server has it.
fn describe_profile(profile: &Profile, issuer: &str) -> String {
    let mut text = format!(
        "{} ({}) on {issuer}{}\n",
        profile.username,
        profile.email,
        if profile.email_verified {
            ""
        } else {
            " — email not confirmed yet"
        }
    );
    if let Some(name) = &profile.name {
        text += &format!("Name: {name}\n");
    }
    if let Some(pending) = &profile.pending_email {
        text += &format!("Changing email to {pending}: confirm with the link sent there.\n");
    }
    text += if profile.public {
        "Profile: public\n"
    } else {
        "Profile: private\n"
    };
    text
}

/// The sessions list: one line each, this device first and marked.
fn describe_sessions(sessions: &[Session], now: i64) -> String {
    let mut sorted: Vec<&Session> = sessions.iter().collect();
    sorted.sort_by_key(|session| (!session.current, -session.last_seen));
    let mut text = String::new();
    for session in sorted {
        let what = match (&session.device_name, session.kind) {
            (Some(device), _) => format!("{} on {device}", session.client),
            (None, SessionKind::Browser) => format!("{} (browser)", session.client),
            (None, SessionKind::App) => session.client.clone(),
        };
        let os = session
            .os
            .as_deref()
            .map(|os| format!(", {os}"))
            .unwrap_or_default();
        let ip = session
            .ip
            .as_deref()
            .map(|ip| format!(", {ip}"))
            .unwrap_or_default();
        let (marker, this) = if session.current {
            ("*", "  (this device)")
        } else {
            (" ", "")
        };
        text += &format!(
            "{marker} {}  {what}{os}{ip}, active {}{this}\n",
            session.id,
            ago(now - session.last_seen)
        );
    }
    text
}

/// "just now", "5 minutes ago", "3 hours ago", "2 days ago".
fn ago(seconds: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" });
    match seconds.max(0) {
        0..60 => "just now".to_owned(),
        s @ 60..3600 => plural(s / 60, "minute"),
        s @ 3600..86_400 => plural(s / 3600, "hour"),
        s => plural(s / 86_400, "day"),
    }
}

fn describe(account: &courier_client::Account) -> String {
    match &account.email {
        Some(email) => format!("{} <{email}>", account.display_name()),
        None => account.display_name().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: &str, current: bool, device: Option<&str>, last_seen: i64) -> Session {
        Session {
            id: id.into(),
            kind: if device.is_some() {
                SessionKind::App
            } else {
                SessionKind::Browser
            },
            device_name: device.map(str::to_owned),
            client: if device.is_some() {
                "Courier desktop".into()
            } else {
                "Firefox 133".into()
            },
            os: Some("Linux".into()),
            ip: Some("127.0.0.1".into()),
            first_seen: 0,
            last_seen,
            current,
        }
    }

    #[test]
    fn sessions_list_this_device_first_and_marked() {
        let text = describe_sessions(
            &[
                session("b1", false, None, 1_000 - 7_200),
                session("g2", true, Some("desk"), 1_000),
                session("g3", false, Some("laptop"), 1_000 - 90),
            ],
            1_000,
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "* g2  Courier desktop on desk, Linux, 127.0.0.1, active just now  (this device)",
                "  g3  Courier desktop on laptop, Linux, 127.0.0.1, active 1 minute ago",
                "  b1  Firefox 133 (browser), Linux, 127.0.0.1, active 2 hours ago",
            ]
        );
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(ago(-5), "just now");
        assert_eq!(ago(59), "just now");
        assert_eq!(ago(120), "2 minutes ago");
        assert_eq!(ago(3_600), "1 hour ago");
        assert_eq!(ago(3 * 86_400 + 5), "3 days ago");
    }
}
