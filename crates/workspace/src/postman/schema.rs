//! Postman's file formats as serde types: Collection Format v2.1 (v2.0's
//! differences read too) and environment files. Reading is lenient where Postman's
//! own files vary (a string or an object, `null` for an empty list, numbers as
//! variable values) and writing gives v2.1 as Postman writes it. Fields Courier has
//! no use for are skipped.
//!
//! Shapes that may be either a string or an object (a URL, a request, a description)
//! are read by a visitor rather than `#[serde(untagged)]`, so an error deeper inside
//! still names its path and says "expected a string or an object".

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

pub(super) const SCHEMA_V21: &str =
    "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Collection {
    pub info: Info,
    #[serde(default)]
    pub item: List<Item>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    #[serde(default, skip_serializing_if = "List::is_empty")]
    pub event: List<Event>,
    #[serde(default, skip_serializing_if = "List::is_empty")]
    pub variable: List<Variable>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Info {
    #[serde(
        rename = "_postman_id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub postman_id: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
    pub schema: String,
}

/// An item is a folder when it has `item`, a request when it has `request`.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Item {
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<Vec<Item>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<StringOr<Request>>,
    /// Absent or `null`: inherited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    #[serde(default, skip_serializing_if = "List::is_empty")]
    pub event: List<Event>,
    #[serde(default, skip_serializing_if = "List::is_empty")]
    pub variable: List<Variable>,
    /// Saved example responses: counted for a warning, not imported.
    #[serde(default, skip_serializing)]
    pub response: List<serde::de::IgnoredAny>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Request {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<StringOr<Url>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// A list of rows, or (rarely) all headers as one `Name: value` text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<StringOr<Vec<Header>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<RequestBody>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Url {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<Strings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Strings>,
    #[serde(default, skip_serializing_if = "List::is_empty")]
    pub query: List<QueryParam>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// Path variables (`:id`): counted for a warning.
    #[serde(default, skip_serializing)]
    pub variable: List<serde::de::IgnoredAny>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct QueryParam {
    #[serde(default, deserialize_with = "null_as_default")]
    pub key: String,
    /// `null` for a bare `?flag`.
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Header {
    #[serde(default, deserialize_with = "null_as_default")]
    pub key: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub value: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct RequestBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    #[serde(default, skip_serializing_if = "List::is_empty")]
    pub urlencoded: List<FormRow>,
    #[serde(default, skip_serializing_if = "List::is_empty")]
    pub formdata: List<FormRow>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileBody>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graphql: Option<GraphQl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<BodyOptions>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled: bool,
}

/// A urlencoded or form-data row; `type` and `src` only in form-data.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct FormRow {
    #[serde(default, deserialize_with = "null_as_default")]
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<Strings>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
    #[serde(
        rename = "contentType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub content_type: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct FileBody {
    #[serde(default)]
    pub src: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct GraphQl {
    #[serde(default, deserialize_with = "null_as_default")]
    pub query: String,
    /// JSON text, as Postman's editor keeps it.
    #[serde(default)]
    pub variables: Option<Text>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct BodyOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<RawOptions>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct RawOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// `{"type": "bearer", "bearer": [{"key": "token", "value": "…"}]}`: the parameters
/// sit under the type's own name. Only the types Courier reads are listed; others
/// keep just their `type`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Auth {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer: Option<AuthParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic: Option<AuthParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apikey: Option<AuthParams>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth2: Option<AuthParams>,
}

/// v2.1 writes `[{"key": …, "value": …, "type": "string"}]`; v2.0 wrote an object.
#[derive(Debug, Default, Serialize)]
#[serde(transparent)]
pub(super) struct AuthParams(pub Vec<AuthParam>);

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct AuthParam {
    pub key: String,
    #[serde(default)]
    pub value: Text,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

impl AuthParams {
    /// The value of parameter `key`, or empty.
    pub fn get(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|param| param.key == key)
            .map(|param| param.value.0.clone())
            .unwrap_or_default()
    }
}

impl<'de> Deserialize<'de> for AuthParams {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Params;
        impl<'de> Visitor<'de> for Params {
            type Value = AuthParams;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of {key, value} or an object")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<AuthParams, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(AuthParams)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AuthParams, A::Error> {
                let mut params = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Text>()? {
                    params.push(AuthParam {
                        key,
                        value,
                        kind: None,
                    });
                }
                Ok(AuthParams(params))
            }
            fn visit_unit<E: de::Error>(self) -> Result<AuthParams, E> {
                Ok(AuthParams::default())
            }
        }
        deserializer.deserialize_any(Params)
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Event {
    pub listen: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<Script>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Script {
    /// Lines, or the whole script as one string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<Strings>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Variable {
    #[serde(default, deserialize_with = "null_as_default")]
    pub key: String,
    #[serde(default)]
    pub value: Text,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
}

/// A Postman environment file.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Environment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    pub values: Vec<EnvironmentValue>,
    #[serde(
        rename = "_postman_variable_scope",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub scope: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct EnvironmentValue {
    pub key: String,
    #[serde(default)]
    pub value: Text,
    /// `default` or `secret` (older files: `text`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// Text that Postman may also write as a number, a boolean or `null` (variable
/// values, ports): read as its JSON text, `null` as empty.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub(super) struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Text(match Value::deserialize(deserializer)? {
            Value::String(text) => text,
            Value::Null => String::new(),
            other => other.to_string(),
        }))
    }
}

