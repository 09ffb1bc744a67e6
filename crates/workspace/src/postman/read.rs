//! Postman → Courier: a collection file becomes a [`CollectionTree`] with fresh ids
//! and positions, an environment file an [`Environment`]. What Courier cannot hold
//! comes in as the nearest thing it can, with a warning naming the place; what it
//! cannot hold at all is left out with a warning. Nothing is dropped without one.

use super::schema::{self, AuthParams, StringOr};
use crate::import::{ImportError, Imported, ImportedCollection, Warnings, decode, fresh_meta};
use crate::model::{
    ApiKeyPlacement, Auth, Body, Collection, CollectionTree, Environment, Folder, FormField,
    FormValue, KeyValue, RawLanguage, Request, RequestSpec, Scripts, Variable,
};
use crate::url_params::{params_from_url, url_with_params};

/// Reads a Postman Collection (v2.1, or v2.0) into a new collection of workspace
/// `workspace_id`. Fails, importing nothing, when the file is not one.
pub fn import_collection(
    json: &str,
    workspace_id: &str,
    now_ms: i64,
) -> Result<ImportedCollection, ImportError> {
    let file: schema::Collection = decode(json)
        .map_err(|error| super::hint(error, json, "values", "a Postman environment"))?;
    if !file.info.schema.contains("/collection/v2") {
        return Err(ImportError::new(
            "info.schema",
            format!(
                "not a Postman Collection v2.0 or v2.1 (its schema is “{}”); export it from Postman as v2.1",
                file.info.schema
            ),
        ));
    }
    let meta = fresh_meta(now_ms);
    let mut walk = Walk {
        collection_id: meta.id.clone(),
        now_ms,
        folders: Vec::new(),
        requests: Vec::new(),
        warnings: Warnings::default(),
    };
    let auth = match walk.auth(file.auth.as_ref(), "auth") {
        // A collection has nothing to inherit from.
        Auth::Inherit => Auth::None,
        auth => auth,
    };
    let collection = Collection {
        meta,
        workspace_id: workspace_id.to_owned(),
        name: file.info.name.clone(),
        description: file.info.description.as_ref().and_then(|d| d.text()),
        auth,
        variables: walk.variables(&file.variable, "variable"),
        scripts: walk.scripts(&file.event, ""),
        position: 0,
    };
    walk.items(&file.item, None, "")?;
    Ok(Imported {
        value: CollectionTree {
            collection,
            folders: walk.folders,
            requests: walk.requests,
        },
        warnings: walk.warnings.0,
    })
}

/// Reads a Postman environment file into a new environment of `workspace_id`.
/// Values of type `secret` become secret variables.
pub fn import_environment(
    json: &str,
    workspace_id: &str,
    now_ms: i64,
) -> Result<Imported<Environment>, ImportError> {
    let file: schema::Environment =
        decode(json).map_err(|error| super::hint(error, json, "info", "a Postman collection"))?;
    let mut warnings = Warnings::default();
    let variables = file
        .values
        .iter()
        .enumerate()
        .filter_map(|(index, value)| {
            if value.key.is_empty() {
                warnings.add(
                    &format!("values[{index}]"),
                    "a value without a name: left out",
                );
                return None;
            }
            Some(Variable {
                key: value.key.clone(),
                value: value.value.0.clone(),
                enabled: value.enabled,
                secret: value.kind.as_deref() == Some("secret"),
            })
        })
        .collect();
    Ok(Imported {
        value: Environment {
            meta: fresh_meta(now_ms),
            workspace_id: workspace_id.to_owned(),
            name: file.name,
            variables,
        },
        warnings: warnings.0,
    })
}

/// The state of one collection import as it walks the items.
struct Walk {
    collection_id: String,
    now_ms: i64,
    folders: Vec<Folder>,
    requests: Vec<Request>,
    warnings: Warnings,
}

/// `base.field`, or `field` at the top.
fn at(base: &str, field: &str) -> String {
    if base.is_empty() {
        field.to_owned()
    } else {
        format!("{base}.{field}")
    }
}

