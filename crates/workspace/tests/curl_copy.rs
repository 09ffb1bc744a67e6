//! "Copy as curl" keeping `{{names}}`: no value of any variable in the command, auth
//! and default headers applied as when sending, and a URL that starts with a variable
//! left without an assumed scheme.

use courier_workspace::curl::from_curl;
use courier_workspace::curl_copy::to_curl_keeping_names;
use courier_workspace::model::{
    ApiKeyPlacement, Auth, Body, KeyValue, RawLanguage, RequestSpec, SendOptions,
};
use courier_workspace::send::SendError;

fn spec(url: &str) -> RequestSpec {
    RequestSpec {
        method: "POST".to_owned(),
        url: url.to_owned(),
        headers: vec![KeyValue::new("X-Tenant", "{{tenant}}")],
        body: Body::Raw {
            text: "{\"id\": \"{{id}}\"}".to_owned(),
            language: RawLanguage::Json,
        },
        ..RequestSpec::default()
    }
}

#[test]
fn names_stay_in_the_url_headers_body_and_auth() {
    let auth = Auth::Bearer {
        token: "{{token}}".to_owned(),
    };
    let command = to_curl_keeping_names(
        &spec("https://{{host}}/items/{{id}}?q={{query}}"),
        &auth,
        &SendOptions::default(),
    )
    .expect("a command");
    for expected in [
        "https://{{host}}/items/{{id}}?q={{query}}",
        "X-Tenant: {{tenant}}",
        "Authorization: Bearer {{token}}",
        "Content-Type: application/json",
        "{\"id\": \"{{id}}\"}",
        "-L",
    ] {
        assert!(command.contains(expected), "{expected} in\n{command}");
    }
    assert!(!command.contains("zzcurl"), "{command}");
    // Still a command curl (and Courier's paste) reads.
    let pasted = from_curl(&command).expect("pasted");
    assert_eq!(pasted.spec.method, "POST");
    assert_eq!(pasted.spec.url, "https://{{host}}/items/{{id}}?q={{query}}");
}

#[test]
fn a_url_starting_with_a_variable_gets_no_assumed_scheme() {
    let auth = Auth::Basic {
        username: "{{user}}".to_owned(),
        password: "{{password}}".to_owned(),
    };
    let command =
        to_curl_keeping_names(&spec("{{base_url}}/items"), &auth, &SendOptions::default())
            .expect("a command");
    assert!(command.starts_with("curl {{base_url}}/items"), "{command}");
    assert!(
        command.contains("-u '{{user}}:{{password}}'")
            || command.contains("-u {{user}}:{{password}}"),
        "{command}"
    );
}

#[test]
fn an_api_key_in_the_query_keeps_its_name_and_insecure_adds_k() {
    let auth = Auth::ApiKey {
        key: "api_key".to_owned(),
        value: "{{key}}".to_owned(),
        placement: ApiKeyPlacement::Query,
    };
    let options = SendOptions {
        verify_tls: false,
        follow_redirects: false,
        timeout_ms: 0,
    };
    let command = to_curl_keeping_names(&spec("https://api.example.com/x"), &auth, &options)
        .expect("a command");
    assert!(command.contains("api_key={{key}}"), "{command}");
    assert!(
        command.contains("-k") && !command.contains("-L"),
        "{command}"
    );
}

#[test]
fn without_variables_it_is_the_plain_copy_and_bad_requests_are_refused() {
    let plain = RequestSpec {
        url: "https://api.example.com/".to_owned(),
        ..RequestSpec::default()
    };
    let command =
        to_curl_keeping_names(&plain, &Auth::None, &SendOptions::default()).expect("a command");
    assert_eq!(command, "curl https://api.example.com/ \\\n  -L");
    let error = to_curl_keeping_names(&spec(""), &Auth::None, &SendOptions::default()).unwrap_err();
    assert!(matches!(error, SendError::InvalidUrl { .. }), "{error:?}");
}
