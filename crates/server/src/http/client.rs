//! Where a request came from ([`ClientInfo`]): recorded on sessions and grants, and
//! the key for per-address rate limits. Shared by the pages and the OAuth endpoints.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::state::AppState;

/// Where a request came from: recorded on sessions and grants, and the key for
/// per-address rate limits.
#[derive(Debug, Clone)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: Option<String>,
}

impl FromRequestParts<AppState> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect();
        let ip = peer.map(|peer| client_address(peer, &forwarded, &state.settings.trusted_proxies));
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.chars().take(256).collect());
        Ok(Self {
            ip: ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
            user_agent,
        })
    }
}

/// The client's address: the connection's, unless it comes from a trusted proxy; then
/// the right-most `X-Forwarded-For` entry that is not a trusted proxy (entries left of
/// it are the client's own say and can be anything). An entry that is not an address
/// stops the walk at the last trusted hop.
fn client_address(peer: IpAddr, forwarded: &[&str], trusted_proxies: &[IpNet]) -> IpAddr {
    let trusted = |ip: &IpAddr| trusted_proxies.iter().any(|net| net.contains(ip));
    let mut client = peer;
    if !trusted(&client) {
        return client;
    }
    let entries = forwarded.iter().flat_map(|value| value.split(',')).rev();
    for entry in entries {
        let Ok(ip) = entry.trim().parse::<IpAddr>() else {
            return client;
        };
        client = ip;
        if !trusted(&client) {
            return client;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter()
            .map(|net| net.parse().expect("a network"))
            .collect()
    }

    #[test]
    fn forwarded_for_is_read_only_from_a_trusted_proxy() {
        let proxies = nets(&["10.0.0.0/8"]);
        // Straight from the internet: the header is the caller's own say.
        assert_eq!(
            client_address(ip("203.0.113.5"), &["1.2.3.4"], &proxies),
            ip("203.0.113.5")
        );
        // Nothing trusted: never read.
        assert_eq!(
            client_address(ip("10.0.0.1"), &["1.2.3.4"], &[]),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), &["1.2.3.4"], &proxies),
            ip("1.2.3.4")
        );
    }

    #[test]
    fn the_right_most_untrusted_entry_is_the_client() {
        let proxies = nets(&["10.0.0.0/8", "192.0.2.1/32"]);
        // A client that sends its own header cannot choose its address.
        let forwarded = ["6.6.6.6, 198.51.100.7", "192.0.2.1"];
        assert_eq!(
            client_address(ip("10.0.0.1"), &forwarded, &proxies),
            ip("198.51.100.7")
        );
        // Garbage stops at the last trusted hop.
        assert_eq!(
            client_address(ip("10.0.0.1"), &["nonsense, 192.0.2.1"], &proxies),
            ip("192.0.2.1")
        );
        // Only proxies: the left-most one.
        assert_eq!(
            client_address(ip("10.0.0.1"), &["10.1.1.1"], &proxies),
            ip("10.1.1.1")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), &[], &proxies),
            ip("10.0.0.1")
        );
    }
}
