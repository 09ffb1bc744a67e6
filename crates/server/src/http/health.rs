//! Liveness and readiness, for a load balancer or an orchestrator. `/health` answers
//! while the process serves at all; `/ready` only while the database answers too, so
//! a balancer stops sending sign-ins to an instance that cannot keep them.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;

use crate::state::AppState;

/// How long readiness waits for the database before calling the instance not ready.
const DATABASE_DEADLINE: Duration = Duration::from_secs(2);

/// `GET /health`: the process is up.
pub async fn health() -> &'static str {
    "ok"
}

/// `GET /ready`: 200 when the database answers within [`DATABASE_DEADLINE`], 503 if
/// not (the reason goes to the log, not to the caller).
pub async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(DATABASE_DEADLINE, state.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready: the database refused a query");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the database does not answer",
            )
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer in time");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the database does not answer",
            )
        }
    }
}
