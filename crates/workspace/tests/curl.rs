//! "Copy as curl" and "paste a curl command": each way, and pasting what was copied
//! sends the same request.

use courier_workspace::curl::{CurlImport, from_curl, to_curl};
use courier_workspace::model::{
    ApiKeyPlacement, Auth, Body, FormField, FormValue, KeyValue, RawLanguage, RequestSpec,
    SendOptions,
};
use courier_workspace::resolve::Resolver;
use courier_workspace::send::{PreparedRequest, prepare};

fn text_field(key: &str, text: &str) -> FormField {
    FormField {
        key: key.to_owned(),
        value: FormValue::Text {
            text: text.to_owned(),
        },
        enabled: true,
        description: None,
    }
}

fn file_field(key: &str, path: &str) -> FormField {
    FormField {
        key: key.to_owned(),
        value: FormValue::File {
            path: path.to_owned(),
        },
        enabled: true,
        description: None,
    }
}

fn prepared(spec: &RequestSpec) -> PreparedRequest {
    prepare(spec, &spec.auth, &Resolver::default()).expect("prepared")
}

fn pasted(command: &str) -> CurlImport {
    from_curl(command).unwrap_or_else(|error| panic!("{error}\n{command}"))
}

#[test]
fn a_copied_request_is_a_command_a_shell_runs() {
    let spec = RequestSpec {
        method: "POST".to_owned(),
        url: "https://api.example.com/o'brien/notes".to_owned(),
        headers: vec![
            KeyValue::new("X-Trace", "a b"),
            KeyValue::new("X-Empty", ""),
        ],
        body: Body::Raw {
            text: "{\"text\": \"it's $HOME\"}".to_owned(),
            language: RawLanguage::Json,
        },
        auth: Auth::Basic {
            username: "ada".to_owned(),
            password: "p@ss".to_owned(),
        },
        ..RequestSpec::default()
    };
    let command = to_curl(&prepared(&spec), &SendOptions::default());
    assert_eq!(
        command,
        [
            "curl 'https://api.example.com/o'\\''brien/notes'",
            "-H 'X-Trace: a b'",
            "-H 'X-Empty;'",
            "-H 'Content-Type: application/json'",
            "-u ada:p@ss",
            "--data-raw '{\"text\": \"it'\\''s $HOME\"}'",
            "-L",
        ]
        .join(" \\\n  ")
    );

    let get = RequestSpec {
        url: "http://localhost:8080/".to_owned(),
        ..RequestSpec::default()
    };
    let insecure = SendOptions {
        verify_tls: false,
        follow_redirects: false,
        ..SendOptions::default()
    };
    assert_eq!(
        to_curl(&prepared(&get), &insecure),
        "curl http://localhost:8080/ \\\n  -k"
    );
    let delete = RequestSpec {
        method: "DELETE".to_owned(),
        ..get.clone()
    };
    assert!(to_curl(&prepared(&delete), &insecure).starts_with("curl -X DELETE "));
    let head = RequestSpec {
        method: "HEAD".to_owned(),
        ..get
    };
    assert!(to_curl(&prepared(&head), &insecure).starts_with("curl --head "));
}

#[test]
fn form_fields_are_written_so_curl_reads_them_back_as_they_were() {
    let spec = RequestSpec {
        method: "POST".to_owned(),
        url: "https://api.example.com/upload".to_owned(),
        body: Body::FormData {
            fields: vec![
                text_field("title", "Hello"),
                text_field("handle", "@ada"),
                text_field("note", "a;type=x"),
                file_field("photo", "/home/ada/photo one.png"),
                file_field("odd", "/tmp/a;b.txt"),
            ],
        },
        auth: Auth::None,
        ..RequestSpec::default()
    };
    let command = to_curl(&prepared(&spec), &SendOptions::default());
    assert!(command.contains("-F title=Hello"), "{command}");
    assert!(command.contains("--form-string handle=@ada"), "{command}");
    assert!(
        command.contains("--form-string 'note=a;type=x'"),
        "{command}"
    );
    assert!(
        command.contains("-F 'photo=@/home/ada/photo one.png'"),
        "{command}"
    );
    assert!(command.contains("-F 'odd=@\"/tmp/a;b.txt\"'"), "{command}");
    assert!(!command.contains("-X POST"), "-F implies POST: {command}");
}

