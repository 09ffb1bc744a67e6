//! Reading what the server's pages and cookies say, the way a test needs it: form
//! fields (CSRF, hidden and visible inputs, a field's error), who the front page says
//! is signed in, and the `Set-Cookie` headers of a response.

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Response, StatusCode};

use crate::scripted::ScriptedBrowser;
use crate::server::TestServer;

/// The CSRF token in a form page.
pub fn csrf_in(html: &str) -> String {
    hidden_value(html, "csrf").unwrap_or_else(|| panic!("no csrf field in:\n{html}"))
}

/// The value of the hidden input `name` in `html`.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// The `value` of the visible input `name` in `html`.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let start = html.find(&marker)?;
    let tag_end = html[start..].find('>')? + start;
    let tag = &html[start..tag_end];
    let value_start = tag.find("value=\"")? + "value=\"".len();
    let value_end = tag[value_start..].find('"')? + value_start;
    Some(tag[value_start..value_end].to_owned())
}

/// The error shown next to form field `name` (`<p id="{name}-error">`), if any.
pub fn field_error(html: &str, name: &str) -> Option<String> {
    let marker = format!("id=\"{name}-error\"");
    let start = html.find(&marker)?;
    let start = html[start..].find('>')? + start + 1;
    let end = html[start..].find("</p>")? + start;
    Some(html[start..end].to_owned())
}

/// The username the front page of `html` says is signed in, if anyone.
pub fn signed_in_user_in(html: &str) -> Option<String> {
    let marker = "Signed in as <strong>";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find("</strong>")? + start;
    Some(html[start..end].to_owned())
}

/// Who the front page says is signed in in `browser`.
pub async fn signed_in_user(browser: &ScriptedBrowser) -> Option<String> {
    let response = browser.get("/").await;
    assert_eq!(response.status(), StatusCode::OK, "GET /");
    signed_in_user_in(&response.text().await.unwrap())
}

/// Who the front page says is signed in for a cookie-less client sending only
/// `cookie` (`name=value`), as a replayed or stolen cookie would be.
pub async fn signed_in_with_cookie(server: &TestServer, cookie: &str) -> Option<String> {
    let response = reqwest::Client::new()
        .get(server.url("/"))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "GET /");
    signed_in_user_in(&response.text().await.unwrap())
}

/// Every `Set-Cookie` header of `response`.
pub fn set_cookies(response: &Response) -> Vec<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|value| value.to_str().expect("ASCII Set-Cookie").to_owned())
        .collect()
}

/// The `Set-Cookie` header of `response` that sets cookie `name`.
pub fn set_cookie_named(response: &Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    set_cookies(response)
        .into_iter()
        .find(|header| header.starts_with(&prefix))
}

/// The `name=value` pair a `Set-Cookie` header sets, as a `Cookie` header would carry it.
pub fn cookie_pair(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .expect("a cookie pair")
        .to_owned()
}

/// The attributes of a `Set-Cookie` header (`HttpOnly`, `Max-Age=0`, …), trimmed.
pub fn cookie_attributes(set_cookie: &str) -> Vec<String> {
    set_cookie
        .split(';')
        .skip(1)
        .map(|attribute| attribute.trim().to_owned())
        .collect()
}
