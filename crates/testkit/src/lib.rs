//! `courier-testkit`: the one kit every Courier test suite builds on. Light on
//! purpose (no browser engine, no WebDriver, no window): the server's, the client's
//! and the CLI's tests take it as a dev-dependency, and the end-to-end harness
//! (`courier-tests`: Chromium, the desktop window, an OpenID provider) builds on it.
//!
//! - [`server`]: a real `courier-server` on a loopback port with its own data folder
//!   and a manual clock; confirmed users and signed-in apps on it.
//! - [`outbox`]: the mail the server wrote, by recipient, and the links in it.
//! - [`pkce`]: PKCE pairs and random tokens.
//! - [`robot_check`]: the "I'm not a robot" proof of work, solved as a browser would.
//! - [`scripted`]: a cookie-jar browser that fills in the server's forms over plain HTTP.
//! - [`html`]: reading server pages and cookies (CSRF, hidden fields, errors, who is
//!   signed in).
//! - [`oauth`]: an app's authorization request, the browser's part of it and the
//!   token endpoint calls.
//! - [`api`]: an app's signed-in session against `/api/v1`.
//!
//! Helpers panic with a message that says what failed: they are for tests.

#![forbid(unsafe_code)]
// A test kit reports failure by panicking, like the tests that use it.
#![allow(clippy::unwrap_used)]

pub mod api;
pub mod events;
pub mod html;
pub mod oauth;
pub mod outbox;
pub mod pkce;
pub mod robot_check;
pub mod scripted;
pub mod server;

pub use api::{AppSession, api_error, team_with};
pub use courier_proto::DESKTOP_CLIENT_ID;
pub use courier_server::{ManualClock, Settings};
pub use html::{
    cookie_attributes, cookie_pair, csrf_in, field_error, hidden_value, input_value,
    set_cookie_named, set_cookies, signed_in_user, signed_in_user_in, signed_in_with_cookie,
};
pub use oauth::{
    AuthorizeRequest, authorize_as, authorize_in, callback_params, exchange_code, exchange_code_at,
    param, refresh, refresh_at, revoke, revoke_at, signed_in_tokens, token_call, token_call_at,
    userinfo,
};
pub use outbox::{
    MAIL_TIMEOUT, link_in, mails_to, wait_for_invitation_link, wait_for_invitation_token,
    wait_for_link, wait_for_mail, wait_for_newest_mail,
};
pub use pkce::{Pkce, random_token, unique_name};
pub use scripted::{ScriptedBrowser, location};
pub use server::{
    TestServer, app_session_at, confirmed_account_at, create_database, fresh_postgres_database,
};

/// The password every test account is created with.
pub const PASSWORD: &str = "plum-orbit-kettle-92";