#[test]
fn a_pasted_command_becomes_a_request() {
    let import = pasted(
        r#"curl -sSL -X PATCH 'https://api.example.com/items/7?expand=owner' \
          -H 'Accept: application/json' \
          -H "Authorization: Bearer abc.def" \
          -H 'X-Empty;' \
          -A 'courier-test/1.0' -e https://ref.example -b 'session=1; theme=dark' \
          --data-raw '{"name": "Teapot"}' -H 'Content-Type: application/json' \
          -k --max-time 2.5 --compressed"#,
    );
    let spec = &import.spec;
    assert_eq!(spec.method, "PATCH");
    assert_eq!(spec.url, "https://api.example.com/items/7?expand=owner");
    assert_eq!(spec.params, [KeyValue::new("expand", "owner")]);
    assert_eq!(
        spec.headers,
        [
            KeyValue::new("Accept", "application/json"),
            KeyValue::new("Authorization", "Bearer abc.def"),
            KeyValue::new("X-Empty", ""),
            KeyValue::new("User-Agent", "courier-test/1.0"),
            KeyValue::new("Referer", "https://ref.example"),
            KeyValue::new("Cookie", "session=1; theme=dark"),
            KeyValue::new("Content-Type", "application/json"),
        ]
    );
    assert_eq!(
        spec.body,
        Body::Raw {
            text: r#"{"name": "Teapot"}"#.to_owned(),
            language: RawLanguage::Json
        }
    );
    assert_eq!(spec.auth, Auth::None);
    assert!(import.insecure && import.follow_redirects);
    assert_eq!(import.timeout_ms, Some(2500));
    assert_eq!(import.warnings, []);
}

