//! Finding a server's endpoints from its issuer URL (OpenID Connect Discovery /
//! RFC 8414), and the rule that off loopback only `https://` is spoken.

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::error::{Error, Result};

/// The endpoints Courier uses, as discovered; kept with each account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    pub issuer: String,
    pub authorization: String,
    pub token: String,
    pub userinfo: Option<String>,
    pub revocation: Option<String>,
    /// The server names itself (`iss`) in every authorization response (RFC 9207
    /// `authorization_response_iss_parameter_supported`); a callback without it is then
    /// refused, since a mix-up attack would strip it.
    #[serde(default)]
    pub iss_in_authorization_response: bool,
}

/// True for `127.0.0.1`, `::1` and `localhost`.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Parses a server URL and refuses plain HTTP off loopback.
pub fn check_server_url(raw: &str) -> Result<Url> {
    let url = Url::parse(raw.trim()).map_err(|_| Error::InvalidServerUrl(raw.to_owned()))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(Error::InsecureServer {
            url: raw.to_owned(),
            reason: "plain HTTP is only allowed on this machine (loopback); use https://",
        }),
        _ => Err(Error::InvalidServerUrl(raw.to_owned())),
    }
}

/// The issuer identifier for a server URL: no trailing slash.
pub fn normalize_issuer(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_owned()
}

/// Fetches and checks the provider metadata of the server at `server`.
pub async fn discover(http: &reqwest::Client, server: &str) -> Result<Endpoints> {
    let url = check_server_url(server)?;
    let issuer = normalize_issuer(&url);
    let document = format!("{issuer}/.well-known/openid-configuration");
    let response = http
        .get(&document)
        .send()
        .await
        .map_err(|error| Error::network(&issuer, &error))?;
    if !response.status().is_success() {
        return Err(Error::Protocol(format!(
            "{document} answered {}; is {issuer} a Courier or OpenID Connect server?",
            response.status()
        )));
    }
    let metadata: ProviderMetadataSubset = response
        .json()
        .await
        .map_err(|_| Error::Protocol(format!("{document} is not valid provider metadata")))?;
    if metadata.issuer.trim_end_matches('/') != issuer {
        return Err(Error::Protocol(format!(
            "the server says it is {:?}, not {issuer:?}",
            metadata.issuer
        )));
    }
    if let Some(methods) = &metadata.code_challenge_methods_supported
        && !methods.iter().any(|method| method == "S256")
    {
        return Err(Error::Protocol(
            "the server does not support PKCE with S256".into(),
        ));
    }
    for endpoint in [
        Some(&metadata.authorization_endpoint),
        Some(&metadata.token_endpoint),
        metadata.userinfo_endpoint.as_ref(),
        metadata.revocation_endpoint.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        check_server_url(endpoint)?;
    }
    Ok(Endpoints {
        issuer: metadata.issuer,
        authorization: metadata.authorization_endpoint,
        token: metadata.token_endpoint,
        userinfo: metadata.userinfo_endpoint,
        revocation: metadata.revocation_endpoint,
        iss_in_authorization_response: metadata.authorization_response_iss_parameter_supported,
    })
}

/// The fields of `courier_proto::ProviderMetadata` Courier needs, so that any standard provider
/// (which may omit Courier-specific ones) is accepted.
#[derive(Debug, Deserialize)]
struct ProviderMetadataSubset {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    userinfo_endpoint: Option<String>,
    revocation_endpoint: Option<String>,
    code_challenge_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_on_loopback() {
        for ok in [
            "https://accounts.example.com",
            "http://127.0.0.1:7878",
            "http://[::1]:7878",
            "http://localhost:7878",
        ] {
            assert!(check_server_url(ok).is_ok(), "{ok}");
        }
        for insecure in [
            "http://accounts.example.com",
            "http://192.168.1.2:7878",
            "http://127.0.0.1.example.com",
        ] {
            assert_eq!(
                check_server_url(insecure).unwrap_err().kind(),
                "insecure_server",
                "{insecure}"
            );
        }
        for invalid in ["", "ftp://example.com", "not a url", "file:///etc/passwd"] {
            assert_eq!(
                check_server_url(invalid).unwrap_err().kind(),
                "invalid_server_url",
                "{invalid}"
            );
        }
    }
}
