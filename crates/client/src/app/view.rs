//! What the desktop UI is shown, as typed values that cross the IPC boundary: the
//! accounts (never a token), where tokens are kept, the progress of a sign-in, an
//! avatar to upload, the `profile_changed`, `teams_changed` and `billing_changed`
//! events, and errors as `{kind, message, fields?}`. The account API's own documents
//! (profile, sessions, …) cross as the `courier-proto` types. With the `ts` feature
//! each type derives `ts_rs::TS`; the generated bindings are committed under
//! `ui/src/bindings/` and a test fails when they drift.

use serde::{Deserialize, Serialize};

use courier_proto::{ErrorKind, FieldError};

use crate::accounts::{Account, Registry};
use crate::api::{AVATAR_MAX_BYTES, avatar_refused, check_avatar};
use crate::error::Error;

/// One account as the UI lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    pub id: String,
    /// The account's user id at its server (`sub`): how team members are named.
    pub user_id: String,
    /// The server, as people recognise it (`accounts.example.com`, `127.0.0.1:7878`).
    pub server: String,
    pub display_name: String,
    pub email: Option<String>,
    pub username: Option<String>,
    pub avatar_url: Option<String>,
    /// One or two letters for the avatar when there is no picture.
    pub initials: String,
    pub email_verified: bool,
    /// The server ended this sign-in: show **Sign in again**.
    pub signed_out: bool,
    pub active: bool,
}

impl AccountView {
    pub fn new(account: &Account, active: bool) -> Self {
        let server = url::Url::parse(&account.issuer)
            .ok()
            .and_then(|url| {
                url.host_str().map(|host| match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                })
            })
            .unwrap_or_else(|| account.issuer.clone());
        Self {
            id: account.id.clone(),
            user_id: account.user_id.clone(),
            server,
            display_name: account.display_name().to_owned(),
            email: account.email.clone(),
            username: account.username.clone(),
            avatar_url: account.avatar_url.clone(),
            initials: initials(account.display_name()),
            email_verified: account.email_verified,
            signed_out: account.signed_out,
            active,
        }
    }

    /// Every account in `registry`, the active one marked.
    pub fn list(registry: &Registry) -> Vec<Self> {
        registry
            .accounts
            .iter()
            .map(|account| {
                Self::new(
                    account,
                    registry.active.as_deref() == Some(account.id.as_str()),
                )
            })
            .collect()
    }
}

/// "Ada Lovelace" → "AL", "ada" → "A", "grace.hopper@x" → "G".
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let letters: String = match words.as_slice() {
        [] => String::new(),
        [one] => one.chars().take(1).collect(),
        [first, .., last] => first.chars().take(1).chain(last.chars().take(1)).collect(),
    };
    let letters = letters.to_uppercase();
    if letters.is_empty() {
        "?".to_owned()
    } else {
        letters
    }
}

/// Where this run keeps tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum VaultStatus {
    /// The OS keyring is in use.
    Keyring { description: String },
    /// The person chose to keep tokens in memory for this run.
    MemoryOnly { description: String },
    /// No keyring could be reached: say why and what to do.
    Unavailable { reason: String, remedy: String },
}

/// Everything the app's screens start from (also the `account_changed` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AppSnapshot {
    pub accounts: Vec<AccountView>,
    pub vault: VaultStatus,
    /// The person has signed in or pressed **Skip** before: no welcome screen.
    pub welcome_done: bool,
    /// The server new sign-ins go to.
    pub default_server: String,
}

/// What the person chose on the welcome screen or in the avatar menu.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SignInChoice {
    SignIn,
    CreateAccount,
    /// "Sign in again" for an account the server signed out.
    SignInAgain {
        account_id: String,
    },
}

impl From<SignInChoice> for crate::SignInMode {
    fn from(choice: SignInChoice) -> Self {
        match choice {
            SignInChoice::SignIn => crate::SignInMode::SignIn,
            SignInChoice::CreateAccount => crate::SignInMode::CreateAccount,
            SignInChoice::SignInAgain { account_id } => crate::SignInMode::Again(account_id),
        }
    }
}

/// A sign-in the app has started: what the waiting screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SignInStarted {
    /// Numbers this attempt; its `signin_progress` event carries the same number.
    pub attempt: u32,
    /// The link to copy or open by hand.
    pub url: String,
    /// Unix seconds when the five-minute window closes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub deadline: i64,
    /// Set when the browser could not be opened.
    pub browser_error: Option<String>,
}

/// How a sign-in ended (pushed to the UI as the `signin_progress` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum SignInProgress {
    /// `attempt` is the number `start_sign_in` answered with.
    SignedIn { attempt: u32, account: AccountView },
    /// `kind` is the error kind: `sign_in_expired`, `sign_in_cancelled`,
    /// `sign_in_cancelled_in_browser`, `sign_in_refused`, `network`, …
    Failed {
        attempt: u32,
        kind: String,
        message: String,
    },
}

