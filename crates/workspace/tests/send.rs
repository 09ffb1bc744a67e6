//! The sender against a real server on loopback: what arrives for every body and auth
//! mode, redirects, limits, cancellation, refusals and what history keeps.

#[path = "common/echo_server.rs"]
mod echo_server;

use std::sync::Arc;
use std::time::{Duration, Instant};

use courier_workspace::model::{
    ApiKeyPlacement, Auth, Body, Collection, FormField, FormValue, KeyValue, Meta, RawLanguage,
    Request, RequestSpec, Scripts, SendOptions, Variable,
};
use courier_workspace::resolve::{MASK, Resolver};
use courier_workspace::send::{
    BodyKind, CancellationToken, HistoryContext, Response, SendError, Sender, effective_auth,
    history_entry, prepare,
};
use echo_server::EchoServer;
use serde_json::Value;

fn spec(method: &str, url: String) -> RequestSpec {
    RequestSpec {
        method: method.to_owned(),
        url,
        ..RequestSpec::default()
    }
}

async fn send_with(
    spec: &RequestSpec,
    auth: &Auth,
    options: &SendOptions,
) -> Result<Response, SendError> {
    let prepared = prepare(spec, auth, &Resolver::default())?;
    Sender::new()
        .send(&prepared, options, &CancellationToken::new())
        .await
}

/// What the echo server received.
async fn echoed(spec: &RequestSpec, auth: &Auth) -> Value {
    let response = send_with(spec, auth, &SendOptions::default())
        .await
        .expect("a response");
    assert_eq!(response.status, 200, "{response:?}");
    serde_json::from_slice(&response.body).expect("the echo's JSON")
}

