//! The shapes of Courier's work: what a workspace holds and what a request is. Plain
//! data (serde, and TypeScript for the UI with feature `ts`); storing it is the
//! database's business, resolving `{{variables}}` the resolver's, sending it the
//! sender's.
//!
//! Every stored entity carries [`Meta`]: a stable id (a UUID, never reused), a
//! revision that grows by one with each change, and creation and change times in
//! Unix milliseconds. The change log and sync build on exactly those.

use serde::{Deserialize, Serialize};

/// Id, revision and times of a stored entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Meta {
    pub id: String,
    /// 1 when created, one more with each change.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub revision: i64,
    /// Unix milliseconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created_at: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub updated_at: i64,
}

#[cfg(test)]
impl Meta {
    /// A first revision at time 0: for tests that need an entity, not its history.
    pub(crate) fn fixed(id: &str) -> Self {
        Self {
            id: id.to_owned(),
            revision: 1,
            created_at: 0,
            updated_at: 0,
        }
    }
}

/// Whose a workspace is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Owner {
    /// The Scratch Pad: no account, always there, never synced.
    ScratchPad,
    /// One signed-in account's own workspace. `account` is the client's account key
    /// (issuer and subject), so the same person on two servers has two owners.
    Account { account: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Workspace {
    pub meta: Meta,
    pub name: String,
    pub owner: Owner,
    /// The environment whose variables apply when sending, if any.
    pub active_environment: Option<String>,
    /// Every variable value of the workspace stored encrypted, not only the secret
    /// ones (off unless the person turns it on).
    #[serde(default)]
    pub encrypt_values: bool,
}

/// A collection: the top of a tree of folders and requests, with the auth and
/// variables its requests can inherit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Collection {
    pub meta: Meta,
    pub workspace_id: String,
    pub name: String,
    pub description: Option<String>,
    pub auth: Auth,
    pub variables: Vec<Variable>,
    /// Scripts of an imported collection: kept on import and export, never run.
    pub scripts: Scripts,
    /// Order among the workspace's collections (ascending).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub position: i64,
}

/// A folder in a collection, possibly inside another folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Folder {
    pub meta: Meta,
    pub collection_id: String,
    /// `None`: directly in the collection.
    pub parent_id: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub auth: Auth,
    pub scripts: Scripts,
    /// Order among its siblings, folders and requests together (ascending).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub position: i64,
}

/// A collection with everything in it, as one value: what an import produces and an
/// export reads. Folders and requests are flat, linked by `parent_id`/`folder_id`;
/// siblings are ordered by `position`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CollectionTree {
    pub collection: Collection,
    pub folders: Vec<Folder>,
    pub requests: Vec<Request>,
}

/// A saved request in a collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Request {
    pub meta: Meta,
    pub collection_id: String,
    /// `None`: directly in the collection.
    pub folder_id: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub spec: RequestSpec,
    pub scripts: Scripts,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub position: i64,
}

/// What is sent: everything the editor shows, with `{{variables}}` unresolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RequestSpec {
    /// `GET`, `POST`, … or any other token.
    pub method: String,
    /// As typed, with the query string of the enabled parameters.
    pub url: String,
    /// The parameters table: the URL's query in order, plus any switched off (which
    /// the URL leaves out). The two are kept in step as either is edited.
    pub params: Vec<KeyValue>,
    pub headers: Vec<KeyValue>,
    pub body: Body,
    pub auth: Auth,
}

impl Default for RequestSpec {
    fn default() -> Self {
        Self {
            method: "GET".to_owned(),
            url: String::new(),
            params: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            auth: Auth::Inherit,
        }
    }
}

/// A header, query parameter or form field: may be switched off without deleting it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct KeyValue {
    pub key: String,
    pub value: String,
    pub enabled: bool,
    pub description: Option<String>,
}

