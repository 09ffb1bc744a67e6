//! What came back: status, headers in order, cookies, timings, sizes and the body
//! (capped), with a hint for which viewer suits it.

use serde::Serialize;

/// A response as the app shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Response {
    pub status: u16,
    /// The reason phrase the server sent, or the standard one for the status.
    pub reason: String,
    /// `HTTP/1.1`, `HTTP/2.0`, …
    pub http_version: String,
    /// Where the response came from, after any redirects.
    pub url: String,
    /// In the order received, except that the values of a repeated header are listed
    /// together, at its first place (as HTTP's header map keeps them).
    pub headers: Vec<Header>,
    /// Parsed from the `Set-Cookie` headers.
    pub cookies: Vec<Cookie>,
    /// At most the sender's body limit; base64 in JSON.
    #[serde(serialize_with = "as_base64")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub body: Vec<u8>,
    /// The body was longer than the limit and was cut there.
    pub truncated: bool,
    /// Bytes of body received (as sent: a compressed body is not decompressed).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub body_size: u64,
    /// Bytes of the status line and headers as HTTP/1.1 writes them.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub headers_size: u64,
    /// Milliseconds from sending to the response's headers.
    pub headers_ms: f64,
    /// Milliseconds from sending to the last byte of the body.
    pub total_ms: f64,
    pub kind: BodyKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Header {
    pub name: String,
    /// Bytes that are not UTF-8 are shown as U+FFFD.
    pub value: String,
}

/// One `Set-Cookie`, its attributes as sent (nothing defaulted or evaluated).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Cookie {
    pub name: String,
    pub value: String,
    pub domain: Option<String>,
    pub path: Option<String>,
    /// The `Expires` date as written.
    pub expires: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub max_age: Option<i64>,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: Option<String>,
}

/// Which viewer suits a body, from its `Content-Type` (or, with none, whether it is
/// text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    Json,
    Xml,
    Html,
    Image,
    Text,
    Binary,
}

impl BodyKind {
    pub fn detect(content_type: Option<&str>, body: &[u8]) -> Self {
        let Some(content_type) = content_type else {
            return if std::str::from_utf8(body).is_ok() {
                Self::Text
            } else {
                Self::Binary
            };
        };
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let (kind, subtype) = essence.split_once('/').unwrap_or((&essence, ""));
        if subtype == "json" || subtype.ends_with("+json") {
            Self::Json
        } else if subtype == "html" || subtype == "xhtml+xml" {
            Self::Html
        } else if subtype == "xml" || subtype.ends_with("+xml") {
            Self::Xml
        } else if kind == "image" {
            Self::Image
        } else if kind == "text"
            || [
                "javascript",
                "ecmascript",
                "x-www-form-urlencoded",
                "yaml",
                "x-yaml",
                "toml",
            ]
            .contains(&subtype)
        {
            Self::Text
        } else {
            Self::Binary
        }
    }
}

/// One `Set-Cookie` value; `None` when it has no `name=`.
pub fn parse_set_cookie(header: &str) -> Option<Cookie> {
    let mut parts = header.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let mut cookie = Cookie {
        name: name.to_owned(),
        value: value.trim().trim_matches('"').to_owned(),
        ..Cookie::default()
    };
    for attribute in parts {
        let (key, value) = attribute.split_once('=').unwrap_or((attribute, ""));
        let value = Some(value.trim().to_owned());
        match key.trim().to_ascii_lowercase().as_str() {
            "domain" => cookie.domain = value,
            "path" => cookie.path = value,
            "expires" => cookie.expires = value,
            "max-age" => cookie.max_age = value.and_then(|v| v.parse().ok()),
            "secure" => cookie.secure = true,
            "httponly" => cookie.http_only = true,
            "samesite" => cookie.same_site = value,
            _ => {}
        }
    }
    Some(cookie)
}

/// The size of a status line and headers as HTTP/1.1 writes them.
pub(crate) fn head_size(version: &str, reason: &str, headers: &[Header]) -> u64 {
    // "HTTP/1.1 200 OK\r\n"
    let status_line = version.len() + 1 + 3 + 1 + reason.len() + 2;
    let fields: usize = headers
        .iter()
        .map(|header| header.name.len() + 2 + header.value.len() + 2)
        .sum();
    (status_line + fields + 2) as u64
}

fn as_base64<S: serde::Serializer>(body: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    use base64::Engine as _;
    serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_cookie_attributes_are_read_in_any_case() {
        let cookie = parse_set_cookie(
            "session=abc=1; Domain=example.com; path=/api; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Max-Age=60; Secure; HttpOnly; SameSite=Lax",
        )
        .expect("a cookie");
        assert_eq!(
            cookie,
            Cookie {
                name: "session".into(),
                value: "abc=1".into(),
                domain: Some("example.com".into()),
                path: Some("/api".into()),
                expires: Some("Wed, 21 Oct 2037 07:28:00 GMT".into()),
                max_age: Some(60),
                secure: true,
                http_only: true,
                same_site: Some("Lax".into()),
            }
        );
        assert_eq!(parse_set_cookie("no-equals-sign"), None);
        assert_eq!(parse_set_cookie("=value"), None);
    }

    #[test]
    fn the_viewer_hint_follows_the_content_type_then_the_bytes() {
        let cases = [
            ("application/json; charset=utf-8", BodyKind::Json),
            ("application/problem+json", BodyKind::Json),
            ("text/xml", BodyKind::Xml),
            ("application/atom+xml", BodyKind::Xml),
            ("text/html", BodyKind::Html),
            ("image/png", BodyKind::Image),
            ("text/csv", BodyKind::Text),
            ("application/javascript", BodyKind::Text),
            ("application/octet-stream", BodyKind::Binary),
        ];
        for (content_type, kind) in cases {
            assert_eq!(
                BodyKind::detect(Some(content_type), b""),
                kind,
                "{content_type}"
            );
        }
        assert_eq!(BodyKind::detect(None, b"plain"), BodyKind::Text);
        assert_eq!(BodyKind::detect(None, &[0xff, 0xfe]), BodyKind::Binary);
    }
}
