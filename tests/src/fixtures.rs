//! Work to measure with: a Postman v2.1 collection of 10,000 requests in 500 folders
//! (the issue's benchmark size), for the sidebar benchmark and the desktop memory one.

use serde_json::{Value, json};

pub const FOLDERS: usize = 500;
pub const PER_FOLDER: usize = 20;
const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];

/// "Ten thousand": folders "Folder f" of requests "Request f-r", methods in turn, each
/// URL naming its folder and place (`…/items/{f}/{r}?page=1`).
pub fn ten_thousand_requests() -> Value {
    let folders: Vec<Value> = (0..FOLDERS)
        .map(|f| {
            let items: Vec<Value> = (0..PER_FOLDER)
                .map(|r| {
                    json!({
                        "name": format!("Request {f}-{r}"),
                        "request": {
                            "method": METHODS[(f + r) % METHODS.len()],
                            "url": format!("https://api.example.com/v1/items/{f}/{r}?page=1"),
                            "header": [{"key": "Accept", "value": "application/json"}]
                        }
                    })
                })
                .collect();
            json!({"name": format!("Folder {f}"), "item": items})
        })
        .collect();
    json!({
        "info": {
            "name": "Ten thousand",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
        },
        "item": folders
    })
}