impl Walk {
    fn items(
        &mut self,
        items: &[schema::Item],
        parent: Option<&str>,
        base: &str,
    ) -> Result<(), ImportError> {
        for (index, item) in items.iter().enumerate() {
            let place = at(base, &format!("item[{index}]"));
            let description = item.description.as_ref().and_then(|d| d.text());
            if !item.variable.is_empty() {
                self.warnings.add(
                    &at(&place, "variable"),
                    format!(
                        "{} variable(s) of a folder or request left out: Courier keeps variables on the collection and environments",
                        item.variable.len()
                    ),
                );
            }
            if let Some(children) = &item.item {
                if item.request.is_some() {
                    self.warnings.add(
                        &at(&place, "request"),
                        "an item with both `item` and `request`: imported as a folder, its request left out",
                    );
                }
                let folder = Folder {
                    meta: fresh_meta(self.now_ms),
                    collection_id: self.collection_id.clone(),
                    parent_id: parent.map(str::to_owned),
                    name: item.name.clone(),
                    description,
                    auth: self.auth(item.auth.as_ref(), &at(&place, "auth")),
                    scripts: self.scripts(&item.event, &place),
                    position: index as i64,
                };
                let id = folder.meta.id.clone();
                self.folders.push(folder);
                self.items(children, Some(&id), &place)?;
            } else if let Some(request) = &item.request {
                let (spec, request_description) = self.request(request, &at(&place, "request"));
                if !item.response.is_empty() {
                    self.warnings.add(
                        &at(&place, "response"),
                        format!(
                            "{} saved example response(s) left out: Courier does not keep examples",
                            item.response.len()
                        ),
                    );
                }
                let scripts = self.scripts(&item.event, &place);
                self.requests.push(Request {
                    meta: fresh_meta(self.now_ms),
                    collection_id: self.collection_id.clone(),
                    folder_id: parent.map(str::to_owned),
                    name: item.name.clone(),
                    description: description.or(request_description),
                    spec,
                    scripts,
                    position: index as i64,
                });
            } else {
                return Err(ImportError::new(
                    place,
                    "neither a request (no `request`) nor a folder (no `item`)",
                ));
            }
        }
        Ok(())
    }

    fn request(
        &mut self,
        request: &StringOr<schema::Request>,
        place: &str,
    ) -> (RequestSpec, Option<String>) {
        let request = match request {
            StringOr::String(url) => {
                let spec = RequestSpec {
                    params: params_from_url(url, &[]),
                    url: url.clone(),
                    ..RequestSpec::default()
                };
                return (spec, None);
            }
            StringOr::Object(request) => request,
        };
        let (url, params) = self.url(request.url.as_ref(), &at(place, "url"));
        let method = request
            .method
            .as_deref()
            .map(str::trim)
            .filter(|method| !method.is_empty())
            .unwrap_or("GET");
        let spec = RequestSpec {
            method: method.to_owned(),
            url,
            params,
            headers: headers(request.header.as_ref()),
            body: self.body(request.body.as_ref(), &at(place, "body")),
            auth: self.auth(request.auth.as_ref(), &at(place, "auth")),
        };
        (spec, request.description.as_ref().and_then(|d| d.text()))
    }

    /// The URL as typed and the parameters table. `raw` is the URL when present
    /// (Postman keeps it with the enabled query); `query`, switched-off rows
    /// included, is the table.
    fn url(&mut self, url: Option<&StringOr<schema::Url>>, place: &str) -> (String, Vec<KeyValue>) {
        let url = match url {
            None => return (String::new(), Vec::new()),
            Some(StringOr::String(raw)) => return (raw.clone(), params_from_url(raw, &[])),
            Some(StringOr::Object(url)) => url,
        };
        if !url.variable.is_empty() {
            self.warnings.add(
                &at(place, "variable"),
                format!(
                    "{} path variable(s) (:name) left out: the URL keeps them as typed; use {{{{variables}}}} instead",
                    url.variable.len()
                ),
            );
        }
        let table: Vec<KeyValue> = url
            .query
            .iter()
            .map(|param| KeyValue {
                key: param.key.clone(),
                value: param.value.clone().unwrap_or_default(),
                enabled: !param.disabled,
                description: param.description.as_ref().and_then(|d| d.text()),
            })
            .collect();
        let raw = url.raw.clone().unwrap_or_else(|| compose_url(url, &table));
        let params = if table.is_empty() {
            params_from_url(&raw, &[])
        } else {
            table
        };
        (raw, params)
    }

