//! `/api/v1/billing/…` and `/api/v1/teams/{id}/billing…`: the plan catalog, a team's
//! billing dashboard, Edit Plan's preview and confirmation, the card on file, the
//! billing email, invoices (JSON, HTML and PDF), and the payment provider's webhook.
//! Who may do what is the `billing` domain's call: a non-member gets 404, a member who
//! is neither admin nor billing manager 403.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use courier_proto::{
    BillingEmailChange, BillingOverview, CardChange, ErrorBody, ErrorKind, FieldError,
    InvoiceDetail, InvoicePage, PlanChangeConfirmation, PlanChangeOutcome, PlanChangePreview,
    PlanChangeRequest, PlanOffer,
};
use serde::Serialize;

use super::auth::Authenticated;
use super::error::ApiError;
use super::json::ApiJson;
use super::teams::MAX_ID_LEN;
use crate::billing::payments::{Received, WebhookError};
use crate::billing::views::DocumentFormat;
use crate::billing::{self, BillingError, changes, views};
use crate::state::AppState;
use crate::teams::Access;

/// The header the provider signs its deliveries in: `t=…,v1=…`.
pub const SIGNATURE_HEADER: &str = "courier-signature";
/// Invoices per page of `GET …/billing/invoices`.
const INVOICES_PER_PAGE: u32 = 24;

impl From<BillingError> for ApiError {
    fn from(error: BillingError) -> Self {
        match error {
            BillingError::NotFound => ApiError::not_found(),
            BillingError::BillingRoleOnly => ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorKind::Forbidden,
                error.to_string(),
            ),
            BillingError::Invalid(field, message) => ApiError::invalid_field(&field, message),
            BillingError::Conflict(message) => ApiError::conflict(message),
            BillingError::PaymentFailed(message) => {
                let mut answer = ApiError::new(
                    StatusCode::PAYMENT_REQUIRED,
                    ErrorKind::PaymentFailed,
                    &message,
                );
                answer.body.fields = vec![FieldError {
                    field: "card".to_owned(),
                    message,
                }];
                answer
            }
            BillingError::PlanLimit(message) => {
                ApiError::new(StatusCode::FORBIDDEN, ErrorKind::PlanLimit, message)
            }
            BillingError::Internal(error) => error.into(),
        }
    }
}

/// The caller's billing access to `team_id`.
async fn access(state: &AppState, auth: &Authenticated, team_id: &str) -> Result<Access, ApiError> {
    if team_id.len() > MAX_ID_LEN {
        return Err(ApiError::not_found());
    }
    Ok(billing::billing_access(&*state.store, team_id, &auth.user.id).await?)
}

/// Every plan with its prices per seat and what it allows.
#[utoipa::path(
    get,
    path = "/api/v1/billing/plans",
    tag = "billing",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The plans, cheapest first", body = [PlanOffer]),
        (status = 401, description = "No valid access token", body = ErrorBody),
    )
)]
pub async fn plans(_auth: Authenticated) -> Json<Vec<PlanOffer>> {
    Json(billing::plans())
}

/// The team's billing dashboard (admins and billing managers).
#[utoipa::path(
    get,
    path = "/api/v1/teams/{id}/billing",
    tag = "billing",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    responses(
        (status = 200, description = "Plan, seats, next invoice, card, invoices", body = BillingOverview),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only admins and billing managers see billing", body = ErrorBody),
        (status = 404, description = "No such team, or the caller is not in it", body = ErrorBody),
    )
)]
pub async fn overview(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<BillingOverview>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    let deps = billing::Deps::from(&state);
    Ok(Json(billing::overview(&deps, &access).await?))
}

/// What changing to a plan would charge now (Edit Plan's and Upgrade's preview).
#[utoipa::path(
    post,
    path = "/api/v1/teams/{id}/billing/preview",
    tag = "billing",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    request_body = PlanChangeRequest,
    responses(
        (status = 200, description = "The exact charge or credit, and when it takes effect", body = PlanChangePreview),
        (status = 400, description = "A field was refused (see `fields`)", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only admins and billing managers change billing", body = ErrorBody),
        (status = 404, description = "No such team, or the caller is not in it", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
    )
)]
pub async fn preview(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<PlanChangeRequest>,
) -> Result<Json<PlanChangePreview>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    let deps = billing::Deps::from(&state);
    Ok(Json(changes::preview(&deps, &access, request.plan).await?))
}

