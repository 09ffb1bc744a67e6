//! `/api/v1/support/requests`: Submit a request (stored, and mailed to the
//! configured `support_email`) and the account's own requests with their status.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use courier_proto::{
    ErrorBody, FieldError, NewSupportRequest, SupportCategory, SupportRequest, SupportStatus,
};

use super::auth::Authenticated;
use super::error::ApiError;
use super::json::ApiJson;
use crate::platform::crypto::new_id;
use crate::platform::mail::Mail;
use crate::platform::ratelimit::Rule;
use crate::state::AppState;
use courier_store::SupportRecord;

pub const MAX_SUBJECT_CHARS: usize = 150;
pub const MAX_DESCRIPTION_CHARS: usize = 5000;

fn rule(state: &AppState) -> Rule {
    Rule {
        name: "support",
        max: state.settings.rate_limits.support_per_account_per_hour,
        window: 3600,
    }
}

fn category_name(category: SupportCategory) -> &'static str {
    match category {
        SupportCategory::Account => "account",
        SupportCategory::Billing => "billing",
        SupportCategory::Bug => "bug",
        SupportCategory::FeatureRequest => "feature_request",
        SupportCategory::Other => "other",
    }
}

fn status_name(status: SupportStatus) -> &'static str {
    match status {
        SupportStatus::Open => "open",
        SupportStatus::Answered => "answered",
        SupportStatus::Closed => "closed",
    }
}

/// A stored request as the API shows it; a value this version does not know reads
/// as `other` / `open` rather than failing the whole list.
fn view(record: SupportRecord) -> SupportRequest {
    let category = [
        SupportCategory::Account,
        SupportCategory::Billing,
        SupportCategory::Bug,
        SupportCategory::FeatureRequest,
        SupportCategory::Other,
    ]
    .into_iter()
    .find(|category| category_name(*category) == record.category)
    .unwrap_or(SupportCategory::Other);
    let status = [
        SupportStatus::Open,
        SupportStatus::Answered,
        SupportStatus::Closed,
    ]
    .into_iter()
    .find(|status| status_name(*status) == record.status)
    .unwrap_or(SupportStatus::Open);
    SupportRequest {
        id: record.id,
        category,
        subject: record.subject,
        description: record.description,
        status,
        created_at: record.created_at,
        updated_at: record.updated_at,
    }
}

fn check(request: &NewSupportRequest) -> Result<(String, String), ApiError> {
    let subject = request.subject.trim();
    let description = request.description.trim();
    let mut fields = Vec::new();
    let subject_chars = subject.chars().count();
    if subject_chars == 0 {
        fields.push(("subject", "Enter a subject.".to_owned()));
    } else if subject_chars > MAX_SUBJECT_CHARS {
        fields.push((
            "subject",
            format!("Use at most {MAX_SUBJECT_CHARS} characters."),
        ));
    } else if subject.chars().any(char::is_control) {
        fields.push(("subject", "Use a single line of text.".to_owned()));
    }
    let description_chars = description.chars().count();
    if description_chars == 0 {
        fields.push(("description", "Describe what you need.".to_owned()));
    } else if description_chars > MAX_DESCRIPTION_CHARS {
        fields.push((
            "description",
            format!("Use at most {MAX_DESCRIPTION_CHARS} characters."),
        ));
    }
    if fields.is_empty() {
        Ok((subject.to_owned(), description.to_owned()))
    } else {
        Err(ApiError::invalid_fields(
            fields
                .into_iter()
                .map(|(field, message)| FieldError {
                    field: field.to_owned(),
                    message,
                })
                .collect(),
        ))
    }
}

/// Submits a request; the support team gets it by mail.
#[utoipa::path(
    post,
    path = "/api/v1/support/requests",
    tag = "support",
    security(("bearer" = [])),
    request_body = NewSupportRequest,
    responses(
        (status = 201, description = "The stored request (status `open`)", body = SupportRequest),
        (status = 400, description = "A field was refused (see `fields`)", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 429, description = "Too many requests; see `Retry-After`", body = ErrorBody),
    )
)]
pub async fn submit(
    auth: Authenticated,
    State(state): State<AppState>,
    ApiJson(request): ApiJson<NewSupportRequest>,
) -> Result<(StatusCode, Json<SupportRequest>), ApiError> {
    let (subject, description) = check(&request)?;
    state
        .limiter
        .hit(rule(&state), &auth.user.id)
        .map_err(|retry| ApiError::too_many_requests(retry.0))?;
    let now = state.clock.now();
    let record = SupportRecord {
        id: new_id(),
        user_id: auth.user.id.clone(),
        category: category_name(request.category).to_owned(),
        subject,
        description,
        status: status_name(SupportStatus::Open).to_owned(),
        created_at: now,
        updated_at: now,
    };
    state.store.insert_support_request(&record).await?;
    state
        .mailer
        .send(Mail {
            to: state.settings.support_email.clone(),
            subject: format!("[Courier support] {}: {}", record.category, record.subject),
            body: format!(
                "Request: {id}\nFrom: {username} <{email}> (account {user_id})\n\
             Category: {category}\nSubject: {subject}\n\n{description}\n",
                id = record.id,
                username = auth.user.username,
                email = auth.user.email,
                user_id = auth.user.id,
                category = record.category,
                subject = record.subject,
                description = record.description,
            ),
            links: Vec::new(),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view(record))))
}

/// The account's own requests, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/support/requests",
    tag = "support",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account's requests, newest first", body = [SupportRequest]),
        (status = 401, description = "No valid access token", body = ErrorBody),
    )
)]
pub async fn list(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<Vec<SupportRequest>>, ApiError> {
    let records = state.store.support_requests(&auth.user.id).await?;
    Ok(Json(records.into_iter().map(view).collect()))
}
