//! The step before sending: every `{{variable}}` in the URL, headers, body and auth
//! resolved, refused as a whole when any is missing (so the UI can highlight them and
//! nothing half-resolved goes out), the URL parsed, the headers checked, auth turned
//! into what goes on the wire and the default `Content-Type` filled in. Nothing is
//! read from disk here: form-data files are read by the sender.

use std::fmt;

use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use url::Url;

use super::SendError;
use crate::model::{ApiKeyPlacement, Auth, Body, FormField, FormValue, KeyValue, RequestSpec};
use crate::resolve::{MASK, Resolver};

/// A request ready to send: resolved, checked, auth applied. Its `Debug` shows only
/// the method and the masked URL, since everything else may hold secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedRequest {
    pub method: String,
    /// With an API key that goes in the query already appended.
    pub url: Url,
    /// The enabled headers as typed (repeats kept, in order), then the ones auth and
    /// the body add when the person set none of that name.
    pub headers: Vec<(String, String)>,
    /// Kept apart from `headers` so "Copy as curl" can write `-u`; the sender turns it
    /// into an `Authorization: Basic` header.
    pub basic_auth: Option<BasicAuth>,
    /// The body with switched-off fields left out and variables resolved.
    pub body: Body,
    /// `url` with every secret variable's value replaced by [`MASK`]: what history
    /// and logs may keep.
    pub masked_url: String,
}

#[derive(Clone, PartialEq, Eq)]
pub struct BasicAuth {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("username", &self.username)
            .field("password", &MASK)
            .finish()
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &self.masked_url)
            .finish_non_exhaustive()
    }
}

impl PreparedRequest {
    /// The value of the first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_in(&self.headers, name)
    }
}

/// Resolves `spec` with `auth` (the request's effective auth: see
/// [`super::effective_auth`]; `Inherit` here counts as none) against `resolver`.
/// Fails with [`SendError::Unresolved`] listing every missing name if any text that
/// would be sent still has a `{{name}}`.
pub fn prepare(
    spec: &RequestSpec,
    auth: &Auth,
    resolver: &Resolver,
) -> Result<PreparedRequest, SendError> {
    let mut texts = Texts {
        resolver,
        unresolved: Vec::new(),
    };
    let url_text = texts.resolve(&spec.url);
    let mut headers: Vec<(String, String)> = enabled(&spec.headers)
        .map(|header| {
            let name = texts.resolve(&header.key).trim().to_owned();
            (name, texts.resolve(&header.value))
        })
        .collect();
    let body = texts.body(&spec.body);
    let resolved_auth = texts.auth(auth);
    if !texts.unresolved.is_empty() {
        return Err(SendError::Unresolved {
            names: texts.unresolved,
        });
    }

    let method = spec.method.trim().to_owned();
    if Method::from_bytes(method.as_bytes()).is_err() {
        return Err(SendError::InvalidMethod { method });
    }
    let url = build_url(&url_text, query_key(&resolved_auth))?;
    let masked_url = masked_url(spec, auth, resolver);

    let mut basic_auth = None;
    let has_authorization = header_in(&headers, "authorization").is_some();
    match resolved_auth {
        Auth::Bearer { token } if !has_authorization => {
            headers.push(("Authorization".to_owned(), format!("Bearer {token}")));
        }
        Auth::Basic { username, password } if !has_authorization => {
            basic_auth = Some(BasicAuth { username, password });
        }
        Auth::ApiKey {
            key,
            value,
            placement: ApiKeyPlacement::Header,
        } if !key.is_empty() && header_in(&headers, &key).is_none() => {
            headers.push((key, value));
        }
        _ => {}
    }
    let default_type = match &body {
        Body::Raw { language, .. } => Some(language.content_type()),
        Body::UrlEncoded { .. } => Some("application/x-www-form-urlencoded"),
        // multipart's type carries the boundary, which only the sender knows.
        Body::None | Body::FormData { .. } => None,
    };
    if let Some(content_type) = default_type
        && header_in(&headers, "content-type").is_none()
    {
        headers.push(("Content-Type".to_owned(), content_type.to_owned()));
    }
    for (name, value) in &headers {
        check_header(name, value)?;
    }
    Ok(PreparedRequest {
        method,
        url,
        headers,
        basic_auth,
        body,
        masked_url,
    })
}

/// Resolves text and remembers every name that could not be.
struct Texts<'a> {
    resolver: &'a Resolver,
    unresolved: Vec<String>,
}