    fn body(&mut self, body: Option<&schema::RequestBody>, place: &str) -> Body {
        let Some(body) = body else {
            return Body::None;
        };
        if body.disabled {
            self.warnings.add(
                &at(place, "disabled"),
                "the body was switched off in Postman; Courier has no such switch and imported it switched on",
            );
        }
        let mode = body
            .mode
            .as_deref()
            .unwrap_or(if body.raw.is_some() { "raw" } else { "none" });
        match mode {
            "none" | "" => Body::None,
            "raw" => Body::Raw {
                text: body.raw.clone().unwrap_or_default(),
                language: language(body),
            },
            "urlencoded" => Body::UrlEncoded {
                fields: body
                    .urlencoded
                    .iter()
                    .map(|row| KeyValue {
                        key: row.key.clone(),
                        value: row.value.clone().unwrap_or_default(),
                        enabled: !row.disabled,
                        description: row.description.as_ref().and_then(|d| d.text()),
                    })
                    .collect(),
            },
            "formdata" => Body::FormData {
                fields: body
                    .formdata
                    .iter()
                    .enumerate()
                    .map(|(index, row)| {
                        self.form_field(row, &at(place, &format!("formdata[{index}]")))
                    })
                    .collect(),
            },
            "graphql" => {
                self.warnings.add(
                    &at(place, "graphql"),
                    "a GraphQL body: imported as a JSON body {query, variables}, which is what Postman sends",
                );
                let graphql = body.graphql.as_ref();
                let query = graphql.map(|g| g.query.clone()).unwrap_or_default();
                let variables = graphql
                    .and_then(|g| g.variables.as_ref())
                    .map(|text| text.0.trim())
                    .filter(|text| !text.is_empty())
                    .map(|text| {
                        serde_json::from_str(text)
                            .unwrap_or_else(|_| serde_json::Value::String(text.to_owned()))
                    })
                    .unwrap_or_else(|| serde_json::json!({}));
                let json = serde_json::json!({ "query": query, "variables": variables });
                Body::Raw {
                    text: serde_json::to_string_pretty(&json).unwrap_or_default(),
                    language: RawLanguage::Json,
                }
            }
            "file" => {
                let source = body
                    .file
                    .as_ref()
                    .and_then(|f| f.src.clone())
                    .unwrap_or_default();
                self.warnings.add(
                    &at(place, "file"),
                    format!(
                        "a whole-file body (“{source}”) is not supported: imported without a body"
                    ),
                );
                Body::None
            }
            other => {
                self.warnings.add(
                    &at(place, "mode"),
                    format!("body mode “{other}” is not supported: imported without a body"),
                );
                Body::None
            }
        }
    }

    fn form_field(&mut self, row: &schema::FormRow, place: &str) -> FormField {
        if let Some(content_type) = &row.content_type {
            self.warnings.add(
                &at(place, "contentType"),
                format!(
                    "the part's content type “{content_type}” left out: Courier sends files with the type their extension suggests, text as text/plain"
                ),
            );
        }
        let value = if row.kind.as_deref() == Some("file") {
            let files = row.src.as_ref();
            if let Some(files) = files.filter(|files| files.len() > 1) {
                self.warnings.add(
                    &at(place, "src"),
                    format!(
                        "{} files in one field: only the first imported",
                        files.len()
                    ),
                );
            }
            FormValue::File {
                path: files.and_then(|f| f.first()).unwrap_or_default().to_owned(),
            }
        } else {
            FormValue::Text {
                text: row.value.clone().unwrap_or_default(),
            }
        };
        FormField {
            key: row.key.clone(),
            value,
            enabled: !row.disabled,
            description: row.description.as_ref().and_then(|d| d.text()),
        }
    }

    /// Absent or `null` is [`Auth::Inherit`].
    fn auth(&mut self, auth: Option<&schema::Auth>, place: &str) -> Auth {
        let Some(auth) = auth else {
            return Auth::Inherit;
        };
        let param = |params: &Option<AuthParams>, key: &str| {
            params.as_ref().map(|p| p.get(key)).unwrap_or_default()
        };
        match auth.kind.as_str() {
            "noauth" => Auth::None,
            "inherit" => Auth::Inherit,
            "bearer" => Auth::Bearer {
                token: param(&auth.bearer, "token"),
            },
            "basic" => Auth::Basic {
                username: param(&auth.basic, "username"),
                password: param(&auth.basic, "password"),
            },
            "apikey" => Auth::ApiKey {
                key: param(&auth.apikey, "key"),
                value: param(&auth.apikey, "value"),
                placement: if param(&auth.apikey, "in") == "query" {
                    ApiKeyPlacement::Query
                } else {
                    ApiKeyPlacement::Header
                },
            },
            "oauth2" => {
                let token = param(&auth.oauth2, "accessToken");
                if token.is_empty() {
                    self.warnings.add(
                        place,
                        "OAuth 2.0 is not supported and no access token was saved: imported as no auth",
                    );
                    Auth::None
                } else {
                    self.warnings.add(
                        place,
                        "OAuth 2.0 is not supported: imported as a bearer token with the saved access token, which Courier will not refresh",
                    );
                    Auth::Bearer { token }
                }
            }
            other => {
                self.warnings.add(
                    place,
                    format!(
                        "“{other}” auth is not supported: imported as no auth; set it up again"
                    ),
                );
                Auth::None
            }
        }
    }