#[test]
fn data_options_make_the_body_curl_would_send() {
    // Several -d are joined with & and read as urlencoded fields, decoded.
    let form = pasted(
        "curl https://x.example/login -d 'user=ada' -d 'note=a%20b+c' --data-urlencode 'msg=1+1=2 & more'",
    );
    assert_eq!(form.spec.method, "POST");
    assert_eq!(
        form.spec.body,
        Body::UrlEncoded {
            fields: vec![
                KeyValue::new("user", "ada"),
                KeyValue::new("note", "a b c"),
                KeyValue::new("msg", "1+1=2 & more")
            ]
        }
    );
    assert_eq!(form.spec.headers, []);

    // Not pairs: text, with the type curl sends written out.
    let text = pasted("curl https://x.example/ --data-binary 'just text'");
    assert_eq!(
        text.spec.body,
        Body::Raw {
            text: "just text".to_owned(),
            language: RawLanguage::Text
        }
    );
    assert_eq!(
        text.spec.headers,
        [KeyValue::new(
            "Content-Type",
            "application/x-www-form-urlencoded"
        )]
    );

    let json = pasted(r#"curl https://x.example/ --json '{"a": 1}'"#);
    assert!(matches!(
        json.spec.body,
        Body::Raw {
            language: RawLanguage::Json,
            ..
        }
    ));
    assert_eq!(
        json.spec.headers,
        [
            KeyValue::new("Content-Type", "application/json"),
            KeyValue::new("Accept", "application/json")
        ]
    );

    // -G moves the data into the query.
    let get = pasted("curl -G https://x.example/search -d q=teapot --data-urlencode 'lang=en gb'");
    assert_eq!(get.spec.method, "GET");
    assert_eq!(get.spec.url, "https://x.example/search?q=teapot&lang=en+gb");
    assert_eq!(get.spec.body, Body::None);

    let head = pasted("curl -I https://x.example/");
    assert_eq!(head.spec.method, "HEAD");
}

#[test]
fn form_and_auth_options_are_read() {
    let import = pasted(
        "curl https://x.example/up -F 'a=1' -F 'file=@/tmp/x.png;type=image/png' --form-string 'b=@not-a-file' -u 'ada:s3:cret'",
    );
    assert_eq!(
        import.spec.body,
        Body::FormData {
            fields: vec![
                text_field("a", "1"),
                file_field("file", "/tmp/x.png"),
                text_field("b", "@not-a-file"),
            ]
        }
    );
    assert_eq!(
        import.spec.auth,
        Auth::Basic {
            username: "ada".to_owned(),
            password: "s3:cret".to_owned()
        }
    );
    assert_eq!(import.warnings.len(), 1, "{:?}", import.warnings);
    assert_eq!(import.warnings[0].place, "-F");

    let bearer = pasted("curl --oauth2-bearer tok https://x.example");
    assert_eq!(
        bearer.spec.auth,
        Auth::Bearer {
            token: "tok".to_owned()
        }
    );
}

#[test]
fn what_cannot_be_read_is_reported() {
    let import = pasted(
        "curl --url https://x.example/a https://x.example/b --proxy http://p:3128 --frobnicate -b cookies.txt -d @body.json",
    );
    assert_eq!(import.spec.url, "https://x.example/a");
    let places: Vec<&str> = import.warnings.iter().map(|w| w.place.as_str()).collect();
    assert_eq!(
        places,
        ["--proxy", "--frobnicate", "-b", "-d", "https://x.example/b"]
    );
    assert!(import.warnings[1].message.contains("unknown option"));

    // An unknown option's value does not become the URL.
    let unknown = pasted("curl --frobnicate 5 https://x.example/c --max-redirs 3");
    assert_eq!(unknown.spec.url, "https://x.example/c");
    let places: Vec<&str> = unknown.warnings.iter().map(|w| w.place.as_str()).collect();
    assert_eq!(places, ["--frobnicate", "--max-redirs", "5"]);

    for (command, message) in [
        (
            "wget https://x.example",
            "not a curl command: it should start with `curl`",
        ),
        ("curl -X", "-X: needs a value"),
        ("curl -H 'Accept: */*'", "no URL in the command"),
        (
            "curl 'https://x.example",
            "character 6: a single quote is never closed",
        ),
    ] {
        let error = from_curl(command).expect_err(command);
        assert_eq!(error.to_string(), message, "{command}");
    }
}

#[test]
fn pasting_a_copied_request_sends_the_same_request() {
    let base = RequestSpec {
        method: "POST".to_owned(),
        url: "https://api.example.com/v1/items?q=a%20b&flag".to_owned(),
        headers: vec![
            KeyValue::new("Accept", "application/json"),
            KeyValue::new("X-Quote", "it's \"quoted\" $x `y`"),
            KeyValue::new("X-Empty", ""),
        ],
        ..RequestSpec::default()
    };
    let bodies = [
        Body::None,
        Body::Raw {
            text: "{\n  \"multi\": \"line\\n\",\n  \"quote\": \"'\"\n}".to_owned(),
            language: RawLanguage::Json,
        },
        Body::Raw {
            text: "<a>x</a>".to_owned(),
            language: RawLanguage::Xml,
        },
        Body::Raw {
            text: "plain & simple = text".to_owned(),
            language: RawLanguage::Text,
        },
        Body::UrlEncoded {
            fields: vec![
                KeyValue::new("name", "Ada Lovelace"),
                KeyValue::new("sum", "1+1=2&3"),
                KeyValue::new("odd key!", "é"),
            ],
        },
        Body::FormData {
            fields: vec![
                text_field("title", "Hello there"),
                text_field("at", "@literal"),
                file_field("photo", "/tmp/photo one.png"),
            ],
        },
    ];
    let auths = [
        Auth::None,
        Auth::Bearer {
            token: "tok.en".to_owned(),
        },
        Auth::Basic {
            username: "ada".to_owned(),
            password: "p:ss 'word'".to_owned(),
        },
        Auth::ApiKey {
            key: "X-Key".to_owned(),
            value: "k".to_owned(),
            placement: ApiKeyPlacement::Header,
        },
        Auth::ApiKey {
            key: "api key".to_owned(),
            value: "a&b".to_owned(),
            placement: ApiKeyPlacement::Query,
        },
    ];
    let methods = ["GET", "POST", "PUT", "DELETE", "PURGE"];
    let mut checked = 0;
    for body in &bodies {
        for auth in &auths {
            for method in methods {
                let spec = RequestSpec {
                    method: method.to_owned(),
                    body: body.clone(),
                    auth: auth.clone(),
                    ..base.clone()
                };
                let copied = prepared(&spec);
                for options in [
                    SendOptions::default(),
                    SendOptions {
                        verify_tls: false,
                        follow_redirects: false,
                        ..SendOptions::default()
                    },
                ] {
                    let command = to_curl(&copied, &options);
                    let import = pasted(&command);
                    assert_eq!(import.warnings, [], "{command}");
                    assert_eq!(import.insecure, !options.verify_tls, "{command}");
                    assert_eq!(
                        import.follow_redirects, options.follow_redirects,
                        "{command}"
                    );
                    let again = prepared(&import.spec);
                    assert_eq!(
                        (
                            &again.method,
                            again.url.as_str(),
                            &again.headers,
                            &again.basic_auth,
                            &again.body
                        ),
                        (
                            &copied.method,
                            copied.url.as_str(),
                            &copied.headers,
                            &copied.basic_auth,
                            &copied.body
                        ),
                        "{command}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, bodies.len() * auths.len() * methods.len() * 2);
}

/// The words a real `sh` sees in a copied command are the ones the request holds.
#[cfg(unix)]
#[test]
fn a_real_shell_reads_the_quoting_the_same_way() {
    let spec = RequestSpec {
        method: "POST".to_owned(),
        url: "https://x.example/o'brien?a=1&b=$HOME".to_owned(),
        headers: vec![KeyValue::new("X-Tricky", "it's \"$HOME\" `id` \\ ! *")],
        body: Body::Raw {
            text: "line one\nit's line 'two'\n".to_owned(),
            language: RawLanguage::Text,
        },
        ..RequestSpec::default()
    };
    let request = prepared(&spec);
    let command = to_curl(&request, &SendOptions::default());
    // `curl` replaced by a function that prints each argument on its own, NUL-ended.
    let script = format!("curl() {{ printf '%s\\0' \"$@\"; }}\n{command}\n");
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("sh runs");
    assert!(output.status.success(), "{script}");
    let words: Vec<String> = String::from_utf8(output.stdout)
        .expect("utf-8")
        .split_terminator('\0')
        .map(str::to_owned)
        .collect();
    assert_eq!(
        words,
        [
            request.url.as_str(),
            "-H",
            "X-Tricky: it's \"$HOME\" `id` \\ ! *",
            "-H",
            "Content-Type: text/plain",
            "--data-raw",
            "line one\nit's line 'two'\n",
            "-L",
        ]
    );
}
