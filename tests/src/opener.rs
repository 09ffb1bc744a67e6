//! A stand-in for the system browser in tests: the URL a client asks to open is
//! handed to the test (which then drives Chromium or the scripted browser there).

use courier_client::auth::browser::BrowserOpener;
use tokio::sync::mpsc;

pub struct ChannelOpener(mpsc::UnboundedSender<String>);

impl ChannelOpener {
    /// The opener, and where the URLs it is asked to open arrive.
    pub fn new() -> (Self, mpsc::UnboundedReceiver<String>) {
        let (sender, opened) = mpsc::unbounded_channel();
        (Self(sender), opened)
    }
}

impl BrowserOpener for ChannelOpener {
    fn open(&self, url: &str) -> Result<(), String> {
        self.0
            .send(url.to_owned())
            .map_err(|error| error.to_string())
    }
}
