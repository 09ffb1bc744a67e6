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
use crate::error::{Error, Result};

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
            .map_err(|error| Error::file(path, &error))
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
        .map_err(|error| Error::file(path, &error))?
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
        .map_err(|error| Error::file(path, &error))?;
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
fn refused(error: ImportError) -> Error {
    not_imported(&error.to_string())
}

fn not_imported(reason: &str) -> Error {
    db::Error::Invalid(format!("nothing was imported: {reason}")).into()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|since| since.as_millis() as i64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use courier_workspace::seal::{MemoryKeyStore, Secrets};

    use super::*;
    use crate::app::work::DATABASE_FILE;

    const SHOP: &str =
        include_str!("../../../workspace/tests/fixtures/postman/shop.postman_collection.json");

    async fn work(dir: &Path) -> (Work, String) {
        let secrets = Secrets::from_key_store(&MemoryKeyStore::default()).unwrap();
        let work = Work::open(&dir.join(DATABASE_FILE), secrets).await.unwrap();
        let pad = work.db().scratch_pad().await.unwrap().meta.id;
        (work, pad)
    }

    #[tokio::test]
    async fn a_postman_file_is_imported_exported_and_imported_again_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let (work, pad) = work(dir.path()).await;
        let file = dir.path().join("shop.json");
        std::fs::write(&file, SHOP).unwrap();

        let first = work.import_file(&pad, &file).await.unwrap();
        assert_eq!(first.kind, ImportedKind::Collection);
        assert!(first.requests > 0);

        let exported = dir.path().join("out.json");
        for format in [ExportFormat::Postman, ExportFormat::Courier] {
            work.export_collection(&first.id, &exported, format, false)
                .await
                .unwrap();
            let again = work.import_file(&pad, &exported).await.unwrap();
            assert_eq!((again.requests, &again.name), (first.requests, &first.name));
            let roundtrip = dir.path().join("again.json");
            work.export_collection(&again.id, &roundtrip, format, false)
                .await
                .unwrap();
            let ids =
                |path: &Path, id: &str| std::fs::read_to_string(path).unwrap().replace(id, "ID");
            let (before, after) = (ids(&exported, &first.id), ids(&roundtrip, &again.id));
            if format == ExportFormat::Postman {
                assert_eq!(before, after, "{format:?}");
            } else {
                // Courier files carry every id: compare them without ids and times.
                let strip = |text: &str| -> serde_json::Value {
                    let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
                    scrub(&mut value);
                    value
                };
                assert_eq!(strip(&before), strip(&after));
            }
        }
    }

    /// `value` without the fields every import mints afresh.
    fn scrub(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for key in [
                    "id",
                    "collection_id",
                    "folder_id",
                    "parent_id",
                    "workspace_id",
                ] {
                    if map.get(key).is_some_and(|v| !v.is_null()) {
                        map.insert(key.into(), "ID".into());
                    }
                }
                map.remove("meta");
                map.values_mut().for_each(scrub);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(scrub),
            _ => {}
        }
    }

    #[tokio::test]
    async fn a_broken_file_is_refused_with_its_place_and_nothing_is_imported() {
        let dir = tempfile::tempdir().unwrap();
        let (work, pad) = work(dir.path()).await;
        let file = dir.path().join("broken.json");
        let broken = r#"{"info": {"name": "X", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [{"name": "a", "request": {"url": 42, "method": []}}]}"#;
        std::fs::write(&file, broken).unwrap();
        let error = work.import_file(&pad, &file).await.unwrap_err();
        assert_eq!(error.kind(), "invalid");
        assert!(error.to_string().contains("item[0].request"), "{error}");
        std::fs::write(&file, "[1, 2]").unwrap();
        let error = work.import_file(&pad, &file).await.unwrap_err();
        assert!(
            error.to_string().contains("nothing was imported"),
            "{error}"
        );
        let missing = work
            .import_file(&pad, &dir.path().join("missing.json"))
            .await
            .unwrap_err();
        assert_eq!(missing.kind(), "file");
        assert!(work.db().tree(&pad).await.unwrap().collections.is_empty());
    }

    #[tokio::test]
    async fn a_postman_environment_and_a_curl_command_come_in() {
        let dir = tempfile::tempdir().unwrap();
        let (work, pad) = work(dir.path()).await;
        let file = dir.path().join("env.json");
        let environment = r#"{"name": "Staging", "values": [{"key": "base", "value": "https://staging", "enabled": true}, {"key": "token", "value": "t0k", "type": "secret", "enabled": true}]}"#;
        std::fs::write(&file, environment).unwrap();
        let summary = work.import_file(&pad, &file).await.unwrap();
        assert_eq!(
            (summary.kind, summary.name.as_str()),
            (ImportedKind::Environment, "Staging")
        );
        let stored = work.db().environment(&summary.id).await.unwrap();
        assert!(stored.variables[1].secret);

        let collection = work.db().create_collection(&pad, "API").await.unwrap();
        let place = Place::end(&collection.meta.id, None);
        let request = work
            .request_from_curl(
                &place,
                "curl -X POST 'https://api.example.com/users?page=2' -d '{}'",
            )
            .await
            .unwrap();
        assert_eq!(request.name, "POST api.example.com/users");
        assert_eq!(request.spec.method, "POST");
        let refused = work.request_from_curl(&place, "wget x").await.unwrap_err();
        assert!(
            refused.to_string().contains("not a curl command"),
            "{refused}"
        );
    }
}
