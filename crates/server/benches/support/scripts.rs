//! What each connection of a scenario sends, and how it reads the answers.

use anyhow::Context as _;
use hyper::body::Bytes;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, StatusCode};

use courier_testkit as common;

use super::load::{Body, FORM, Reply, Script, Verdict, request};

/// `GET /signin` once for the CSRF cookie and token, then `POST /signin` with the
/// right password over and over, keeping the session cookie as a browser would.
pub struct SignIn {
    host: HeaderValue,
    identifier: String,
    csrf_cookie: String,
    cookie: HeaderValue,
    form: Bytes,
}

impl SignIn {
    pub fn new(host: &HeaderValue, identifier: &str) -> Self {
        Self {
            host: host.clone(),
            identifier: identifier.to_owned(),
            csrf_cookie: String::new(),
            cookie: HeaderValue::from_static(""),
            form: Bytes::new(),
        }
    }
}

impl Script for SignIn {
    fn opening(&mut self) -> Option<Request<Body>> {
        Some(request(
            Method::GET,
            "/signin",
            &[(header::HOST, &self.host)],
            Bytes::new(),
        ))
    }

    fn opened(&mut self, reply: &Reply) -> anyhow::Result<()> {
        let html = std::str::from_utf8(&reply.body)?;
        let csrf = common::hidden_value(html, "csrf").context("no CSRF field on /signin")?;
        let cookie =
            cookie_set(&reply.headers, "courier_csrf").context("no CSRF cookie from /signin")?;
        self.csrf_cookie = format!("courier_csrf={cookie}");
        self.cookie = HeaderValue::from_str(&self.csrf_cookie)?;
        self.form = serde_urlencoded::to_string([
            ("csrf", csrf.as_str()),
            ("identifier", &self.identifier),
            ("password", common::PASSWORD),
            ("keep", "on"),
        ])?
        .into();
        Ok(())
    }

    fn request(&self) -> Request<Body> {
        request(
            Method::POST,
            "/signin",
            &[
                (header::HOST, &self.host),
                (header::CONTENT_TYPE, &FORM),
                (header::COOKIE, &self.cookie),
            ],
            self.form.clone(),
        )
    }

    fn check(&mut self, reply: &Reply) -> Verdict {
        if reply.status != StatusCode::SEE_OTHER {
            return Verdict::Error(format!("sign-in answered {}", reply.status));
        }
        // The next sign-in replaces this session, as it would in a browser.
        if let Some(session) = cookie_set(&reply.headers, "courier_session") {
            let cookie = format!("{}; courier_session={session}", self.csrf_cookie);
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                self.cookie = value;
            }
        }
        Verdict::Ok
    }
}

/// The value a response's `Set-Cookie` gives cookie `name`.
fn cookie_set(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next()?.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The refresh-token grant, following its own rotation chain: each answer's refresh
/// token is the next request's (presenting a spent one would revoke the grant).
pub struct Refresh {
    host: HeaderValue,
    /// The chain's current (unspent) refresh token.
    pub token: String,
    form: Bytes,
}

#[derive(serde::Deserialize)]
struct Rotated {
    refresh_token: String,
}

impl Refresh {
    pub fn new(host: &HeaderValue, refresh_token: &str) -> Self {
        Self {
            host: host.clone(),
            token: refresh_token.to_owned(),
            form: Self::form(refresh_token),
        }
    }

    fn form(refresh_token: &str) -> Bytes {
        serde_urlencoded::to_string([
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", common::DESKTOP_CLIENT_ID),
        ])
        .unwrap_or_default()
        .into()
    }
}

impl Script for Refresh {
    fn request(&self) -> Request<Body> {
        request(
            Method::POST,
            "/oauth/token",
            &[(header::HOST, &self.host), (header::CONTENT_TYPE, &FORM)],
            self.form.clone(),
        )
    }

    fn check(&mut self, reply: &Reply) -> Verdict {
        if reply.status != StatusCode::OK {
            let body = String::from_utf8_lossy(&reply.body);
            return Verdict::Stop(format!("refresh answered {}: {body}", reply.status));
        }
        match serde_json::from_slice::<Rotated>(&reply.body) {
            Ok(rotated) => {
                self.form = Self::form(&rotated.refresh_token);
                self.token = rotated.refresh_token;
                Verdict::Ok
            }
            Err(error) => Verdict::Stop(format!("refresh answer unreadable: {error}")),
        }
    }
}

/// `GET path`, with one grant's bearer token or none; a 200 is success.
pub struct Get {
    host: HeaderValue,
    path: &'static str,
    authorization: Option<HeaderValue>,
}

impl Get {
    pub fn new(host: &HeaderValue, path: &'static str) -> Self {
        Self {
            host: host.clone(),
            path,
            authorization: None,
        }
    }

    pub fn bearer(host: &HeaderValue, path: &'static str, access_token: &str) -> Self {
        Self {
            authorization: HeaderValue::from_str(&format!("Bearer {access_token}")).ok(),
            ..Self::new(host, path)
        }
    }

    /// `GET /oauth/userinfo`.
    pub fn user_info(host: &HeaderValue, access_token: &str) -> Self {
        Self::bearer(host, "/oauth/userinfo", access_token)
    }
}

impl Script for Get {
    fn request(&self) -> Request<Body> {
        let mut headers = vec![(header::HOST, &self.host)];
        if let Some(authorization) = &self.authorization {
            headers.push((header::AUTHORIZATION, authorization));
        }
        request(Method::GET, self.path, &headers, Bytes::new())
    }

    fn check(&mut self, reply: &Reply) -> Verdict {
        if reply.status == StatusCode::OK {
            Verdict::Ok
        } else {
            Verdict::Error(format!("GET {} answered {}", self.path, reply.status))
        }
    }
}
