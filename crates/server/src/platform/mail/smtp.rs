//! Mail through an SMTP relay. Credentials never cross a connection without TLS:
//! `smtps://` is implicit TLS, `smtp://` requires STARTTLS, and a plain connection
//! (`smtp://…?tls=none` or `tls=opportunistic`) is accepted only to a relay on this
//! machine, where nothing crosses a network.

use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use secrecy::{ExposeSecret as _, SecretString};
use url::{Host, Url};

use courier_store::OutgoingMail;

use super::Transport;
use crate::error::{Error, Result};

pub struct SmtpTransport {
    inner: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpTransport {
    pub fn from_url(url: &SecretString) -> Result<Self> {
        let secured = secured_url(url.expose_secret()).map_err(Error::Config)?;
        let inner = AsyncSmtpTransport::<Tokio1Executor>::from_url(&secured)
            .map_err(|error| Error::Config(format!("smtp_url: {error}")))?
            .build();
        Ok(Self { inner })
    }
}

#[async_trait::async_trait]
impl Transport for SmtpTransport {
    async fn deliver(&self, message: &Message, _mail: &OutgoingMail) -> Result<()> {
        self.inner
            .send(message.clone())
            .await
            .map(drop)
            .map_err(|error| Error::Io(std::io::Error::other(error.to_string())))
    }
}

/// The relay URL as lettre should read it: `smtp://` without a `tls` parameter gets
/// `tls=required` (lettre's own default there is no TLS at all); a plain or
/// opportunistic connection off loopback is refused. Errors never repeat the URL,
/// which may hold a password.
fn secured_url(raw: &str) -> std::result::Result<String, String> {
    let mut url = Url::parse(raw).map_err(|_| "smtp_url is not a URL".to_owned())?;
    match url.scheme() {
        "smtps" => return Ok(url.into()),
        "smtp" => {}
        _ => return Err("smtp_url must start with smtp:// or smtps://".to_owned()),
    }
    let tls = url
        .query_pairs()
        .find(|(name, _)| name == "tls")
        .map(|(_, value)| value.into_owned());
    match tls.as_deref() {
        None => {
            url.query_pairs_mut().append_pair("tls", "required");
            Ok(url.into())
        }
        Some("required") => Ok(url.into()),
        Some(plain @ ("none" | "opportunistic")) if !is_loopback(&url) => Err(format!(
            "smtp_url asks for tls={plain} to a relay on another machine; mail and its \
             credentials would cross the network in the clear. Use STARTTLS (drop tls=) \
             or smtps://"
        )),
        // lettre reads a plain connection from `smtp://` without `tls=`, and refuses
        // `tls=none`.
        Some("none") => {
            let others: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(name, _)| name != "tls")
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect();
            url.set_query(None);
            if !others.is_empty() {
                url.query_pairs_mut().extend_pairs(others);
            }
            Ok(url.into())
        }
        Some("opportunistic") => Ok(url.into()),
        Some(_) => Err("smtp_url: tls= must be required, opportunistic or none".to_owned()),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        // smtp:// is not a "special" scheme: its IPv4 hosts come back as names.
        Some(Host::Domain(name)) => {
            name.eq_ignore_ascii_case("localhost")
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
    use tokio::net::TcpListener;

    use super::*;

    #[test]
    fn plain_smtp_requires_starttls_and_plain_text_stays_on_this_machine() {
        assert_eq!(
            secured_url("smtp://ada:secret@mail.example.com:587").as_deref(),
            Ok("smtp://ada:secret@mail.example.com:587?tls=required")
        );
        assert!(secured_url("smtps://ada:secret@mail.example.com").is_ok());
        for refused in [
            "smtp://ada:secret@mail.example.com:25?tls=none",
            "smtp://ada:secret@mail.example.com:25?tls=opportunistic",
            "smtp://mail.example.com:25?tls=whatever",
            "http://mail.example.com",
        ] {
            let error = secured_url(refused).expect_err(refused);
            assert!(!error.contains("secret"), "{error}");
        }
        for local in [
            "smtp://127.0.0.1:2525?tls=none",
            "smtp://localhost:2525?tls=opportunistic",
        ] {
            assert!(secured_url(local).is_ok(), "{local}");
            let url = SecretString::from(local.to_owned());
            assert!(
                SmtpTransport::from_url(&url).is_ok(),
                "lettre takes {local}"
            );
        }
        assert_eq!(
            secured_url("smtp://127.0.0.1:2525?tls=none").as_deref(),
            Ok("smtp://127.0.0.1:2525")
        );
    }

    /// A relay on loopback that offers no STARTTLS, and records every line it hears.
    async fn relay_without_tls() -> (u16, tokio::task::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let port = listener.local_addr().expect("its address").port();
        let heard = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.expect("a connection");
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            let mut heard = Vec::new();
            let _ = write.write_all(b"220 relay ready\r\n").await;
            while let Ok(Some(line)) = lines.next_line().await {
                let answer: &[u8] = if line.starts_with("EHLO") {
                    b"250-relay\r\n250 AUTH PLAIN LOGIN\r\n"
                } else if line.starts_with("QUIT") {
                    b"221 bye\r\n"
                } else {
                    b"250 ok\r\n"
                };
                heard.push(line);
                if write.write_all(answer).await.is_err() {
                    break;
                }
            }
            heard
        });
        (port, heard)
    }

    #[tokio::test]
    async fn credentials_never_cross_a_connection_without_tls() {
        let (port, heard) = relay_without_tls().await;
        let url = SecretString::from(format!("smtp://ada:secret@127.0.0.1:{port}"));
        let transport = SmtpTransport::from_url(&url).expect("a transport");
        let mail = OutgoingMail {
            id: "00000000000000000001-00000000-a".into(),
            to: "bob@example.com".into(),
            subject: "Hello".into(),
            body: "Hi".into(),
            links: Vec::new(),
            queued_at: 1_900_000_000,
        };
        let from = "Courier <no-reply@courier.localhost>"
            .parse()
            .expect("a mailbox");
        let message = super::super::build_message(&from, &mail).expect("a message");
        let sent = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            transport.deliver(&message, &mail),
        )
        .await
        .expect("an answer within 10 s");
        assert!(sent.is_err(), "a relay without STARTTLS must be refused");
        let heard = heard.await.expect("the relay's record");
        assert!(
            heard.iter().any(|line| line.starts_with("EHLO")),
            "{heard:?}"
        );
        assert!(
            !heard
                .iter()
                .any(|line| line.starts_with("AUTH") || line.starts_with("MAIL")),
            "{heard:?}"
        );
    }
}
