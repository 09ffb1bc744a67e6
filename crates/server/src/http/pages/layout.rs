//! The frame every page shares and its stylesheet. (The headers every response
//! carries are `http::headers`'.)

use axum::http::header;
use axum::response::IntoResponse;
use maud::{DOCTYPE, Markup, html};

/// A whole page around `content`.
pub fn page(title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                title { (title) " · Courier" }
                link rel="stylesheet" href="/static/style.css";
            }
            body {
                main class="card" {
                    p class="brand" aria-hidden="true" { "Courier" }
                    h1 { (title) }
                    (content)
                }
            }
        }
    }
}

/// A page that only says something (errors, confirmations).
pub fn message_page(title: &str, message: &str) -> Markup {
    page(title, html! { p { (message) } })
}

/// Seconds in words: "1 minute", "45 seconds".
pub fn duration_words(seconds: u64) -> String {
    match seconds {
        0..=59 => format!("{seconds} second{}", if seconds == 1 { "" } else { "s" }),
        _ => {
            let minutes = seconds.div_ceil(60);
            format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" })
        }
    }
}

/// `/static/altcha.js`: the proof-of-work solver of Trouble signing in?.
pub async fn altcha_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("altcha.js"),
    )
}

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("style.css"),
    )
}

/// A labelled input with its error (if any) announced to screen readers.
pub struct Field<'a> {
    pub label: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub autocomplete: &'a str,
    pub error: Option<&'a str>,
}

impl Field<'_> {
    pub fn render(&self) -> Markup {
        let error_id = format!("{}-error", self.name);
        html! {
            label for=(self.name) { (self.label) }
            input id=(self.name) name=(self.name) type=(self.kind) value=(self.value)
                autocomplete=(self.autocomplete) required
                aria-invalid=[self.error.map(|_| "true")]
                aria-describedby=[self.error.map(|_| error_id.as_str())];
            @if let Some(error) = self.error {
                p id=(error_id) class="field-error" role="alert" { (error) }
            }
        }
    }
}

/// **Cancel** for a page that is part of an app's sign-in: tells the app the person declined.
pub fn cancel_form(csrf: &str, request_id: Option<&str>) -> Markup {
    html! {
        @if let Some(id) = request_id {
            form method="post" action="/authorize/cancel" {
                (hidden(csrf, Some(id)))
                button type="submit" class="secondary" { "Cancel" }
            }
        }
    }
}

/// The hidden fields every form carries.
pub fn hidden(csrf: &str, request_id: Option<&str>) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(csrf);
        @if let Some(id) = request_id {
            input type="hidden" name="req" value=(id);
        }
    }
}
