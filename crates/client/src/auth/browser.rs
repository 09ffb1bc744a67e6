//! Opening the system browser on the authorization URL (crate `open`, detached so a
//! browser that stays open never blocks us). `COURIER_BROWSER`, when set, names a
//! program to run with the URL instead: the end-to-end tests point it at their
//! headless browser driver. If nothing can be opened, the sign-in still runs and the
//! URL is shown for the person to open themselves.

use std::process::{Command, Stdio};

/// The environment variable naming a program to open URLs with instead of the desktop's browser.
pub const BROWSER_OVERRIDE: &str = "COURIER_BROWSER";

pub trait BrowserOpener: Send + Sync + 'static {
    /// Starts opening `url`; returns once the browser has been asked, not when it is done.
    fn open(&self, url: &str) -> Result<(), String>;
}

/// The desktop's default browser, or the program in `COURIER_BROWSER`.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemBrowser;

impl BrowserOpener for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        match std::env::var_os(BROWSER_OVERRIDE).filter(|value| !value.is_empty()) {
            Some(program) => Command::new(program)
                .arg(url)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map(drop)
                .map_err(|error| format!("cannot start {BROWSER_OVERRIDE}: {error}")),
            None => {
                open::that_detached(url).map_err(|error| format!("cannot open a browser: {error}"))
            }
        }
    }
}

/// Never opens anything (`courier-cli login --no-browser`): the URL is only printed.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoBrowser;

impl BrowserOpener for NoBrowser {
    fn open(&self, _url: &str) -> Result<(), String> {
        Ok(())
    }
}
