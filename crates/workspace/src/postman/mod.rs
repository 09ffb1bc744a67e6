//! Postman's formats in and out: Collection Format v2.1 (and v2.0 on the way in) and
//! environment files. See [`import_collection`] and [`export_collection`].
//!
//! A broken or foreign file is refused whole with an [`ImportError`] naming the
//! place (`item[2].request.url: invalid type: integer `5`, expected a string or an
//! object at line 40 column 19`); what Courier cannot represent comes with
//! [`ImportWarning`](crate::import::ImportWarning)s. An exported collection imported
//! again gives the same collection (the tests check this on every fixture).

mod read;
mod schema;
mod write;

pub use read::{import_collection, import_environment};
pub use write::{export_collection, export_environment};

use crate::import::ImportError;

/// `error`, with a hint when `json` is the other kind of Postman file (one with
/// `other_key`: an environment has `values`, a collection `info`).
fn hint(error: ImportError, json: &str, other_key: &str, other_kind: &str) -> ImportError {
    if !error.place.is_empty() {
        return error;
    }
    let is_other = serde_json::from_str::<serde_json::Value>(json)
        .is_ok_and(|value| value.get(other_key).is_some());
    if !is_other {
        return error;
    }
    ImportError {
        message: format!("{}: this is {other_kind} file", error.message),
        ..error
    }
}