impl KeyValue {
    /// A switched-on row without a description.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
            enabled: true,
            description: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Body {
    None,
    /// Text as typed; `language` picks the editor's highlighting and the default
    /// `Content-Type`.
    Raw {
        text: String,
        language: RawLanguage,
    },
    /// `multipart/form-data`: text fields and files (read at send time).
    FormData {
        fields: Vec<FormField>,
    },
    /// `application/x-www-form-urlencoded`.
    UrlEncoded {
        fields: Vec<KeyValue>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum RawLanguage {
    Text,
    Json,
    Xml,
    Html,
    Javascript,
}

impl RawLanguage {
    /// The `Content-Type` sent when the request sets none.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Text => "text/plain",
            Self::Json => "application/json",
            Self::Xml => "application/xml",
            Self::Html => "text/html",
            Self::Javascript => "application/javascript",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FormField {
    pub key: String,
    pub value: FormValue,
    pub enabled: bool,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FormValue {
    Text {
        text: String,
    },
    /// A file on this device, read when the request is sent.
    File {
        path: String,
    },
}

/// How a request authenticates. Values may hold `{{variables}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Auth {
    /// Whatever the enclosing folder or collection says (the default for requests).
    Inherit,
    None,
    Bearer {
        token: String,
    },
    Basic {
        username: String,
        password: String,
    },
    ApiKey {
        key: String,
        value: String,
        placement: ApiKeyPlacement,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyPlacement {
    Header,
    Query,
}

/// Pre-request and test scripts from an imported collection. Courier keeps them so an
/// export gives them back, and does not run them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Scripts {
    pub pre_request: Option<String>,
    pub test: Option<String>,
}

impl Scripts {
    pub fn is_empty(&self) -> bool {
        self.pre_request.is_none() && self.test.is_none()
    }
}

/// A named set of variables; one per workspace may be active.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Environment {
    pub meta: Meta,
    pub workspace_id: String,
    pub name: String,
    pub variables: Vec<Variable>,
}

/// A workspace's global variables: one set per workspace, the lowest precedence.
/// `meta.id` is the workspace's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Globals {
    pub meta: Meta,
    pub workspace_id: String,
    pub variables: Vec<Variable>,
}

/// A `{{name}}` and its value. A secret one is shown masked, stored only encrypted,
/// never logged, and exported only when the person asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Variable {
    pub key: String,
    pub value: String,
    pub enabled: bool,
    pub secret: bool,
}

impl Variable {
    /// A switched-on variable that is not secret.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
            enabled: true,
            secret: false,
        }
    }
}

/// Where a variable comes from, in order of precedence when names collide: an
/// environment's beats its collection's, which beats the workspace's globals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum VariableScope {
    Global,
    Collection,
    Environment,
}

/// How a request is sent (the Send menu's settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SendOptions {
    /// Give up after this many milliseconds (0: never).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub timeout_ms: u64,
    pub follow_redirects: bool,
    /// Off: any certificate is accepted (the app shows a warning while it is).
    pub verify_tls: bool,
}

impl Default for SendOptions {
    fn default() -> Self {
        Self {
            timeout_ms: 30_000,
            follow_redirects: true,
            verify_tls: true,
        }
    }
}

/// A request that was sent, for the workspace's History. Secret values are masked in
/// `sent` before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct HistoryEntry {
    pub id: String,
    pub workspace_id: String,
    /// The saved request it was sent from, if any.
    pub request_id: Option<String>,
    /// Unix milliseconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub sent_at: i64,
    pub method: String,
    /// The URL as resolved and sent, secrets masked.
    pub url: String,
    /// `None` when no response came (refused, timed out, cancelled).
    pub status: Option<u16>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub duration_ms: u64,
    /// Bytes of response body.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// Why nothing came back, when nothing did.
    pub error: Option<String>,
}

/// The kinds of entity the change log records: the ones sync carries.
pub use courier_proto::EntityKind;

/// What a change did to its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Create,
    Update,
    Delete,
}

/// One local change, in the order it was made: sync sends these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Change {
    /// Increases with every change on this device.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    pub workspace_id: String,
    pub entity: EntityKind,
    pub entity_id: String,
    pub kind: ChangeKind,
    /// The entity's revision after the change.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub revision: i64,
    /// Unix milliseconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at: i64,
}
