//! Files in and out of the work area, for the sidebar's Import and Export: the file is
//! read and written here (the webview only names the path the person chose), the kind
//! of file is told from its contents (a Courier file, a Postman v2.1 collection or a
//! Postman environment), and a file that cannot be imported is refused whole with the
//! place of the problem. A pasted curl command becomes a new request the same way.

use std::path::Path;

use courier_workspace::db::{self, Place};
use courier_workspace::import::{ExportOptions, ImportError, ImportWarning};
use courier_workspace::model::Request;
use courier_workspace::{courier_format, curl, postman};
use serde::{Deserialize, Serialize};

use super::work::Work;
use crate::error::Result;

/// Files larger than this are refused before reading (a Postman collection of 10,000
/// requests is about 10 MB).
const LARGEST_IMPORT: u64 = 64 * 1024 * 1024;

/// What an import made: "Imported X: N requests (M warnings)".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ImportSummary {
    pub kind: ImportedKind,
    /// The new collection's or environment's id.
    pub id: String,
    pub name: String,
    /// Requests in the new collection (0 for an environment).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub requests: usize,
    pub warnings: Vec<ImportWarning>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ImportedKind {
    Collection,
    Environment,
}

/// The file format of an exported collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Postman Collection Format v2.1.
    Postman,
    /// Courier's own file, which loses nothing.
    Courier,
}

/// The kinds of file an import reads, told apart by their top-level keys.
enum FileKind {
    Courier,
    PostmanCollection,
    PostmanEnvironment,
}

impl Work {
    /// Imports the file at `path` into workspace `workspace_id`: a collection (Courier
    /// or Postman v2.1) or a Postman environment. Nothing is stored when it is refused.
    pub async fn import_file(&self, workspace_id: &str, path: &Path) -> Result<ImportSummary> {
        let text = read_import(path).await?;
        let now = now_ms();
        match file_kind(&text)? {
            FileKind::PostmanEnvironment => {
                let imported =
                    postman::import_environment(&text, workspace_id, now).map_err(refused)?;
                let environment = imported.value;
                let stored = self
                    .db()
                    .create_environment(workspace_id, &environment.name, &environment.variables)
                    .await?;
                Ok(ImportSummary {
                    kind: ImportedKind::Environment,
                    id: stored.meta.id,
                    name: stored.name,
                    requests: 0,
                    warnings: imported.warnings,
                })
            }
            kind => {
                let imported = match kind {
                    FileKind::Courier => {
                        courier_format::import_collection(&text, workspace_id, now)
                    }
                    _ => postman::import_collection(&text, workspace_id, now),
                }
                .map_err(refused)?;
                let tree = imported.value;
                let stored = self.db().add_collection_tree(workspace_id, &tree).await?;
                Ok(ImportSummary {
                    kind: ImportedKind::Collection,
                    id: stored.meta.id,
                    name: stored.name,
                    requests: tree.requests.len(),
                    warnings: imported.warnings,
                })
            }
        }
    }

    /// Writes collection `collection_id` to `path` as `format`. Secret values are
    /// written empty unless `include_secrets`.
    pub async fn export_collection(
        &self,
        collection_id: &str,
        path: &Path,
        format: ExportFormat,
        include_secrets: bool,
    ) -> Result<()> {
        let tree = self.db().collection_tree(collection_id).await?;
        let options = ExportOptions { include_secrets };
        let text = match format {
            ExportFormat::Postman => postman::export_collection(&tree, options),
            ExportFormat::Courier => courier_format::export_collection(&tree, options),
        };
        tokio::fs::write(path, text)
            .await
            .map_err(|error| local_file(path, &error))
    }

    /// A new request at `place` from a pasted curl command.
    pub async fn request_from_curl(&self, place: &Place, command: &str) -> Result<Request> {
        let read = curl::from_curl(command).map_err(refused)?;
        let name = curl_name(&read.spec.method, &read.spec.url);
        Ok(self.db().create_request(place, &name, &read.spec).await?)
    }
}

/// "GET example.com/users": the method and the URL without its scheme and query.
fn curl_name(method: &str, url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let name: String = format!("{method} {rest}").chars().take(120).collect();
    name
}

async fn read_import(path: &Path) -> Result<String> {
    let size = tokio::fs::metadata(path)
        .await
        .map_err(|error| local_file(path, &error))?
        .len();
    if size > LARGEST_IMPORT {
        return Err(db::Error::Invalid(format!(
            "{} is {} MB; files over {} MB are not imported",
            path.display(),
            size / (1024 * 1024),
            LARGEST_IMPORT / (1024 * 1024)
        ))
        .into());
    }
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|error| local_file(path, &error))?;
    String::from_utf8(bytes).map_err(|_| {
        db::Error::Invalid(format!("{} is not a text (UTF-8) file", path.display())).into()
    })
}

/// Which importer reads `text`: only its top-level keys are looked at, so the
/// importer itself reports any problem at its place.
fn file_kind(text: &str) -> Result<FileKind> {
    #[derive(Deserialize)]
    struct Keys {
        courier: Option<serde::de::IgnoredAny>,
        info: Option<serde::de::IgnoredAny>,
        values: Option<serde::de::IgnoredAny>,
    }
    let keys: Keys = serde_json::from_str(text)
        .map_err(|error| not_imported(&format!("not a JSON file: {error}")))?;
    match keys {
        Keys {
            courier: Some(_), ..
        } => Ok(FileKind::Courier),
        Keys { info: Some(_), .. } => Ok(FileKind::PostmanCollection),
        Keys {
            values: Some(_), ..
        } => Ok(FileKind::PostmanEnvironment),
        _ => Err(not_imported(
            "not a Postman v2.1 collection, a Postman environment or a Courier file",
        )),
    }
}

/// An import refused, with its place in the message ("item[2].request.url: …").
fn refused(error: ImportError) -> crate::error::Error {
    not_imported(&error.to_string())
}

fn not_imported(reason: &str) -> crate::error::Error {
    db::Error::Invalid(format!("nothing was imported: {reason}")).into()
}

fn local_file(path: &Path, error: &std::io::Error) -> crate::error::Error {
    crate::error::Error::LocalData {
        path: path.display().to_string(),
        reason: error.to_string(),
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|since| since.as_millis() as i64)
        .unwrap_or_default()
}
