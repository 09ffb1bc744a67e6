//! A large, realistic Postman collection made to measure: nested folders of requests
//! with headers, query parameters, every body and auth mode, and scripts, until the
//! JSON reaches the size asked for. The same size always gives the same file.

// Each test or bench target uses a different part of it.
#![allow(dead_code)]

use serde_json::{Value, json};

/// A Postman v2.1 collection of about `bytes` bytes (pretty JSON, as Postman writes).
pub fn collection_of_size(bytes: usize) -> String {
    // Guess the number of requests from one, then correct for the nesting's indent.
    let one_request = serde_json::to_string_pretty(&request(0)).map_or(1, |text| text.len());
    let guess = (bytes / one_request).max(1);
    let first = collection_with(guess);
    let requests = (guess * bytes / first.len().max(1)).max(1);
    collection_with(requests)
}

/// A Postman v2.1 collection of `requests` requests, 25 to a folder.
pub fn collection_with(requests: usize) -> String {
    let per_folder = 25;
    let folders: Vec<Value> = (0..requests.div_ceil(per_folder))
        .map(|folder| {
            let items: Vec<Value> = (folder * per_folder
                ..((folder + 1) * per_folder).min(requests))
                .map(request)
                .collect();
            // Every third folder nests its second half one level down.
            let (first, second) = items.split_at(items.len() / 2);
            let mut children = first.to_vec();
            if folder % 3 == 0 {
                children.push(json!({
                    "name": format!("Folder {folder} details"),
                    "item": second,
                    "auth": {"type": "basic", "basic": [
                        {"key": "username", "value": "{{user}}", "type": "string"},
                        {"key": "password", "value": "{{password}}", "type": "string"}
                    ]}
                }));
            } else {
                children.extend_from_slice(second);
            }
            json!({
                "name": format!("Folder {folder}"),
                "description": "Generated for the import benchmark.",
                "item": children,
                "event": [{"listen": "prerequest", "script": {"type": "text/javascript", "exec": [
                    format!("pm.variables.set('folder', {folder});")
                ]}}]
            })
        })
        .collect();
    let collection = json!({
        "info": {
            "_postman_id": "00000000-0000-4000-8000-000000000000",
            "name": "Generated",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
        },
        "item": folders,
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}", "type": "string"}]},
        "variable": [
            {"key": "base_url", "value": "https://api.example.com"},
            {"key": "user", "value": "ada"}
        ]
    });
    serde_json::to_string_pretty(&collection).unwrap_or_default()
}

fn request(n: usize) -> Value {
    let body = match n % 4 {
        0 => json!({"mode": "raw", "raw": raw_json(n), "options": {"raw": {"language": "json"}}}),
        1 => json!({"mode": "urlencoded", "urlencoded": [
            {"key": "name", "value": format!("item {n}"), "type": "text"},
            {"key": "count", "value": n.to_string(), "type": "text"},
            {"key": "draft", "value": "true", "type": "text", "disabled": true}
        ]}),
        2 => json!({"mode": "formdata", "formdata": [
            {"key": "caption", "value": format!("picture {n}"), "type": "text"},
            {"key": "file", "type": "file", "src": format!("/home/ada/pictures/{n}.png")}
        ]}),
        _ => json!({"mode": "none"}),
    };
    let auth = match n % 5 {
        0 => json!({"type": "noauth"}),
        1 => json!({"type": "apikey", "apikey": [
            {"key": "key", "value": "X-Api-Key", "type": "string"},
            {"key": "value", "value": "{{api_key}}", "type": "string"},
            {"key": "in", "value": "header", "type": "string"}
        ]}),
        _ => Value::Null,
    };
    let method = ["GET", "POST", "PUT", "PATCH", "DELETE"][n % 5];
    let mut request = json!({
        "method": method,
        "header": [
            {"key": "Accept", "value": "application/json", "type": "text"},
            {"key": "X-Request-Id", "value": format!("req-{n}"), "type": "text"},
            {"key": "X-Debug", "value": "1", "type": "text", "disabled": true}
        ],
        "body": body,
        "url": {
            "raw": format!("{{{{base_url}}}}/v1/things/{n}?page={}&size=50", n % 7),
            "host": ["{{base_url}}"],
            "path": ["v1", "things", n.to_string()],
            "query": [
                {"key": "page", "value": (n % 7).to_string()},
                {"key": "size", "value": "50"},
                {"key": "sort", "value": "name", "disabled": true}
            ]
        },
        "description": format!("Request number {n}, generated.")
    });
    if !auth.is_null() {
        request["auth"] = auth;
    }
    json!({
        "name": format!("Request {n}"),
        "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": [
            "pm.test(\"ok\", function () {",
            "    pm.response.to.have.status(200);",
            "});"
        ]}}],
        "request": request,
        "response": []
    })
}

fn raw_json(n: usize) -> String {
    let fields: Vec<String> = (0..12)
        .map(|field| {
            format!("    \"field_{field}\": \"value {n}-{field} {{{{variable_{field}}}}}\"")
        })
        .collect();
    format!("{{\n{}\n}}", fields.join(",\n"))
}
