//! Headless Debian Chromium driven over WebDriver: `/usr/bin/chromedriver` on a free
//! loopback port (killed with its Chromium when the [`Browser`] is dropped), a
//! `fantoccini` session with a fresh profile, and the few page operations tests need.
//! Every wait is a bounded poll and every WebDriver call has its own deadline
//! ([`CALL_TIMEOUT`]), so a driver that stops answering fails the step that called it;
//! nothing here sleeps for a fixed time.
//!
//! Knows nothing about Courier's pages: those helpers live in [`crate::pages`].

use std::future::Future;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use fantoccini::elements::Element;
use fantoccini::wd::WindowHandle;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tempfile::TempDir;
use url::Url;

use crate::process::{ChildGuard, free_port};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long the `wait_*` helpers poll before giving up.
pub const WAIT_TIMEOUT: Duration = Duration::from_secs(15);
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// The attribute [`Browser::navigate_by`] puts on the page it is leaving.
const STALE_MARK: &str = "data-courier-tests-stale";
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(15);
/// How long one WebDriver call (a click, a lookup, a page load) may take.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(45);
/// How long the error report's own calls (where the browser is) may take.
const REPORT_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs one WebDriver call, failing with `what` if it has not answered within `limit`.
pub(crate) async fn bounded<T, E>(
    what: &str,
    limit: Duration,
    call: impl Future<Output = std::result::Result<T, E>>,
) -> Result<T>
where
    E: std::error::Error + Send + Sync + 'static,
{
    match tokio::time::timeout(limit, call).await {
        Ok(result) => result.with_context(|| format!("WebDriver: {what}")),
        Err(_) => bail!("WebDriver: {what} did not answer within {limit:?}"),
    }
}