/// A list of strings that may be written as one string (a host, a path, a script's
/// lines, a form field's files). Path segments written as `{value}` objects count
/// by their value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub(super) enum Strings {
    One(String),
    Many(Vec<String>),
}

impl Strings {
    pub fn joined(&self, separator: &str) -> String {
        match self {
            Self::One(text) => text.clone(),
            Self::Many(parts) => parts.join(separator),
        }
    }

    pub fn first(&self) -> Option<&str> {
        match self {
            Self::One(text) => Some(text),
            Self::Many(parts) => parts.first().map(String::as_str),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Self::One(_) => 1,
            Self::Many(parts) => parts.len(),
        }
    }
}

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StringsVisitor;
        impl<'de> Visitor<'de> for StringsVisitor {
            type Value = Strings;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Strings, E> {
                Ok(Strings::One(text.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
                let mut parts = Vec::new();
                while let Some(part) = seq.next_element::<Value>()? {
                    parts.push(match part {
                        Value::String(text) => text,
                        Value::Object(object) => match object.get("value") {
                            Some(Value::String(text)) => text.clone(),
                            _ => Value::Object(object).to_string(),
                        },
                        other => other.to_string(),
                    });
                }
                Ok(Strings::Many(parts))
            }
        }
        deserializer.deserialize_any(StringsVisitor)
    }
}

/// A description: text, or `{content, type}`.
pub(super) type Description = StringOr<DescriptionObject>;

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct DescriptionObject {
    #[serde(default)]
    pub content: Option<String>,
}

impl Description {
    pub fn text(&self) -> Option<String> {
        match self {
            StringOr::String(text) => Some(text.clone()),
            StringOr::Object(object) => object.content.clone(),
        }
    }
}

/// Either a string or a `T` written as an object or a list.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum StringOr<T> {
    String(String),
    Object(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for StringOr<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Either<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Either<T> {
            type Value = StringOr<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an object")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<StringOr<T>, E> {
                Ok(StringOr::String(text.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<StringOr<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(StringOr::Object)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<StringOr<T>, A::Error> {
                T::deserialize(SeqAccessDeserializer::new(seq)).map(StringOr::Object)
            }
        }
        deserializer.deserialize_any(Either(PhantomData))
    }
}

/// A list that Postman may also write as `null` (read as empty).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(super) struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> List<T> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T> std::ops::Deref for List<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> FromIterator<T> for List<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        Self(items.into_iter().collect())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<Vec<T>>::deserialize(deserializer).map(|list| Self(list.unwrap_or_default()))
    }
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

fn is_false(value: &bool) -> bool {
    !value
}

fn yes() -> bool {
    true
}