impl Texts<'_> {
    fn resolve(&mut self, text: &str) -> String {
        let resolved = self.resolver.resolve(text);
        for name in resolved.unresolved {
            if !self.unresolved.contains(&name) {
                self.unresolved.push(name);
            }
        }
        resolved.text
    }

    fn body(&mut self, body: &Body) -> Body {
        match body {
            Body::None => Body::None,
            Body::Raw { text, language } => Body::Raw {
                text: self.resolve(text),
                language: *language,
            },
            Body::UrlEncoded { fields } => Body::UrlEncoded {
                fields: enabled(fields)
                    .map(|field| KeyValue {
                        key: self.resolve(&field.key),
                        value: self.resolve(&field.value),
                        enabled: true,
                        description: None,
                    })
                    .collect(),
            },
            Body::FormData { fields } => Body::FormData {
                fields: fields
                    .iter()
                    .filter(|field| field.enabled && !field.key.is_empty())
                    .map(|field| FormField {
                        key: self.resolve(&field.key),
                        value: match &field.value {
                            FormValue::Text { text } => FormValue::Text {
                                text: self.resolve(text),
                            },
                            FormValue::File { path } => FormValue::File {
                                path: self.resolve(path),
                            },
                        },
                        enabled: true,
                        description: None,
                    })
                    .collect(),
            },
        }
    }

    fn auth(&mut self, auth: &Auth) -> Auth {
        match auth {
            Auth::Inherit | Auth::None => Auth::None,
            Auth::Bearer { token } => Auth::Bearer {
                token: self.resolve(token),
            },
            Auth::Basic { username, password } => Auth::Basic {
                username: self.resolve(username),
                password: self.resolve(password),
            },
            Auth::ApiKey {
                key,
                value,
                placement,
            } => Auth::ApiKey {
                key: self.resolve(key),
                value: self.resolve(value),
                placement: *placement,
            },
        }
    }
}

fn enabled(rows: &[KeyValue]) -> impl Iterator<Item = &KeyValue> {
    rows.iter()
        .filter(|row| row.enabled && !row.key.trim().is_empty())
}

fn header_in<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

fn check_header(name: &str, value: &str) -> Result<(), SendError> {
    let problem = if HeaderName::from_bytes(name.as_bytes()).is_err() {
        "not a valid header name"
    } else if HeaderValue::from_str(value).is_err() {
        "the value holds a line break or another character headers cannot carry"
    } else {
        return Ok(());
    };
    Err(SendError::InvalidHeader {
        name: name.to_owned(),
        reason: problem.to_owned(),
    })
}

/// The API key that goes in the query, if that is the auth.
fn query_key(auth: &Auth) -> Option<(&str, &str)> {
    match auth {
        Auth::ApiKey {
            key,
            value,
            placement: ApiKeyPlacement::Query,
        } if !key.is_empty() => Some((key, value)),
        _ => None,
    }
}

/// `text` as a URL (`http://` assumed when no scheme is typed, as browsers do), with
/// an API key appended to its query.
fn build_url(text: &str, api_key: Option<(&str, &str)>) -> Result<Url, SendError> {
    let text = text.trim();
    let invalid = |reason: String| SendError::InvalidUrl {
        url: text.to_owned(),
        reason,
    };
    if text.is_empty() {
        return Err(invalid("the URL is empty".to_owned()));
    }
    let has_scheme = text.split_once("://").is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    let parsed = if has_scheme {
        Url::parse(text)
    } else {
        Url::parse(&format!("http://{text}"))
    };
    let mut url = parsed.map_err(|error| invalid(error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "Courier sends http and https requests, not {}",
            url.scheme()
        )));
    }
    if let Some((key, value)) = api_key {
        url.query_pairs_mut().append_pair(key, value);
    }
    Ok(url)
}

