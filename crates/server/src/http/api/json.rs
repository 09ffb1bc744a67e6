//! [`ApiJson`]: a JSON request body whose failures (not JSON, wrong shape, unknown
//! field, too large, wrong content type) are answered as the API's own
//! `{kind: "invalid_input" | "payload_too_large", message}` errors instead of axum's
//! plain-text rejections. Every JSON handler takes its body through it.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use courier_proto::ErrorKind;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A JSON body of type `T`; put it after [`super::auth::Authenticated`] so the
/// caller is authenticated before the body is read.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(request, state)
            .await
            .map_err(|rejection| rejection_error(&rejection))?;
        // Every body of this API is an object; serde would also take a struct written
        // as an array of its fields (`[null, null]`), which no client means.
        if !value.is_object() {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorKind::InvalidInput,
                "The request body must be a JSON object.",
            ));
        }
        // With the path of the field that did not fit ("category: unknown variant …").
        serde_path_to_error::deserialize(value)
            .map(Self)
            .map_err(|error| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorKind::InvalidInput,
                    format!("The request body does not fit: {error}"),
                )
            })
    }
}

/// What went wrong with the body, in words a client developer can act on. The
/// details come from serde (a field path, a type, a position), never from the server.
fn rejection_error(rejection: &JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonDataError(error) => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorKind::InvalidInput,
            format!(
                "The request body does not fit: {}",
                serde_detail(&error.body_text())
            ),
        ),
        JsonRejection::JsonSyntaxError(error) => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorKind::InvalidInput,
            format!(
                "The request body is not valid JSON: {}",
                serde_detail(&error.body_text())
            ),
        ),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorKind::InvalidInput,
            "Send the request body as JSON (Content-Type: application/json).",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => payload_too_large(),
        _ => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorKind::InvalidInput,
            "The request body could not be read.",
        ),
    }
}

/// The 413 answer for a body over the route's limit.
pub fn payload_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::PayloadTooLarge,
        "The request body is too large.",
    )
}

/// axum's text is "Failed to …: <serde's own message>"; keep serde's part.
fn serde_detail(text: &str) -> &str {
    text.split_once(": ").map_or(text, |(_, detail)| detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn parse(body: &str) -> Result<ApiJson<courier_proto::ProfileUpdate>, ApiError> {
        let request = Request::builder()
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.to_owned()))
            .map_err(|_| ApiError::internal())?;
        ApiJson::from_request(request, &()).await
    }

    #[tokio::test]
    async fn only_an_object_is_a_body() {
        assert!(parse(r#"{"name": "Ada"}"#).await.is_ok());
        for body in ["[null, null]", "[]", "null", "\"Ada\"", "1"] {
            let error = parse(body).await.err().map(|error| error.body.kind);
            assert_eq!(error, Some(ErrorKind::InvalidInput), "{body}");
        }
        let unknown = parse(r#"{"nickname": "Ada"}"#).await.err();
        assert!(unknown.is_some_and(|error| error.body.message.contains("nickname")));
    }

    #[test]
    fn keeps_serde_s_message() {
        assert_eq!(
            serde_detail(
                "Failed to deserialize the JSON body into the target type: missing field `x`"
            ),
            "missing field `x`"
        );
        assert_eq!(serde_detail("plain"), "plain");
    }
}