/// Confirms a previewed change: charges exactly the previewed total (with the card
/// given, or the one on file), or refuses.
#[utoipa::path(
    post,
    path = "/api/v1/teams/{id}/billing/plan",
    tag = "billing",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    request_body = PlanChangeConfirmation,
    responses(
        (status = 200, description = "How the payment went, the invoice, and the dashboard now", body = PlanChangeOutcome),
        (status = 400, description = "A field was refused (see `fields`)", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 402, description = "The card was refused; nothing changed", body = ErrorBody),
        (status = 403, description = "Only admins and billing managers change billing", body = ErrorBody),
        (status = 404, description = "No such team, or the caller is not in it", body = ErrorBody),
        (status = 409, description = "The preview no longer holds, or a payment awaits confirmation", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
    )
)]
pub async fn change_plan(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(confirmation): ApiJson<PlanChangeConfirmation>,
) -> Result<Json<PlanChangeOutcome>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    let deps = billing::Deps::from(&state);
    Ok(Json(
        changes::confirm(&deps, &access, &auth.user, confirmation).await?,
    ))
}

/// Puts a new card on file (and pays a past-due invoice with it).
#[utoipa::path(
    put,
    path = "/api/v1/teams/{id}/billing/card",
    tag = "billing",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    request_body = CardChange,
    responses(
        (status = 200, description = "The dashboard with the new card", body = BillingOverview),
        (status = 400, description = "The card was refused (see `fields`)", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only admins and billing managers change billing", body = ErrorBody),
        (status = 404, description = "No such team, or the caller is not in it", body = ErrorBody),
        (status = 409, description = "Billing changed at the same time", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
    )
)]
pub async fn replace_card(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<CardChange>,
) -> Result<Json<BillingOverview>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    let deps = billing::Deps::from(&state);
    Ok(Json(
        changes::replace_card(&deps, &access, &auth.user, &change.card).await?,
    ))
}

/// Where invoices and payment mails go.
#[utoipa::path(
    put,
    path = "/api/v1/teams/{id}/billing/email",
    tag = "billing",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    request_body = BillingEmailChange,
    responses(
        (status = 200, description = "The dashboard with the new billing email", body = BillingOverview),
        (status = 400, description = "The address was refused (see `fields`)", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only admins and billing managers change billing", body = ErrorBody),
        (status = 404, description = "No such team, or the caller is not in it", body = ErrorBody),
        (status = 409, description = "Billing changed at the same time", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
    )
)]
pub async fn billing_email(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<BillingEmailChange>,
) -> Result<Json<BillingOverview>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    let deps = billing::Deps::from(&state);
    Ok(Json(
        changes::set_billing_email(&deps, &access, &change.billing_email).await?,
    ))
}

/// The team's invoices, newest first, a page at a time (`?before=` the last one seen).
#[utoipa::path(
    get,
    path = "/api/v1/teams/{id}/billing/invoices",
    tag = "billing",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The team's id"),
        ("before" = Option<String>, Query, description = "An invoice id: list those older than it"),
    ),
    responses(
        (status = 200, description = "A page of invoices", body = InvoicePage),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only admins and billing managers see billing", body = ErrorBody),
        (status = 404, description = "No such team, or the caller is not in it", body = ErrorBody),
    )
)]
pub async fn invoices(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<InvoicePage>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    let before: Option<String> = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "before")
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty() && value.len() <= MAX_ID_LEN);
    let records = state
        .store
        .invoices(&access.team.id, before.as_deref(), INVOICES_PER_PAGE + 1)
        .await
        .map_err(crate::error::Error::from)?;
    let more = records.len() > INVOICES_PER_PAGE as usize;
    let invoices: Vec<_> = records
        .iter()
        .take(INVOICES_PER_PAGE as usize)
        .map(views::summary)
        .collect();
    let next = more
        .then(|| invoices.last().map(|invoice| invoice.id.clone()))
        .flatten();
    Ok(Json(InvoicePage { invoices, next }))
}

/// One invoice, whole.
#[utoipa::path(
    get,
    path = "/api/v1/teams/{id}/billing/invoices/{invoice_id}",
    tag = "billing",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The team's id"),
        ("invoice_id" = String, Path, description = "The invoice's id"),
    ),
    responses(
        (status = 200, description = "The invoice with its lines", body = InvoiceDetail),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only admins and billing managers see billing", body = ErrorBody),
        (status = 404, description = "No such team or invoice", body = ErrorBody),
    )
)]
pub async fn invoice(
    auth: Authenticated,
    State(state): State<AppState>,
    Path((id, invoice_id)): Path<(String, String)>,
) -> Result<Json<InvoiceDetail>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    let deps = billing::Deps::from(&state);
    Ok(Json(
        views::invoice_detail(&deps, &access, &invoice_id).await?.0,
    ))
}

