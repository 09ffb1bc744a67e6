//! Which proxy a send goes through, read from the environment variables curl and most
//! tools honour: `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (upper or
//! lower case, lower first as curl does; `HTTP_PROXY` is used only in lower case
//! when running as CGI, `REQUEST_METHOD` set, as reqwest does). The variables are read
//! through a lookup so tests can pass their own without touching the process's
//! environment. With none of them set, reqwest's own discovery applies (the system
//! settings on macOS and Windows).

use reqwest::{NoProxy, Proxy};

use super::SendError;

/// `Proxy::http`, `Proxy::https` or `Proxy::all`.
type MakeProxy = fn(&str) -> reqwest::Result<Proxy>;

/// The proxies set in an environment; empty when none is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    pub http: Option<String>,
    pub https: Option<String>,
    pub all: Option<String>,
    /// Hosts, domains and addresses reached directly, comma-separated.
    pub no_proxy: Option<String>,
}

impl ProxyEnv {
    /// The proxy settings of the process's environment.
    pub fn from_process() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The proxy settings `lookup` gives (a variable's value, `None` when unset).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let read = |names: &[&str]| {
            names
                .iter()
                .filter_map(|name| lookup(name))
                .map(|value| value.trim().to_owned())
                .find(|value| !value.is_empty())
        };
        // Under CGI a request's `Proxy:` header arrives as HTTP_PROXY (httpoxy).
        let cgi = lookup("REQUEST_METHOD").is_some();
        Self {
            http: if cgi {
                read(&["http_proxy"])
            } else {
                read(&["http_proxy", "HTTP_PROXY"])
            },
            https: read(&["https_proxy", "HTTPS_PROXY"]),
            all: read(&["all_proxy", "ALL_PROXY"]),
            no_proxy: read(&["no_proxy", "NO_PROXY"]),
        }
    }

    /// No proxy is set.
    pub fn is_empty(&self) -> bool {
        self.http.is_none() && self.https.is_none() && self.all.is_none()
    }

    /// The reqwest proxies, most specific first; a malformed proxy URL is an error
    /// naming the variable rather than a silent direct connection.
    pub(super) fn proxies(&self) -> Result<Vec<Proxy>, SendError> {
        let no_proxy = || self.no_proxy.as_deref().and_then(NoProxy::from_string);
        let mut proxies = Vec::new();
        let entries: [(&str, &Option<String>, MakeProxy); 3] = [
            ("HTTP_PROXY", &self.http, |url| Proxy::http(url)),
            ("HTTPS_PROXY", &self.https, |url| Proxy::https(url)),
            ("ALL_PROXY", &self.all, |url| Proxy::all(url)),
        ];
        for (variable, url, make) in entries {
            let Some(url) = url else { continue };
            let proxy = make(url).map_err(|error| SendError::Client {
                reason: format!("{variable} is not a usable proxy address ({url}): {error}"),
            })?;
            proxies.push(proxy.no_proxy(no_proxy()));
        }
        Ok(proxies)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> ProxyEnv {
        let vars: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ProxyEnv::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn lower_case_wins_and_blank_values_count_as_unset() {
        let read = env(&[
            ("http_proxy", "http://lower:1"),
            ("HTTP_PROXY", "http://upper:1"),
            ("https_proxy", "  "),
            ("HTTPS_PROXY", "http://secure:1"),
            ("NO_PROXY", "localhost"),
        ]);
        assert_eq!(read.http.as_deref(), Some("http://lower:1"));
        assert_eq!(read.https.as_deref(), Some("http://secure:1"));
        assert_eq!(read.all, None);
        assert_eq!(read.no_proxy.as_deref(), Some("localhost"));
        assert!(!read.is_empty());
        assert!(env(&[("NO_PROXY", "x")]).is_empty());
    }

    #[test]
    fn under_cgi_the_upper_case_http_proxy_is_ignored() {
        let read = env(&[
            ("REQUEST_METHOD", "GET"),
            ("HTTP_PROXY", "http://attacker:1"),
        ]);
        assert_eq!(read.http, None);
    }

    #[test]
    fn a_malformed_proxy_names_its_variable() {
        let error = env(&[("HTTPS_PROXY", "http://[::1")])
            .proxies()
            .unwrap_err();
        assert!(error.to_string().contains("HTTPS_PROXY"), "{error}");
    }
}