/// A headless Chromium session. Dropping it kills chromedriver and the browser;
/// [`Browser::close`] ends the session politely first.
pub struct Browser {
    client: Client,
    // Field order matters: the driver (and its browser) die before the profile folder
    // is removed.
    _driver: ChildGuard,
    dir: TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a fresh profile.
    pub async fn launch() -> Result<Self> {
        for program in [CHROMIUM, CHROMEDRIVER] {
            if !Path::new(program).exists() {
                bail!("{program} is missing: run `source scripts/common.sh && need_e2e_tools`");
            }
        }
        let dir = tempfile::Builder::new()
            .prefix("courier-chromium-")
            .tempdir()?;
        let profile = dir.path().join("profile");
        let log = dir.path().join("chromedriver.log");
        let port = free_port()?;
        let mut command = Command::new(CHROMEDRIVER);
        command
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            // Chromium inherits this: without a session bus it cannot wake portals or a
            // keyring on the test's private bus (a 5 s stall otherwise).
            .env("DBUS_SESSION_BUS_ADDRESS", "disabled:")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut driver = ChildGuard::spawn("chromedriver", command)?;
        let webdriver = format!("http://127.0.0.1:{port}");
        wait_for_port(&mut driver, port, &log).await?;

        let capabilities = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": { "pageLoad": 30_000, "script": 10_000 },
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal");
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&webdriver)
            .await
            .map_err(|error| {
                anyhow!(
                    "creating a Chromium session: {error}\nchromedriver log:\n{}",
                    log_tail(&log)
                )
            })?;
        Ok(Self {
            client,
            _driver: driver,
            dir,
        })
    }

    /// A session some other WebDriver server started (e.g. tauri-driver for the
    /// desktop app): the same helpers then drive that window.
    pub(crate) fn from_session(client: Client, driver: ChildGuard, dir: TempDir) -> Self {
        Self {
            client,
            _driver: driver,
            dir,
        }
    }

    /// The underlying WebDriver client, for anything the helpers do not cover.
    pub fn webdriver(&self) -> &Client {
        &self.client
    }

    /// Ends the WebDriver session (Chromium quits), then stops chromedriver.
    pub async fn close(self) -> Result<()> {
        bounded(
            "closing the session",
            CALL_TIMEOUT,
            self.client.clone().close(),
        )
        .await
    }

    /// Opens `url` and waits for it to load.
    pub async fn goto(&self, url: &str) -> Result<()> {
        bounded(
            &format!("opening {url}"),
            CALL_TIMEOUT,
            self.client.goto(url),
        )
        .await
    }

    /// Opens a new tab and makes it the current one. Returns the tab that was current,
    /// for [`Browser::close_tab`] to go back to.
    pub async fn open_tab(&self) -> Result<WindowHandle> {
        let previous = bounded(
            "reading the current tab",
            CALL_TIMEOUT,
            self.client.window(),
        );
        let previous = previous.await?;
        let tab = bounded("opening a tab", CALL_TIMEOUT, self.client.new_window(true)).await?;
        bounded(
            "switching to the new tab",
            CALL_TIMEOUT,
            self.client.switch_to_window(tab.handle),
        )
        .await?;
        Ok(previous)
    }

    /// Closes the current tab and goes back to `previous`, as it was left.
    pub async fn close_tab(&self, previous: WindowHandle) -> Result<()> {
        bounded("closing the tab", CALL_TIMEOUT, self.client.close_window()).await?;
        bounded(
            "switching back to the first tab",
            CALL_TIMEOUT,
            self.client.switch_to_window(previous),
        )
        .await
    }

    pub async fn current_url(&self) -> Result<Url> {
        bounded("reading the URL", CALL_TIMEOUT, self.client.current_url()).await
    }

    /// The visible text of the page.
    pub async fn page_text(&self) -> Result<String> {
        let body = bounded(
            "finding the body",
            CALL_TIMEOUT,
            self.client.find(Locator::Css("body")),
        )
        .await?;
        bounded("reading the page text", CALL_TIMEOUT, body.text()).await
    }

    /// The page's HTML as the browser has it now.
    pub async fn page_source(&self) -> Result<String> {
        bounded(
            "reading the page source",
            CALL_TIMEOUT,
            self.client.source(),
        )
        .await
    }

    /// The first element matching the CSS `selector`.
    pub async fn find(&self, selector: &str) -> Result<Element> {
        let what = format!("finding {selector}");
        match bounded(
            &what,
            CALL_TIMEOUT,
            self.client.find(Locator::Css(selector)),
        )
        .await
        {
            Ok(element) => Ok(element),
            Err(error) => Err(error.context(format!(
                "no element matches {selector}; {}",
                self.where_am_i().await
            ))),
        }
    }

    /// Whether the page has an element matching the CSS `selector`.
    pub async fn has(&self, selector: &str) -> Result<bool> {
        let what = format!("looking for {selector}");
        let found = bounded(
            &what,
            CALL_TIMEOUT,
            self.client.find_all(Locator::Css(selector)),
        );
        Ok(!found.await?.is_empty())
    }

    /// Replaces the value of the form field named `name` with `value`, typing it.
    pub async fn fill(&self, name: &str, value: &str) -> Result<()> {
        let field = self.field(name).await?;
        bounded(&format!("clearing {name}"), CALL_TIMEOUT, field.clear()).await?;
        let typing = format!("typing into {name}");
        bounded(&typing, CALL_TIMEOUT, field.send_keys(value)).await
    }

    /// Replaces the value of the field matching the CSS `selector` (for fields known by
    /// id or label rather than by name), typing it; waits for the field to appear first
    /// (a screen may still be drawing after the click that opened it).
    pub async fn type_into(&self, selector: &str, value: &str) -> Result<()> {
        self.wait_until(&format!("a field matching {selector}"), || async {
            Ok(self.has(selector).await?.then_some(()))
        })
        .await?;
        let field = self.find(selector).await?;
        bounded(&format!("clearing {selector}"), CALL_TIMEOUT, field.clear()).await?;
        let typing = format!("typing into {selector}");
        bounded(&typing, CALL_TIMEOUT, field.send_keys(value)).await
    }

    /// Ticks the checkbox named `name`.
    pub async fn check(&self, name: &str) -> Result<()> {
        self.set_checked(name, true).await
    }

    /// Ticks or clears the checkbox named `name`, clicking it only when needed.
    pub async fn set_checked(&self, name: &str, checked: bool) -> Result<()> {
        let checkbox = self.field(name).await?;
        let reading = format!("reading checkbox {name}");
        if bounded(&reading, CALL_TIMEOUT, checkbox.is_selected()).await? != checked {
            let clicking = format!("clicking checkbox {name}");
            bounded(&clicking, CALL_TIMEOUT, checkbox.click()).await?;
        }
        Ok(())
    }

    /// Clicks the button (or submit input) whose text is exactly `text`, ignoring
    /// surrounding whitespace.
    pub async fn click_button(&self, text: &str) -> Result<()> {
        let literal = xpath_literal(text);
        let xpath = format!(
            "//button[normalize-space(.)={literal}] | //input[(@type='submit' or @type='button') and @value={literal}]"
        );
        self.click_xpath(&xpath, &format!("button {text:?}")).await
    }

    /// Clicks the link whose text is exactly `text`.
    pub async fn click_link(&self, text: &str) -> Result<()> {
        let xpath = format!("//a[normalize-space(.)={}]", xpath_literal(text));
        self.click_xpath(&xpath, &format!("link {text:?}")).await
    }

    /// Submits the form matching the CSS `selector` as its submit button would (the
    /// browser runs its constraint validation first).
    pub async fn submit_form(&self, selector: &str) -> Result<()> {
        let finding = format!("finding form {selector}");
        let form = bounded(
            &finding,
            CALL_TIMEOUT,
            self.client.form(Locator::Css(selector)),
        )
        .await?;
        bounded(
            &format!("submitting {selector}"),
            CALL_TIMEOUT,
            form.submit(),
        )
        .await
    }

    /// Runs `action` (a click or submit that loads a page) and waits until a new,
    /// fully loaded document has replaced the current one; returns its URL. The
    /// current document is marked first, so a form re-rendered at the same URL (a
    /// refused sign-in) counts as new and a stale page is never mistaken for the result.
    pub async fn navigate_by(
        &self,
        what: &str,
        action: impl Future<Output = Result<()>>,
    ) -> Result<Url> {
        let mark = format!("document.documentElement.setAttribute('{STALE_MARK}', '')");
        bounded(
            "marking the current page",
            CALL_TIMEOUT,
            self.client.execute(&mark, vec![]),
        )
        .await?;
        action.await?;
        self.wait_until(&format!("a new page after {what}"), || async {
            if self.has(&format!("[{STALE_MARK}]")).await? {
                return Ok(None);
            }
            let state = bounded(
                "reading document.readyState",
                CALL_TIMEOUT,
                self.client.execute("return document.readyState", vec![]),
            )
            .await?;
            if state != "complete" {
                return Ok(None);
            }
            Ok(Some(self.current_url().await?))
        })
        .await
    }

    /// Polls `probe` until it returns `Some`, for at most [`WAIT_TIMEOUT`]. `what`
    /// names the condition in the error, which also says where the browser was.
    pub async fn wait_until<T, F, Fut>(&self, what: &str, mut probe: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<T>>>,
    {
        let deadline = Instant::now() + WAIT_TIMEOUT;
        loop {
            // A probe may fail transiently while a navigation replaces the page.
            let last_error = match probe().await {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => None,
                Err(error) => Some(error),
            };
            if Instant::now() >= deadline {
                let cause = last_error.map(|error| format!(" (last error: {error:#})"));
                bail!(
                    "timed out after {WAIT_TIMEOUT:?} waiting for {what}{}; {}",
                    cause.unwrap_or_default(),
                    self.where_am_i().await
                );
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Waits until the current URL satisfies `accept`; returns that URL.
    pub async fn wait_for_url(&self, what: &str, accept: impl Fn(&Url) -> bool) -> Result<Url> {
        self.wait_until(what, || async {
            let url = self.current_url().await?;
            Ok(accept(&url).then_some(url))
        })
        .await
    }

    /// Waits until the current URL starts with `prefix`; returns that URL.
    pub async fn wait_for_url_prefix(&self, prefix: &str) -> Result<Url> {
        self.wait_for_url(&format!("a URL starting {prefix}"), |url| {
            url.as_str().starts_with(prefix)
        })
        .await
    }

    /// Waits until the page text contains `text`; returns the page text.
    pub async fn wait_for_text(&self, text: &str) -> Result<String> {
        self.wait_until(&format!("the text {text:?}"), || async {
            let page = self.page_text().await?;
            Ok(page.contains(text).then_some(page))
        })
        .await
    }

    /// Saves a PNG of the viewport to `path`.
    pub async fn screenshot(&self, path: &Path) -> Result<()> {
        let png = bounded(
            "taking a screenshot",
            CALL_TIMEOUT,
            self.client.screenshot(),
        )
        .await?;
        std::fs::write(path, png).with_context(|| format!("writing {}", path.display()))
    }

    /// The folder holding the profile and chromedriver's log (removed on drop).
    pub fn work_dir(&self) -> &Path {
        self.dir.path()
    }

    async fn field(&self, name: &str) -> Result<Element> {
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            bail!("unexpected field name {name:?}");
        }
        self.find(&format!("[name=\"{name}\"]")).await
    }

    /// Clicks the element `xpath` finds (`what` names it in errors).
    pub async fn click_xpath(&self, xpath: &str, what: &str) -> Result<()> {
        let finding = format!("finding {what}");
        let element = match bounded(
            &finding,
            CALL_TIMEOUT,
            self.client.find(Locator::XPath(xpath)),
        )
        .await
        {
            Ok(element) => element,
            Err(error) => {
                let here = self.where_am_i().await;
                return Err(error.context(format!("no {what}; {here}")));
            }
        };
        bounded(&format!("clicking {what}"), CALL_TIMEOUT, element.click()).await
    }

    /// "at URL, page says: …", for error messages.
    async fn where_am_i(&self) -> String {
        let url = match bounded("reading the URL", REPORT_TIMEOUT, self.client.current_url()).await
        {
            Ok(url) => url.to_string(),
            Err(error) => format!("<no URL: {error:#}>"),
        };
        let text = tokio::time::timeout(REPORT_TIMEOUT, self.page_text())
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        let text: String = text.chars().take(600).collect();
        format!("browser at {url}, page says: {text:?}")
    }
}

/// Waits until chromedriver accepts connections on `port`, or fails with its log.
async fn wait_for_port(driver: &mut ChildGuard, port: u16, log: &Path) -> Result<()> {
    let deadline = Instant::now() + DRIVER_START_TIMEOUT;
    loop {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        if let Some(status) = driver.exited() {
            bail!(
                "chromedriver exited ({status}) before listening on {port}:\n{}",
                log_tail(log)
            );
        }
        if Instant::now() >= deadline {
            bail!(
                "chromedriver did not listen on {port} within {DRIVER_START_TIMEOUT:?}:\n{}",
                log_tail(log)
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// `text` as an XPath 1.0 string literal (which has no escapes: quotes are joined with
/// `concat` when the text holds both kinds).
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

#[cfg(test)]
mod tests {
    use super::xpath_literal;

    #[test]
    fn xpath_literals_quote_either_way() {
        assert_eq!(xpath_literal("Sign In"), "'Sign In'");
        assert_eq!(xpath_literal("You're in"), "\"You're in\"");
        assert_eq!(xpath_literal("a'b\"c"), "concat('a', \"'\", 'b\"c')");
    }
}
