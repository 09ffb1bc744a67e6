//! The OAuth clients this server knows and the redirect URIs each may use. Courier's
//! desktop app is a public native client: it may be redirected to a loopback address
//! on any port (RFC 8252 §7.3), path `/callback`; everything else must match exactly.

use courier_proto::DESKTOP_CLIENT_ID;
use url::{Host, Url};

/// A registered client.
#[derive(Debug)]
pub struct Client {
    pub id: &'static str,
    /// Shown on the sign-in page ("Sign in to continue to …").
    pub name: &'static str,
    loopback_path: &'static str,
}

static CLIENTS: [Client; 1] = [Client {
    id: DESKTOP_CLIENT_ID,
    name: "Courier Desktop",
    loopback_path: "/callback",
}];

pub fn find(client_id: &str) -> Option<&'static Client> {
    CLIENTS.iter().find(|client| client.id == client_id)
}

impl Client {
    /// True when `redirect_uri` is `http://127.0.0.1:{port}/callback` or
    /// `http://[::1]:{port}/callback` written canonically: no `localhost` (it can
    /// resolve elsewhere), no user info, query, fragment or path tricks.
    pub fn accepts_redirect(&self, redirect_uri: &str) -> bool {
        let Ok(url) = Url::parse(redirect_uri) else {
            return false;
        };
        let loopback = match url.host() {
            Some(Host::Ipv4(ip)) => ip.is_loopback() && ip.octets() == [127, 0, 0, 1],
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            _ => false,
        };
        url.scheme() == "http"
            && loopback
            && url.port().is_some()
            && url.username().is_empty()
            && url.password().is_none()
            && url.path() == self.loopback_path
            && url.query().is_none()
            && url.fragment().is_none()
            && url.as_str() == redirect_uri
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desktop() -> &'static Client {
        find(DESKTOP_CLIENT_ID).unwrap()
    }

    #[test]
    fn any_loopback_port_is_accepted() {
        for uri in [
            "http://127.0.0.1:1/callback",
            "http://127.0.0.1:49152/callback",
            "http://127.0.0.1:65535/callback",
            "http://[::1]:8080/callback",
        ] {
            assert!(desktop().accepts_redirect(uri), "{uri}");
        }
    }

    #[test]
    fn everything_else_is_refused() {
        for uri in [
            "http://localhost:8080/callback",
            "https://127.0.0.1:8080/callback",
            "http://127.0.0.2:8080/callback",
            "http://127.0.0.1/callback",
            "http://127.0.0.1:8080/callback/",
            "http://127.0.0.1:8080/other",
            "http://127.0.0.1:8080/callback?x=1",
            "http://127.0.0.1:8080/callback#frag",
            "http://user@127.0.0.1:8080/callback",
            "http://127.0.0.1:8080/a/../callback",
            "http://evil.example:8080/callback",
            "http://[::ffff:127.0.0.1]:8080/callback",
            "HTTP://127.0.0.1:8080/callback",
            "courier://callback",
            "not a url",
        ] {
            assert!(!desktop().accepts_redirect(uri), "{uri}");
        }
    }

    #[test]
    fn unknown_clients_are_not_found() {
        assert!(find("someone-else").is_none());
    }
}