/// One invoice as a printable HTML page.
#[utoipa::path(
    get,
    path = "/api/v1/teams/{id}/billing/invoices/{invoice_id}/invoice.html",
    tag = "billing",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The team's id"),
        ("invoice_id" = String, Path, description = "The invoice's id"),
    ),
    responses(
        (status = 200, description = "The invoice as HTML", content_type = "text/html"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only admins and billing managers see billing", body = ErrorBody),
        (status = 404, description = "No such team or invoice", body = ErrorBody),
    )
)]
pub async fn invoice_as_html(
    auth: Authenticated,
    State(state): State<AppState>,
    Path((id, invoice_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    document(&state, &auth, &id, &invoice_id, DocumentFormat::Html).await
}

/// One invoice as a PDF file.
#[utoipa::path(
    get,
    path = "/api/v1/teams/{id}/billing/invoices/{invoice_id}/invoice.pdf",
    tag = "billing",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The team's id"),
        ("invoice_id" = String, Path, description = "The invoice's id"),
    ),
    responses(
        (status = 200, description = "The invoice as PDF", content_type = "application/pdf"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only admins and billing managers see billing", body = ErrorBody),
        (status = 404, description = "No such team or invoice", body = ErrorBody),
    )
)]
pub async fn invoice_as_pdf(
    auth: Authenticated,
    State(state): State<AppState>,
    Path((id, invoice_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    document(&state, &auth, &id, &invoice_id, DocumentFormat::Pdf).await
}

async fn document(
    state: &AppState,
    auth: &Authenticated,
    team_id: &str,
    invoice_id: &str,
    format: DocumentFormat,
) -> Result<Response, ApiError> {
    let access = access(state, auth, team_id).await?;
    let deps = billing::Deps::from(state);
    Ok(views::invoice_document(&deps, &access, invoice_id, format)
        .await?
        .into_response())
}

/// What an invoice document may load: its own inline styles, nothing else (no scripts,
/// no requests, no forms, never framed). Its text is escaped user input.
const DOCUMENT_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// An invoice's document, shown in place under its own file name (here and on the
/// billing page).
impl IntoResponse for views::InvoiceDocument {
    fn into_response(self) -> Response {
        let disposition =
            HeaderValue::from_str(&format!("inline; filename=\"{}\"", self.file_name))
                .unwrap_or(HeaderValue::from_static("inline"));
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(self.content_type),
                ),
                (header::CONTENT_DISPOSITION, disposition),
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(DOCUMENT_POLICY),
                ),
            ],
            self.body,
        )
            .into_response()
    }
}

/// What the webhook answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookReceipt {
    /// `applied`, `nothing_to_do` or `duplicate` (received before: not applied again).
    status: &'static str,
}

/// The payment provider's events (signed `Courier-Signature: t=…,v1=…`, HMAC-SHA256
/// over `t.body`, at most five minutes old, each event id taken once).
#[utoipa::path(
    post,
    path = "/api/v1/billing/webhook",
    tag = "billing",
    request_body(content = String, content_type = "application/json"),
    responses(
        (status = 200, description = "Taken (or received before)", body = WebhookReceipt),
        (status = 400, description = "Not signed with the shared secret, too old, or unreadable", body = ErrorBody),
    )
)]
pub async fn webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<WebhookReceipt>, ApiError> {
    let refused =
        |message: &str| ApiError::new(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, message);
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| refused("the Courier-Signature header is missing"))?;
    let payload = std::str::from_utf8(&body).map_err(|_| refused("the body is not UTF-8 text"))?;
    let deps = billing::Deps::from(&state);
    let status = match billing::payments::receive_webhook(&deps, signature, payload).await {
        Ok(Received::Applied) => "applied",
        Ok(Received::NothingToDo) => "nothing_to_do",
        Ok(Received::Replayed) => "duplicate",
        Err(WebhookError::Refused(error)) => return Err(refused(&error.to_string())),
        Err(WebhookError::Internal(error)) => return Err(error.into()),
    };
    Ok(Json(WebhookReceipt { status }))
}
