//! The server's public origin (the OpenID issuer): absolute links in mails and pages,
//! the `Origin` check and whether cookies are `Secure`.

use std::sync::Arc;

/// The server's public origin, exactly as it appears in discovery (`iss`).
#[derive(Debug, Clone)]
pub struct Issuer {
    base: Arc<str>,
    origin: Arc<str>,
    https: bool,
}

impl Issuer {
    /// Parses and normalises an issuer URL (no query, fragment or trailing slash).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = url::Url::parse(raw).map_err(|error| format!("issuer {raw:?}: {error}"))?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => return Err(format!("issuer scheme must be http or https, not {other}")),
        };
        if url.query().is_some() || url.fragment().is_some() || url.cannot_be_a_base() {
            return Err(format!("issuer {raw:?} must not have a query or fragment"));
        }
        let base = url.as_str().trim_end_matches('/').to_owned();
        let origin = url.origin().ascii_serialization();
        Ok(Self {
            base: base.into(),
            origin: origin.into(),
            https,
        })
    }

    /// The issuer identifier.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// An absolute URL for `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `scheme://host:port`, for checking `Origin` headers.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Cookies get `Secure` and the `__Host-` prefix when served over HTTPS.
    pub fn is_https(&self) -> bool {
        self.https
    }
}
