//! What every importer shares: errors that name the place in the file ("item[2].
//! request.url: …") and import nothing, warnings for what came in changed or
//! could not come in at all, fresh ids, and the export options.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::model::{CollectionTree, Meta};

/// A file that cannot be imported, and where in it the problem is. Nothing from it
/// was imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", if place.is_empty() { String::new() } else { format!("{place}: ") })]
pub struct ImportError {
    /// A path such as `item[2].request.url` (JSON) or `argument 3` (curl); empty when
    /// the problem is the file as a whole.
    pub place: String,
    pub message: String,
}

impl ImportError {
    pub(crate) fn new(place: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            place: place.into(),
            message: message.into(),
        }
    }
}

/// Something imported differently from the original, or left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ImportWarning {
    /// Where in the file, as in [`ImportError::place`].
    pub place: String,
    pub message: String,
}

/// What an import made, and the warnings the person should see about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported<T> {
    pub value: T,
    pub warnings: Vec<ImportWarning>,
}

/// A collection with fresh ids, ready for the database to store.
pub type ImportedCollection = Imported<CollectionTree>;

/// How an export treats what it writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Write the values of secret variables. Off: they are written empty, with their
    /// names, so whoever imports the file knows what to fill in.
    pub include_secrets: bool,
}

/// `json` read as `T`; a problem is reported at its path (`item[2].request.url`) with
/// serde's message and the line and column.
pub(crate) fn decode<T: DeserializeOwned>(json: &str) -> Result<T, ImportError> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let place = error.path().to_string();
        let place = if place == "." { String::new() } else { place };
        ImportError::new(place, error.into_inner().to_string())
    })?;
    deserializer
        .end()
        .map_err(|error| ImportError::new("", error.to_string()))?;
    Ok(value)
}

/// Meta for an entity made now by an import: a new UUID, revision 1.
pub(crate) fn fresh_meta(now_ms: i64) -> Meta {
    Meta {
        id: uuid::Uuid::new_v4().to_string(),
        revision: 1,
        created_at: now_ms,
        updated_at: now_ms,
    }
}

/// Collects warnings while an importer walks a file.
#[derive(Debug, Default)]
pub(crate) struct Warnings(pub Vec<ImportWarning>);

impl Warnings {
    pub fn add(&mut self, place: &str, message: impl Into<String>) {
        self.0.push(ImportWarning {
            place: place.to_owned(),
            message: message.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    #[test]
    fn a_decoding_error_names_its_path_and_line() {
        let error = decode::<Outer>("{\"items\": [{\"count\": 1},\n {\"count\": \"x\"}]}")
            .expect_err("bad count");
        assert_eq!(error.place, "items[1].count");
        assert!(error.message.contains("line 2"), "{error}");
        assert!(
            error
                .to_string()
                .starts_with("items[1].count: invalid type"),
            "{error}"
        );

        let trailing = decode::<Outer>("{\"items\": []} extra").expect_err("trailing");
        assert_eq!(trailing.place, "");
        assert!(
            trailing.to_string().starts_with("trailing characters"),
            "{trailing}"
        );
    }
}