/// An error as the UI receives it, to branch on `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct IpcError {
    pub kind: String,
    pub message: String,
    /// With `invalid_input`: which fields were refused and why, to show beside them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<FieldError>>"))]
    pub fields: Vec<FieldError>,
    /// With `unresolved_variables`: each `{{name}}` that has no value, once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<String>>"))]
    pub variables: Vec<String>,
}

impl From<Error> for IpcError {
    fn from(error: Error) -> Self {
        Self {
            kind: error.kind().to_owned(),
            fields: error.fields().to_vec(),
            variables: error.unresolved_variables().to_vec(),
            message: error.to_string(),
        }
    }
}

/// A new avatar picked in the UI (`upload_avatar`): the file's type and its bytes in
/// standard base64 (a `data:` URL prefix is accepted too).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct AvatarUpload {
    /// `image/png` or `image/jpeg`.
    pub content_type: String,
    pub data_base64: String,
}

impl AvatarUpload {
    /// The image's bytes. Too large is refused from the encoded length, before
    /// anything is decoded.
    pub fn decode(&self) -> Result<Vec<u8>, Error> {
        use base64::Engine as _;
        let encoded = match self.data_base64.split_once(";base64,") {
            Some((prefix, data)) if prefix.starts_with("data:") => data,
            _ => self.data_base64.as_str(),
        }
        .trim();
        if encoded.len() > AVATAR_MAX_BYTES.div_ceil(3) * 4 {
            return Err(avatar_refused(
                ErrorKind::PayloadTooLarge,
                "the picture is larger than 1 MiB",
            ));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| {
                avatar_refused(ErrorKind::InvalidInput, "the picture could not be read")
            })?;
        check_avatar(&self.content_type, bytes.len())?;
        Ok(bytes)
    }
}

/// The payload of the `profile_changed` event: this account's profile changed (here
/// or on another device); read it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ProfileChangedEvent {
    pub account_id: String,
}

/// The payload of the `teams_changed` event: something in team `team_id` changed for
/// this account (its members, roles, invitations or join requests, its name, or the
/// account joined or left it); read the account's teams and that team again. No
/// `team_id`: the account's events channel came back after a gap, so any of its teams
/// may have changed unheard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct TeamsChangedEvent {
    pub account_id: String,
    pub team_id: Option<String>,
}

/// The payload of the `billing_changed` event: team `team_id`'s plan or billing changed
/// for this account (a payment confirmed at the bank, a renewal, a downgrade); read its
/// billing again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct BillingChangedEvent {
    pub account_id: String,
    pub team_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_from_names() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("grace"), "G");
        assert_eq!(initials("Jean Baptiste Say"), "JS");
        assert_eq!(initials(""), "?");
        assert_eq!(initials("émile zola"), "ÉZ");
    }

    #[test]
    fn ipc_errors_carry_refused_fields_only_when_there_are_some() {
        let refused = Error::Api {
            kind: ErrorKind::InvalidInput,
            message: "Check the highlighted fields.".into(),
            fields: vec![FieldError {
                field: "username".into(),
                message: "is taken".into(),
            }],
            retry_after: None,
        };
        let json = serde_json::to_value(IpcError::from(refused)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "invalid_input", "message": "Check the highlighted fields.",
                "fields": [{"field": "username", "message": "is taken"}]})
        );
        let json = serde_json::to_value(IpcError::from(Error::NoActiveAccount)).unwrap();
        assert!(json.get("fields").is_none(), "{json}");
    }

    #[test]
    fn avatar_uploads_decode_and_refuse_oversized_data_before_decoding() {
        let upload = |content_type: &str, data: &str| AvatarUpload {
            content_type: content_type.into(),
            data_base64: data.into(),
        };
        assert_eq!(
            upload("image/png", "iVBORw==").decode().unwrap(),
            b"\x89PNG"
        );
        assert_eq!(
            upload("image/png", "data:image/png;base64,iVBORw==")
                .decode()
                .unwrap(),
            b"\x89PNG"
        );
        assert_eq!(
            upload("image/png", "not base64!")
                .decode()
                .unwrap_err()
                .kind(),
            "invalid_input"
        );
        assert_eq!(
            upload("image/gif", "iVBORw==").decode().unwrap_err().kind(),
            "invalid_input"
        );
        // Not even valid base64: refused by its length alone.
        let huge = "!".repeat(AVATAR_MAX_BYTES / 3 * 4 + 8);
        let error = upload("image/png", &huge).decode().unwrap_err();
        assert_eq!(error.kind(), "payload_too_large");
        assert_eq!(error.fields()[0].field, "avatar");
    }
}