fn headers_named(echo: &Value, name: &str) -> Vec<String> {
    echo["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .filter(|pair| pair[0] == name)
        .map(|pair| pair[1].as_str().expect("a value").to_owned())
        .collect()
}

#[tokio::test]
async fn any_method_token_and_repeated_headers_arrive_as_written() {
    let server = EchoServer::start().await;
    let mut request = spec("PURGE", server.url("/items/7?a=1&b=two"));
    request.headers = vec![
        KeyValue::new("X-Dup", "one"),
        KeyValue::new("X-Dup", "two"),
        KeyValue {
            enabled: false,
            ..KeyValue::new("X-Off", "never")
        },
    ];
    let echo = echoed(&request, &Auth::None).await;
    assert_eq!(echo["method"], "PURGE");
    assert_eq!(echo["path"], "/items/7");
    assert_eq!(echo["query"], "a=1&b=two");
    assert_eq!(headers_named(&echo, "x-dup"), ["one", "two"]);
    assert!(headers_named(&echo, "x-off").is_empty());
    assert_eq!(
        headers_named(&echo, "user-agent"),
        [courier_workspace::send::USER_AGENT]
    );
    assert!(headers_named(&echo, "content-type").is_empty());
    assert_eq!(echo["body"], "");
}

#[tokio::test]
async fn a_raw_body_gets_its_language_type_unless_the_person_set_one() {
    let server = EchoServer::start().await;
    let mut request = spec("POST", server.url("/raw"));
    request.body = Body::Raw {
        text: r#"{"name": "Ada"}"#.to_owned(),
        language: RawLanguage::Json,
    };
    let echo = echoed(&request, &Auth::None).await;
    assert_eq!(echo["body"], r#"{"name": "Ada"}"#);
    assert_eq!(headers_named(&echo, "content-type"), ["application/json"]);

    request.headers = vec![KeyValue::new(
        "Content-Type",
        "application/vnd.courier+json",
    )];
    let echo = echoed(&request, &Auth::None).await;
    assert_eq!(
        headers_named(&echo, "content-type"),
        ["application/vnd.courier+json"]
    );
}

#[tokio::test]
async fn urlencoded_fields_are_encoded_and_switched_off_ones_left_out() {
    let server = EchoServer::start().await;
    let mut request = spec("POST", server.url("/form"));
    request.body = Body::UrlEncoded {
        fields: vec![
            KeyValue::new("name", "Ada Lovelace"),
            KeyValue::new("math", "1+1=2 & more"),
            KeyValue {
                enabled: false,
                ..KeyValue::new("off", "x")
            },
        ],
    };
    let echo = echoed(&request, &Auth::None).await;
    assert_eq!(echo["body"], "name=Ada+Lovelace&math=1%2B1%3D2+%26+more");
    assert_eq!(
        headers_named(&echo, "content-type"),
        ["application/x-www-form-urlencoded"]
    );
}

#[tokio::test]
async fn form_data_sends_text_fields_and_files_read_at_send_time() {
    let server = EchoServer::start().await;
    let folder = tempfile::tempdir().expect("temp dir");
    let path = folder.path().join("notes.txt");
    let mut request = spec("POST", server.url("/upload"));
    request.headers = vec![KeyValue::new("Content-Type", "multipart/form-data")];
    request.body = Body::FormData {
        fields: vec![
            FormField {
                key: "title".to_owned(),
                value: FormValue::Text {
                    text: "Hello".to_owned(),
                },
                enabled: true,
                description: None,
            },
            FormField {
                key: "attachment".to_owned(),
                value: FormValue::File {
                    path: path.display().to_string(),
                },
                enabled: true,
                description: None,
            },
        ],
    };
    // Written after the request was made: the file is read when sent.
    std::fs::write(&path, "file contents\n").expect("write the file");
    let echo = echoed(&request, &Auth::None).await;
    let content_type = headers_named(&echo, "content-type");
    assert_eq!(content_type.len(), 1, "{content_type:?}");
    let boundary = content_type[0]
        .strip_prefix("multipart/form-data; boundary=")
        .expect("multipart with its boundary");
    let body = echo["body"].as_str().expect("body");
    assert!(body.contains(boundary));
    assert!(
        body.contains("Content-Disposition: form-data; name=\"title\"\r\n\r\nHello\r\n"),
        "{body}"
    );
    assert!(
        body.contains("Content-Disposition: form-data; name=\"attachment\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nfile contents\n\r\n"),
        "{body}"
    );

    std::fs::remove_file(&path).expect("remove the file");
    let missing = send_with(&request, &Auth::None, &SendOptions::default()).await;
    match missing {
        Err(error @ SendError::FileNotFound { .. }) => {
            let SendError::FileNotFound {
                field,
                path: reported,
            } = &error
            else {
                unreachable!()
            };
            assert_eq!(field, "attachment");
            assert_eq!(reported, &path.display().to_string());
            let message = error.to_string();
            assert!(
                message.contains("attachment") && message.contains(reported.as_str()),
                "{message}"
            );
        }
        other => panic!("expected file not found, got {other:?}"),
    }
}

#[tokio::test]
async fn every_auth_mode_arrives_where_it_belongs() {
    let server = EchoServer::start().await;
    let request = spec("GET", server.url("/auth?page=1"));

    let echo = echoed(
        &request,
        &Auth::Bearer {
            token: "tok-1".to_owned(),
        },
    )
    .await;
    assert_eq!(headers_named(&echo, "authorization"), ["Bearer tok-1"]);

    let echo = echoed(
        &request,
        &Auth::Basic {
            username: "ada".to_owned(),
            password: "p:ss word".to_owned(),
        },
    )
    .await;
    // base64("ada:p:ss word")
    assert_eq!(
        headers_named(&echo, "authorization"),
        ["Basic YWRhOnA6c3Mgd29yZA=="]
    );

    let echo = echoed(
        &request,
        &Auth::ApiKey {
            key: "X-Api-Key".to_owned(),
            value: "k1".to_owned(),
            placement: ApiKeyPlacement::Header,
        },
    )
    .await;
    assert_eq!(headers_named(&echo, "x-api-key"), ["k1"]);
    assert_eq!(echo["query"], "page=1");

    let echo = echoed(
        &request,
        &Auth::ApiKey {
            key: "api key".to_owned(),
            value: "a&b=c".to_owned(),
            placement: ApiKeyPlacement::Query,
        },
    )
    .await;
    assert_eq!(echo["query"], "page=1&api+key=a%26b%3Dc");
    assert!(headers_named(&echo, "authorization").is_empty());

    let echo = echoed(&request, &Auth::None).await;
    assert!(headers_named(&echo, "authorization").is_empty());
}

#[tokio::test]
async fn an_inherited_auth_comes_from_the_collection_with_its_variables() {
    let server = EchoServer::start().await;
    let meta = |id: &str| Meta {
        id: id.to_owned(),
        revision: 1,
        created_at: 0,
        updated_at: 0,
    };
    let collection = Collection {
        meta: meta("c"),
        workspace_id: "w".to_owned(),
        name: "API".to_owned(),
        description: None,
        auth: Auth::Bearer {
            token: "{{token}}".to_owned(),
        },
        variables: vec![Variable::new("token", "from-collection")],
        scripts: Scripts::default(),
        position: 0,
    };
    let request = Request {
        meta: meta("r"),
        collection_id: "c".to_owned(),
        folder_id: None,
        name: "me".to_owned(),
        description: None,
        spec: spec("GET", server.url("/me")),
        scripts: Scripts::default(),
        position: 0,
    };
    let resolver = Resolver::new(&[], &collection.variables, &[]);
    let auth = effective_auth(&request, [], &collection);
    let prepared = prepare(&request.spec, auth, &resolver).expect("prepared");
    let response = Sender::new()
        .send(
            &prepared,
            &SendOptions::default(),
            &CancellationToken::new(),
        )
        .await
        .expect("a response");
    let echo: Value = serde_json::from_slice(&response.body).expect("json");
    assert_eq!(
        headers_named(&echo, "authorization"),
        ["Bearer from-collection"]
    );
}

#[tokio::test]
async fn unresolved_variables_are_refused_before_anything_is_sent() {
    let mut request = spec("POST", "http://{{host}}/items".to_owned());
    request.body = Body::Raw {
        text: "{{payload}}".to_owned(),
        language: RawLanguage::Text,
    };
    let resolver = Resolver::new(&[Variable::new("payload", "x")], &[], &[]);
    let refused = prepare(&request, &Auth::None, &resolver).expect_err("refused");
    assert_eq!(refused.kind(), "unresolved_variables");
    assert_eq!(refused.to_string(), "no value for {{host}}");
}

#[tokio::test]
async fn redirects_are_followed_up_to_the_limit_or_not_at_all() {
    let server = EchoServer::start().await;
    let request = spec("GET", server.url("/redirect/3"));

    let followed = send_with(&request, &Auth::None, &SendOptions::default())
        .await
        .expect("followed");
    assert_eq!(followed.status, 200);
    assert_eq!(followed.url, server.url("/landed"));

    let options = SendOptions {
        follow_redirects: false,
        ..SendOptions::default()
    };
    let not_followed = send_with(&request, &Auth::None, &options)
        .await
        .expect("the redirect itself");
    assert_eq!(
        (not_followed.status, not_followed.reason.as_str()),
        (303, "See Other")
    );
    assert!(
        not_followed
            .headers
            .iter()
            .any(|h| h.name == "location" && h.value == "/redirect/2")
    );

    let looping = send_with(
        &spec("GET", server.url("/loop")),
        &Auth::None,
        &SendOptions::default(),
    )
    .await;
    assert_eq!(looping, Err(SendError::TooManyRedirects { limit: 10 }));
}

#[tokio::test]
async fn a_timeout_stops_a_slow_response_whether_its_headers_or_its_body_are_late() {
    let server = EchoServer::start().await;
    let options = SendOptions {
        timeout_ms: 200,
        ..SendOptions::default()
    };
    for path in ["/slow", "/slow-body"] {
        let started = Instant::now();
        let outcome = send_with(&spec("GET", server.url(path)), &Auth::None, &options).await;
        assert_eq!(outcome, Err(SendError::Timeout { after_ms: 200 }), "{path}");
        assert!(started.elapsed() < Duration::from_secs(2), "{path}");
    }
}

#[tokio::test]
async fn cancelling_returns_promptly() {
    let server = EchoServer::start().await;
    let prepared = prepare(
        &spec("GET", server.url("/slow")),
        &Auth::None,
        &Resolver::default(),
    )
    .expect("prepared");
    let sender = Arc::new(Sender::new());
    let cancel = CancellationToken::new();
    let sending = tokio::spawn({
        let cancel = cancel.clone();
        let sender = Arc::clone(&sender);
        async move {
            let options = SendOptions {
                timeout_ms: 0,
                ..SendOptions::default()
            };
            sender.send(&prepared, &options, &cancel).await
        }
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let cancelled_at = Instant::now();
    cancel.cancel();
    let outcome = sending.await.expect("the send task");
    assert_eq!(outcome, Err(SendError::Cancelled));
    assert!(cancelled_at.elapsed() < Duration::from_millis(500));
}

#[tokio::test]
async fn the_response_carries_status_headers_cookies_sizes_and_a_viewer_hint() {
    let server = EchoServer::start().await;
    let response = send_with(
        &spec("GET", server.url("/cookies")),
        &Auth::None,
        &SendOptions::default(),
    )
    .await
    .expect("a response");
    assert_eq!((response.status, response.reason.as_str()), (200, "OK"));
    assert_eq!(response.http_version, "HTTP/1.1");
    assert_eq!(response.kind, BodyKind::Text);
    assert_eq!(response.body, b"cookies set");
    assert_eq!(response.body_size, 11);
    assert!(!response.truncated);
    assert!(response.headers_ms <= response.total_ms);
    let set_cookies: Vec<&str> = response
        .headers
        .iter()
        .filter(|h| h.name == "set-cookie")
        .map(|h| h.value.as_str())
        .collect();
    assert_eq!(set_cookies.len(), 2);
    let head: u64 = response
        .headers
        .iter()
        .map(|h| (h.name.len() + h.value.len() + 4) as u64)
        .sum();
    assert_eq!(
        response.headers_size,
        head + "HTTP/1.1 200 OK\r\n\r\n".len() as u64
    );
    let cookies = &response.cookies;
    assert_eq!(
        (cookies[0].name.as_str(), cookies[0].value.as_str()),
        ("session", "abc")
    );
    assert!(cookies[0].http_only && cookies[0].secure);
    assert_eq!(cookies[0].path.as_deref(), Some("/"));
    assert_eq!(cookies[1].domain.as_deref(), Some("example.com"));
    assert_eq!(
        cookies[1].expires.as_deref(),
        Some("Wed, 21 Oct 2037 07:28:00 GMT")
    );

    let echo = send_with(
        &spec("GET", server.url("/json")),
        &Auth::None,
        &SendOptions::default(),
    )
    .await
    .expect("a response");
    assert_eq!(echo.kind, BodyKind::Json);
}

#[tokio::test]
async fn a_body_over_the_limit_is_cut_and_flagged() {
    let server = EchoServer::start().await;
    let prepared = prepare(
        &spec("GET", server.url("/bytes/100000")),
        &Auth::None,
        &Resolver::default(),
    )
    .expect("prepared");
    let response = Sender::with_body_limit(1000)
        .send(
            &prepared,
            &SendOptions::default(),
            &CancellationToken::new(),
        )
        .await
        .expect("a response");
    assert!(response.truncated);
    assert_eq!((response.body.len(), response.body_size), (1000, 1000));
    assert_eq!(response.kind, BodyKind::Binary);

    let whole = Sender::new()
        .send(
            &prepared,
            &SendOptions::default(),
            &CancellationToken::new(),
        )
        .await
        .expect("a response");
    assert!(!whole.truncated);
    assert_eq!(whole.body.len(), 100_000);
}

#[tokio::test]
async fn network_failures_are_named() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    let refused = send_with(
        &spec("GET", format!("http://127.0.0.1:{port}/")),
        &Auth::None,
        &SendOptions::default(),
    )
    .await;
    assert_eq!(
        refused,
        Err(SendError::ConnectionRefused {
            address: format!("127.0.0.1:{port}")
        })
    );

    // `.invalid` never resolves (RFC 6761).
    let unknown = send_with(
        &spec("GET", "http://courier-test.invalid/".to_owned()),
        &Auth::None,
        &SendOptions::default(),
    )
    .await;
    assert_eq!(
        unknown,
        Err(SendError::Dns {
            host: "courier-test.invalid".to_owned()
        })
    );
}

#[tokio::test]
async fn a_secret_never_reaches_the_history_entry() {
    let server = EchoServer::start().await;
    // Characters that percent- and form-encoding change, so a plain search-and-replace
    // of the value would miss them in the URL.
    let secret = "s3cr3t/+= x&y";
    let resolver = Resolver::new(
        &[Variable::new("base", server.url(""))],
        &[],
        &[Variable {
            secret: true,
            ..Variable::new("token", secret)
        }],
    );
    let mut request = spec("GET", "{{base}}/users/{{token}}?t={{token}}".to_owned());
    request.headers = vec![KeyValue::new("X-Token", "{{token}}")];
    let auth = Auth::ApiKey {
        key: "key".to_owned(),
        value: "{{token}}".to_owned(),
        placement: ApiKeyPlacement::Query,
    };
    let prepared = prepare(&request, &auth, &resolver).expect("prepared");
    let outcome = Sender::new()
        .send(
            &prepared,
            &SendOptions::default(),
            &CancellationToken::new(),
        )
        .await;
    let echo: Value =
        serde_json::from_slice(&outcome.as_ref().expect("a response").body).expect("json");
    assert_eq!(
        headers_named(&echo, "x-token"),
        [secret],
        "the secret was sent"
    );

    let context = HistoryContext {
        id: "h1".to_owned(),
        workspace_id: "w".to_owned(),
        request_id: None,
        sent_at: 1,
    };
    let entry = history_entry(context.clone(), &prepared, &outcome, &resolver);
    assert_eq!(entry.status, Some(200));
    assert_eq!(
        entry.url,
        server.url(&format!("/users/{MASK}?t={MASK}&key={MASK}"))
    );
    let stored = serde_json::to_string(&entry).expect("json");
    let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    for form in ["s3cr3t", secret, &encoded, "s3cr3t%2F", "s3cr3t/"] {
        assert!(!stored.contains(form), "{form} in {stored}");
    }

    let failed: Result<Response, SendError> = Err(SendError::InvalidUrl {
        url: format!("http://x/{secret}"),
        reason: "made up".to_owned(),
    });
    let entry = history_entry(context, &prepared, &failed, &resolver);
    let error = entry.error.expect("an error");
    assert!(!error.contains("s3cr3t"), "{error}");
}

/// An HTTPS server on loopback with a certificate nobody issued: it answers "secure".
async fn self_signed_server() -> u16 {
    use tokio_rustls::rustls::ServerConfig;
    use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("certificate");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper::service::service_fn(|_request| async {
                    Ok::<_, std::convert::Infallible>(hyper::Response::new("secure".to_owned()))
                });
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                    .await
                    .ok();
            });
        }
    });
    port
}

#[tokio::test]
async fn a_self_signed_certificate_is_refused_unless_verification_is_off() {
    let port = self_signed_server().await;
    let request = spec("GET", format!("https://localhost:{port}/"));

    let verified = send_with(&request, &Auth::None, &SendOptions::default()).await;
    match verified {
        Err(SendError::Tls { reason }) => assert!(reason.contains("certificate"), "{reason}"),
        other => panic!("expected a TLS error, got {other:?}"),
    }

    let options = SendOptions {
        verify_tls: false,
        ..SendOptions::default()
    };
    let unverified = send_with(&request, &Auth::None, &options)
        .await
        .expect("accepted without verification");
    assert_eq!(unverified.body, b"secure");
}
