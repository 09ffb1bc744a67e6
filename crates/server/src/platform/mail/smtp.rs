//! Mail through an SMTP relay (`smtp://` with STARTTLS required, `smtps://` implicit TLS).

use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use secrecy::{ExposeSecret as _, SecretString};

use super::{Mail, Transport};
use crate::error::{Error, Result};

pub struct SmtpTransport {
    inner: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpTransport {
    pub fn from_url(url: &SecretString) -> Result<Self> {
        let inner = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
            .map_err(|error| Error::Config(format!("smtp_url: {error}")))?
            .build();
        Ok(Self { inner })
    }
}

#[async_trait::async_trait]
impl Transport for SmtpTransport {
    async fn deliver(&self, message: &Message, _mail: &Mail) -> Result<()> {
        self.inner
            .send(message.clone())
            .await
            .map(drop)
            .map_err(|error| Error::Io(std::io::Error::other(error.to_string())))
    }
}