    /// Pre-request and test scripts from `event`, kept (never run).
    fn scripts(&mut self, events: &[schema::Event], base: &str) -> Scripts {
        let mut scripts = Scripts::default();
        for (index, event) in events.iter().enumerate() {
            let place = at(base, &format!("event[{index}]"));
            let slot = match event.listen.as_str() {
                "prerequest" => &mut scripts.pre_request,
                "test" => &mut scripts.test,
                other => {
                    self.warnings
                        .add(&place, format!("a “{other}” script left out"));
                    continue;
                }
            };
            let Some(text) = event
                .script
                .as_ref()
                .and_then(|script| script.exec.as_ref())
                .map(|exec| exec.joined("\n"))
                .filter(|text| !text.is_empty())
            else {
                continue;
            };
            if event.disabled {
                self.warnings.add(
                    &place,
                    "a switched-off script: kept without the switch (Courier does not run scripts)",
                );
            }
            *slot = Some(match slot.take() {
                Some(before) => format!("{before}\n{text}"),
                None => text,
            });
        }
        scripts
    }

    fn variables(&mut self, variables: &[schema::Variable], base: &str) -> Vec<Variable> {
        let mut described = 0;
        let kept = variables
            .iter()
            .enumerate()
            .filter_map(|(index, variable)| {
                if variable.key.is_empty() {
                    self.warnings.add(
                        &format!("{base}[{index}]"),
                        "a variable without a name: left out",
                    );
                    return None;
                }
                described += usize::from(variable.description.is_some());
                Some(Variable {
                    key: variable.key.clone(),
                    value: variable.value.0.clone(),
                    enabled: !variable.disabled,
                    secret: variable.kind.as_deref() == Some("secret"),
                })
            })
            .collect();
        if described > 0 {
            self.warnings.add(
                base,
                format!("the descriptions of {described} variable(s) left out"),
            );
        }
        kept
    }
}

/// Headers from rows, or from one `Name: value` text (`//` starts a switched-off line,
/// as in Postman's bulk editor).
fn headers(header: Option<&StringOr<Vec<schema::Header>>>) -> Vec<KeyValue> {
    match header {
        None => Vec::new(),
        Some(StringOr::Object(rows)) => rows
            .iter()
            .map(|row| KeyValue {
                key: row.key.clone(),
                value: row.value.clone(),
                enabled: !row.disabled,
                description: row.description.as_ref().and_then(|d| d.text()),
            })
            .collect(),
        Some(StringOr::String(text)) => text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let (enabled, line) = match line.trim().strip_prefix("//") {
                    Some(rest) => (false, rest),
                    None => (true, line),
                };
                let (key, value) = line.split_once(':').unwrap_or((line, ""));
                KeyValue {
                    key: key.trim().to_owned(),
                    value: value.trim().to_owned(),
                    enabled,
                    description: None,
                }
            })
            .collect(),
    }
}

fn language(body: &schema::RequestBody) -> RawLanguage {
    let language = body
        .options
        .as_ref()
        .and_then(|options| options.raw.as_ref())
        .and_then(|raw| raw.language.as_deref());
    match language {
        Some("json") => RawLanguage::Json,
        Some("xml") => RawLanguage::Xml,
        Some("html") => RawLanguage::Html,
        Some("javascript") => RawLanguage::Javascript,
        _ => RawLanguage::Text,
    }
}

/// A URL from its parts, for files that leave out `raw`.
fn compose_url(url: &schema::Url, params: &[KeyValue]) -> String {
    let mut text = String::new();
    if let Some(protocol) = &url.protocol {
        text.push_str(protocol);
        text.push_str("://");
    }
    if let Some(host) = &url.host {
        text.push_str(&host.joined("."));
    }
    if let Some(port) = url.port.as_ref().filter(|port| !port.0.is_empty()) {
        text.push(':');
        text.push_str(&port.0);
    }
    if let Some(path) = &url.path {
        let path = path.joined("/");
        if !path.starts_with('/') {
            text.push('/');
        }
        text.push_str(&path);
    }
    if let Some(hash) = &url.hash {
        text.push('#');
        text.push_str(hash);
    }
    url_with_params(&text, params)
}