/// The URL as [`build_url`] makes it, but from text resolved with every secret
/// replaced by [`MASK`] before any encoding, and then masked again in case a secret's
/// value was typed into the URL itself.
fn masked_url(spec: &RequestSpec, auth: &Auth, resolver: &Resolver) -> String {
    let masked = resolver.masked();
    let text = masked.resolve(&spec.url).text;
    let auth = Texts {
        resolver: &masked,
        unresolved: Vec::new(),
    }
    .auth(auth);
    let url = match build_url(&text, query_key(&auth)) {
        Ok(url) => {
            let encoded_mask: String =
                url::form_urlencoded::byte_serialize(MASK.as_bytes()).collect();
            url.as_str().replace(&encoded_mask, MASK)
        }
        Err(_) => text,
    };
    resolver.mask(&url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RawLanguage, Variable};

    fn resolver() -> Resolver {
        Resolver::new(
            &[Variable::new("host", "api.example")],
            &[],
            &[Variable {
                secret: true,
                ..Variable::new("token", "t/k+n=")
            }],
        )
    }

    #[test]
    fn every_missing_name_is_listed_from_every_part_before_anything_else() {
        let spec = RequestSpec {
            method: "not a method".to_owned(),
            url: "https://{{host}}/{{a}}".to_owned(),
            headers: vec![
                KeyValue::new("X-{{b}}", "{{c}}"),
                KeyValue {
                    enabled: false,
                    ..KeyValue::new("X-Off", "{{off}}")
                },
            ],
            body: Body::Raw {
                text: "{{a}}{{d}}".to_owned(),
                language: RawLanguage::Json,
            },
            ..RequestSpec::default()
        };
        let auth = Auth::Basic {
            username: "{{e}}".to_owned(),
            password: String::new(),
        };
        let error = prepare(&spec, &auth, &resolver()).expect_err("unresolved");
        assert_eq!(
            error,
            SendError::Unresolved {
                names: ["a", "b", "c", "d", "e"].map(str::to_owned).to_vec()
            }
        );
    }

    #[test]
    fn auth_and_the_default_content_type_are_added_unless_the_person_set_them() {
        let spec = RequestSpec {
            method: "POST".to_owned(),
            url: "{{host}}/items".to_owned(),
            body: Body::Raw {
                text: "{}".to_owned(),
                language: RawLanguage::Json,
            },
            ..RequestSpec::default()
        };
        let bearer = Auth::Bearer {
            token: "{{token}}".to_owned(),
        };
        let prepared = prepare(&spec, &bearer, &resolver()).expect("prepared");
        assert_eq!(prepared.url.as_str(), "http://api.example/items");
        assert_eq!(prepared.header("authorization"), Some("Bearer t/k+n="));
        assert_eq!(prepared.header("content-type"), Some("application/json"));

        let own = RequestSpec {
            headers: vec![
                KeyValue::new("content-type", "application/vnd.api+json"),
                KeyValue::new("Authorization", "Custom x"),
            ],
            ..spec
        };
        let prepared = prepare(&own, &bearer, &resolver()).expect("prepared");
        assert_eq!(
            prepared.headers,
            [
                (
                    "content-type".to_owned(),
                    "application/vnd.api+json".to_owned()
                ),
                ("Authorization".to_owned(), "Custom x".to_owned())
            ]
        );
    }

    #[test]
    fn an_api_key_in_the_query_is_encoded_in_the_url_and_masked_in_the_masked_url() {
        let spec = RequestSpec {
            url: "https://{{host}}/search?q=a b".to_owned(),
            ..RequestSpec::default()
        };
        let auth = Auth::ApiKey {
            key: "key".to_owned(),
            value: "{{token}}".to_owned(),
            placement: ApiKeyPlacement::Query,
        };
        let prepared = prepare(&spec, &auth, &resolver()).expect("prepared");
        assert_eq!(
            prepared.url.as_str(),
            "https://api.example/search?q=a%20b&key=t%2Fk%2Bn%3D"
        );
        assert_eq!(
            prepared.masked_url,
            format!("https://api.example/search?q=a%20b&key={MASK}")
        );
        let debug = format!("{prepared:?}");
        assert!(
            !debug.contains("t%2Fk") && !debug.contains("t/k+n="),
            "{debug}"
        );
    }

    #[test]
    fn bad_urls_methods_and_headers_are_refused_with_their_reason() {
        let prepare_spec = |spec: RequestSpec| prepare(&spec, &Auth::None, &Resolver::default());
        let url = |url: &str| RequestSpec {
            url: url.to_owned(),
            ..RequestSpec::default()
        };
        assert!(matches!(
            prepare_spec(url("")),
            Err(SendError::InvalidUrl { .. })
        ));
        assert!(matches!(
            prepare_spec(url("ftp://example.com/")),
            Err(SendError::InvalidUrl { reason, .. }) if reason.contains("ftp")
        ));
        assert!(matches!(
            prepare_spec(url("http://exa mple.com/")),
            Err(SendError::InvalidUrl { .. })
        ));
        assert!(matches!(
            prepare_spec(RequestSpec {
                method: "GET /".to_owned(),
                ..url("example.com")
            }),
            Err(SendError::InvalidMethod { .. })
        ));
        assert!(matches!(
            prepare_spec(RequestSpec {
                headers: vec![KeyValue::new("X-Bad", "line\nbreak")],
                ..url("example.com")
            }),
            Err(SendError::InvalidHeader { name, .. }) if name == "X-Bad"
        ));
        let custom = prepare_spec(RequestSpec {
            method: "PURGE".to_owned(),
            ..url("localhost:8080/x")
        })
        .expect("any token is a method");
        assert_eq!(custom.url.as_str(), "http://localhost:8080/x");
    }
}
