//! The History's record of a send, with secrets masked before it is stored.

use super::{PreparedRequest, Response, SendError};
use crate::model::HistoryEntry;
use crate::resolve::Resolver;

/// What the sender does not know about a history entry.
#[derive(Debug, Clone)]
pub struct HistoryContext {
    pub id: String,
    pub workspace_id: String,
    /// The saved request it was sent from, if any.
    pub request_id: Option<String>,
    /// Unix milliseconds.
    pub sent_at: i64,
}

/// The history entry for sending `request`: its masked URL, and the status, time and
/// size of the response or the error (masked too: an error may quote the URL).
pub fn history_entry(
    context: HistoryContext,
    request: &PreparedRequest,
    outcome: &Result<Response, SendError>,
    resolver: &Resolver,
) -> HistoryEntry {
    let (status, duration_ms, size, error) = match outcome {
        Ok(response) => (
            Some(response.status),
            response.total_ms.ceil() as u64,
            response.body_size,
            None,
        ),
        Err(error) => {
            let waited = match error {
                SendError::Timeout { after_ms } => *after_ms,
                _ => 0,
            };
            (None, waited, 0, Some(resolver.mask(&error.to_string())))
        }
    };
    HistoryEntry {
        id: context.id,
        workspace_id: context.workspace_id,
        request_id: context.request_id,
        sent_at: context.sent_at,
        method: request.method.clone(),
        url: request.masked_url.clone(),
        status,
        duration_ms,
        size,
        error,
    }
}
