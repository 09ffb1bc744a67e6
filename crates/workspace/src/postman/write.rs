//! Courier → Postman: a [`CollectionTree`] as a v2.1 collection, an [`Environment`]
//! as an environment file, both as Postman itself writes them. Secret values are
//! written empty unless the caller asks for them.

use std::collections::HashSet;

use super::schema::{self, AuthParam, AuthParams, List, StringOr, Strings, Text};
use crate::import::ExportOptions;
use crate::model::{
    ApiKeyPlacement, Auth, Body, CollectionTree, Environment, Folder, FormValue, KeyValue,
    RawLanguage, Request, Scripts, Variable,
};

/// `tree` as a Postman Collection v2.1 (pretty JSON).
pub fn export_collection(tree: &CollectionTree, options: ExportOptions) -> String {
    let collection = &tree.collection;
    let mut writer = Writer {
        tree,
        folder_ids: tree.folders.iter().map(|f| f.meta.id.as_str()).collect(),
        written: HashSet::new(),
    };
    let mut item = writer.items(None);
    // Folders whose parents form a loop are reached from nowhere: write them at the top
    // rather than lose them.
    for folder in &tree.folders {
        if !writer.written.contains(folder.meta.id.as_str()) {
            item.push(writer.folder(folder));
        }
    }
    let file = schema::Collection {
        info: schema::Info {
            postman_id: Some(collection.meta.id.clone()),
            name: collection.name.clone(),
            description: description(&collection.description),
            schema: schema::SCHEMA_V21.to_owned(),
        },
        item: List(item),
        auth: match &collection.auth {
            Auth::None | Auth::Inherit => None,
            auth => auth_of(auth),
        },
        event: events(&collection.scripts),
        variable: collection
            .variables
            .iter()
            .map(|variable| schema::Variable {
                key: variable.key.clone(),
                value: Text(secret_value(variable, options)),
                kind: Some(if variable.secret { "secret" } else { "string" }.to_owned()),
                disabled: !variable.enabled,
                description: None,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&file).expect("plain data always serializes")
}

/// `environment` as a Postman environment file (pretty JSON).
pub fn export_environment(environment: &Environment, options: ExportOptions) -> String {
    let file = schema::Environment {
        id: Some(environment.meta.id.clone()),
        name: environment.name.clone(),
        values: environment
            .variables
            .iter()
            .map(|variable| schema::EnvironmentValue {
                key: variable.key.clone(),
                value: Text(secret_value(variable, options)),
                kind: Some(if variable.secret { "secret" } else { "default" }.to_owned()),
                enabled: variable.enabled,
            })
            .collect(),
        scope: Some("environment".to_owned()),
    };
    serde_json::to_string_pretty(&file).expect("plain data always serializes")
}

fn secret_value(variable: &Variable, options: ExportOptions) -> String {
    if variable.secret && !options.include_secrets {
        String::new()
    } else {
        variable.value.clone()
    }
}

struct Writer<'a> {
    tree: &'a CollectionTree,
    folder_ids: HashSet<&'a str>,
    written: HashSet<&'a str>,
}

enum Child<'a> {
    Folder(&'a Folder),
    Request(&'a Request),
}

impl<'a> Writer<'a> {
    /// The items directly in `parent` (`None`: the collection), in position order;
    /// anything whose folder is missing counts as directly in the collection.
    fn items(&mut self, parent: Option<&str>) -> Vec<schema::Item> {
        let in_parent = |id: Option<&str>| {
            let id = id.filter(|id| self.folder_ids.contains(id));
            id == parent
        };
        let mut children: Vec<(i64, usize, Child<'a>)> = Vec::new();
        for folder in &self.tree.folders {
            if in_parent(folder.parent_id.as_deref()) {
                children.push((folder.position, children.len(), Child::Folder(folder)));
            }
        }
        for request in &self.tree.requests {
            if in_parent(request.folder_id.as_deref()) {
                children.push((request.position, children.len(), Child::Request(request)));
            }
        }
        children.sort_by_key(|(position, order, _)| (*position, *order));
        children
            .into_iter()
            .filter_map(|(_, _, child)| match child {
                Child::Folder(folder) if self.written.contains(folder.meta.id.as_str()) => None,
                Child::Folder(folder) => Some(self.folder(folder)),
                Child::Request(request) => Some(request_item(request)),
            })
            .collect()
    }

    fn folder(&mut self, folder: &'a Folder) -> schema::Item {
        self.written.insert(&folder.meta.id);
        schema::Item {
            name: folder.name.clone(),
            description: description(&folder.description),
            item: Some(self.items(Some(&folder.meta.id))),
            request: None,
            auth: auth_of(&folder.auth),
            event: events(&folder.scripts),
            variable: List::default(),
            response: List::default(),
        }
    }
}

fn request_item(request: &Request) -> schema::Item {
    let spec = &request.spec;
    schema::Item {
        name: request.name.clone(),
        description: description(&request.description),
        item: None,
        request: Some(StringOr::Object(schema::Request {
            url: Some(StringOr::Object(url(&spec.url, &spec.params))),
            method: Some(spec.method.clone()),
            header: Some(StringOr::Object(spec.headers.iter().map(header).collect())),
            body: body(&spec.body),
            auth: auth_of(&spec.auth),
            description: None,
        })),
        auth: None,
        event: events(&request.scripts),
        variable: List::default(),
        response: List::default(),
    }
}

fn description(text: &Option<String>) -> Option<schema::Description> {
    text.clone().map(StringOr::String)
}

fn header(row: &KeyValue) -> schema::Header {
    schema::Header {
        key: row.key.clone(),
        value: row.value.clone(),
        disabled: !row.enabled,
        description: description(&row.description),
        kind: Some("text".to_owned()),
    }
}

/// `raw` is the URL as typed; the parts are split from it the way Postman does, for
/// tools that read them instead.
fn url(raw: &str, params: &[KeyValue]) -> schema::Url {
    let (before_hash, hash) = match raw.split_once('#') {
        Some((before, hash)) => (before, Some(hash.to_owned())),
        None => (raw, None),
    };
    let without_query = before_hash
        .split_once('?')
        .map_or(before_hash, |(base, _)| base);
    let (protocol, rest) = match without_query.split_once("://") {
        Some((protocol, rest)) => (Some(protocol.to_owned()), rest),
        None => (None, without_query),
    };
    let (authority, path) = match rest.split_once('/') {
        Some((authority, path)) => (authority, Some(path)),
        None => (rest, None),
    };
    // The port is after the last colon outside a {{variable}}.
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if host.matches("{{").count() == host.matches("}}").count() => {
            (host, Some(Text(port.to_owned())))
        }
        _ => (authority, None),
    };
    schema::Url {
        raw: Some(raw.to_owned()),
        protocol,
        host: (!host.is_empty())
            .then(|| Strings::Many(host.split('.').map(str::to_owned).collect())),
        port,
        path: path.map(|path| Strings::Many(path.split('/').map(str::to_owned).collect())),
        query: params
            .iter()
            .map(|param| schema::QueryParam {
                key: param.key.clone(),
                value: Some(param.value.clone()),
                disabled: !param.enabled,
                description: description(&param.description),
            })
            .collect(),
        hash,
        variable: List::default(),
    }
}

fn body(body: &Body) -> Option<schema::RequestBody> {
    let row =
        |key: &str, value: Option<String>, kind: &str, enabled: bool, about: &Option<String>| {
            schema::FormRow {
                key: key.to_owned(),
                value,
                kind: Some(kind.to_owned()),
                disabled: !enabled,
                description: description(about),
                ..schema::FormRow::default()
            }
        };
    Some(match body {
        Body::None => return None,
        Body::Raw { text, language } => schema::RequestBody {
            mode: Some("raw".to_owned()),
            raw: Some(text.clone()),
            options: Some(schema::BodyOptions {
                raw: Some(schema::RawOptions {
                    language: Some(language_name(*language).to_owned()),
                }),
            }),
            ..schema::RequestBody::default()
        },
        Body::UrlEncoded { fields } => schema::RequestBody {
            mode: Some("urlencoded".to_owned()),
            urlencoded: fields
                .iter()
                .map(|f| {
                    row(
                        &f.key,
                        Some(f.value.clone()),
                        "text",
                        f.enabled,
                        &f.description,
                    )
                })
                .collect(),
            ..schema::RequestBody::default()
        },
        Body::FormData { fields } => schema::RequestBody {
            mode: Some("formdata".to_owned()),
            formdata: fields
                .iter()
                .map(|f| match &f.value {
                    FormValue::Text { text } => row(
                        &f.key,
                        Some(text.clone()),
                        "text",
                        f.enabled,
                        &f.description,
                    ),
                    FormValue::File { path } => schema::FormRow {
                        src: Some(Strings::One(path.clone())),
                        ..row(&f.key, None, "file", f.enabled, &f.description)
                    },
                })
                .collect(),
            ..schema::RequestBody::default()
        },
    })
}

fn language_name(language: RawLanguage) -> &'static str {
    match language {
        RawLanguage::Text => "text",
        RawLanguage::Json => "json",
        RawLanguage::Xml => "xml",
        RawLanguage::Html => "html",
        RawLanguage::Javascript => "javascript",
    }
}

/// `None` for [`Auth::Inherit`]: Postman inherits when an item has no auth.
fn auth_of(auth: &Auth) -> Option<schema::Auth> {
    let params = |pairs: &[(&str, &str)]| {
        Some(AuthParams(
            pairs
                .iter()
                .map(|(key, value)| AuthParam {
                    key: (*key).to_owned(),
                    value: Text((*value).to_owned()),
                    kind: Some("string".to_owned()),
                })
                .collect(),
        ))
    };
    let mut written = schema::Auth::default();
    match auth {
        Auth::Inherit => return None,
        Auth::None => written.kind = "noauth".to_owned(),
        Auth::Bearer { token } => {
            written.kind = "bearer".to_owned();
            written.bearer = params(&[("token", token)]);
        }
        Auth::Basic { username, password } => {
            written.kind = "basic".to_owned();
            written.basic = params(&[("username", username), ("password", password)]);
        }
        Auth::ApiKey {
            key,
            value,
            placement,
        } => {
            written.kind = "apikey".to_owned();
            let placement = match placement {
                ApiKeyPlacement::Header => "header",
                ApiKeyPlacement::Query => "query",
            };
            written.apikey = params(&[("key", key), ("value", value), ("in", placement)]);
        }
    }
    Some(written)
}

fn events(scripts: &Scripts) -> List<schema::Event> {
    [
        ("prerequest", &scripts.pre_request),
        ("test", &scripts.test),
    ]
    .into_iter()
    .filter_map(|(listen, text)| {
        let text = text.as_ref()?;
        Some(schema::Event {
            listen: listen.to_owned(),
            script: Some(schema::Script {
                exec: Some(Strings::Many(text.split('\n').map(str::to_owned).collect())),
                kind: Some("text/javascript".to_owned()),
            }),
            disabled: false,
        })
    })
    .collect()
}
