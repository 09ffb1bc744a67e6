//! The account API's plans and billing (`/api/v1/billing/plans`,
//! `/api/v1/teams/{id}/billing…`): the catalog, a team's billing dashboard, Edit
//! Plan's preview and confirmation, the card on file, the billing email, and invoices
//! (listed, whole, or as the HTML or PDF document). Only admins and billing managers
//! see a team's billing; the server's refusals arrive as [`Error::Api`](crate::Error::Api)
//! (`forbidden`, `conflict` for a stale preview, `payment_failed` beside `card`, …).

use courier_proto::{
    BillingEmailChange, BillingOverview, CardChange, CardInput, InvoiceDetail, InvoicePage,
    PlanChangeConfirmation, PlanChangeOutcome, PlanChangePreview, PlanChangeRequest, PlanChoice,
    PlanOffer,
};
use reqwest::Method;
use reqwest::header::CONTENT_DISPOSITION;
use serde::{Deserialize, Serialize};

use super::AccountApi;
use super::request::{Body, json};
use crate::error::{Error, Result};

/// The two documents an invoice comes as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceFormat {
    Html,
    Pdf,
}

impl InvoiceFormat {
    /// The document's file name at the server, and its extension.
    fn extension(self) -> &'static str {
        match self {
            InvoiceFormat::Html => "html",
            InvoiceFormat::Pdf => "pdf",
        }
    }

    fn media_type(self) -> &'static str {
        match self {
            InvoiceFormat::Html => "text/html",
            InvoiceFormat::Pdf => "application/pdf",
        }
    }
}

/// An invoice's document as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceDocument {
    /// The name the server gave it (`Content-Disposition`), else `invoice-{id}.{ext}`;
    /// a bare file name, never a path.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl AccountApi<'_> {
    /// `GET /api/v1/billing/plans`: every tier, cheapest first.
    pub async fn billing_plans(&self) -> Result<Vec<PlanOffer>> {
        let response = self
            .send(Method::GET, &["billing", "plans"], Body::Empty)
            .await?;
        json(response).await
    }

    /// `GET /api/v1/teams/{id}/billing` (admins and billing managers).
    pub async fn team_billing(&self, team_id: &str) -> Result<BillingOverview> {
        let segments = ["teams", team_id, "billing"];
        json(self.send(Method::GET, &segments, Body::Empty).await?).await
    }

    /// `POST /api/v1/teams/{id}/billing/preview`: what changing to `plan` charges now.
    pub async fn preview_plan_change(
        &self,
        team_id: &str,
        plan: PlanChoice,
    ) -> Result<PlanChangePreview> {
        let segments = ["teams", team_id, "billing", "preview"];
        let body = Body::json(&PlanChangeRequest { plan })?;
        json(self.send(Method::POST, &segments, body).await?).await
    }

    /// `POST /api/v1/teams/{id}/billing/plan`: confirms a previewed change (`conflict`
    /// when the preview is stale or its total changed: preview again).
    pub async fn change_plan(
        &self,
        team_id: &str,
        confirmation: &PlanChangeConfirmation,
    ) -> Result<PlanChangeOutcome> {
        let segments = ["teams", team_id, "billing", "plan"];
        let body = Body::json(confirmation)?;
        json(self.send(Method::POST, &segments, body).await?).await
    }

    /// `PUT /api/v1/teams/{id}/billing/card`: a new card on file (a past-due invoice is
    /// retried with it).
    pub async fn replace_card(&self, team_id: &str, card: CardInput) -> Result<BillingOverview> {
        let segments = ["teams", team_id, "billing", "card"];
        let body = Body::json(&CardChange { card })?;
        json(self.send(Method::PUT, &segments, body).await?).await
    }

    /// `PUT /api/v1/teams/{id}/billing/email`.
    pub async fn set_billing_email(
        &self,
        team_id: &str,
        billing_email: &str,
    ) -> Result<BillingOverview> {
        let segments = ["teams", team_id, "billing", "email"];
        let change = BillingEmailChange {
            billing_email: billing_email.to_owned(),
        };
        json(
            self.send(Method::PUT, &segments, Body::json(&change)?)
                .await?,
        )
        .await
    }

    /// `GET /api/v1/teams/{id}/billing/invoices?before=`: the invoices older than
    /// `before` (none: the newest), a page at a time.
    pub async fn invoices(&self, team_id: &str, before: Option<&str>) -> Result<InvoicePage> {
        let segments = ["teams", team_id, "billing", "invoices"];
        let response = match before {
            Some(before) => {
                let query = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("before", before)
                    .finish();
                self.send_with_query(Method::GET, &segments, &query).await?
            }
            None => self.send(Method::GET, &segments, Body::Empty).await?,
        };
        json(response).await
    }

    /// `GET /api/v1/teams/{id}/billing/invoices/{invoice_id}`: one invoice, whole.
    pub async fn invoice(&self, team_id: &str, invoice_id: &str) -> Result<InvoiceDetail> {
        let segments = ["teams", team_id, "billing", "invoices", invoice_id];
        json(self.send(Method::GET, &segments, Body::Empty).await?).await
    }

    /// `GET /api/v1/teams/{id}/billing/invoices/{invoice_id}/invoice.{html,pdf}`.
    pub async fn invoice_document(
        &self,
        team_id: &str,
        invoice_id: &str,
        format: InvoiceFormat,
    ) -> Result<InvoiceDocument> {
        let name = format!("invoice.{}", format.extension());
        let segments = ["teams", team_id, "billing", "invoices", invoice_id, &name];
        let response = self.fetch(&segments, format.media_type()).await?;
        let disposition = response
            .headers()
            .get(CONTENT_DISPOSITION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let bytes = response.bytes().await.map_err(|error| {
            Error::Protocol(format!("the invoice's document was cut short: {error}"))
        })?;
        Ok(InvoiceDocument {
            file_name: document_name(disposition.as_deref(), invoice_id, format),
            bytes: bytes.to_vec(),
        })
    }
}

/// The file name to suggest for a document: the `filename` of its
/// `Content-Disposition` (its last path part, so it cannot point elsewhere), else
/// `invoice-{id}.{ext}`.
fn document_name(disposition: Option<&str>, invoice_id: &str, format: InvoiceFormat) -> String {
    let given = disposition.and_then(|header| {
        header.split(';').find_map(|part| {
            let (key, value) = part.trim().split_once('=')?;
            (key.trim().eq_ignore_ascii_case("filename")).then(|| value.trim().trim_matches('"'))
        })
    });
    let bare = given
        .and_then(|name| name.rsplit(['/', '\\']).next())
        .map(str::trim)
        .filter(|name| !name.is_empty() && !name.starts_with('.'));
    match bare {
        Some(name) => name.to_owned(),
        None => {
            let safe: String = invoice_id
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            format!("invoice-{safe}.{}", format.extension())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_named_as_the_server_says_or_after_its_invoice_never_as_a_path() {
        let name = |header: Option<&str>, format| document_name(header, "inv_7", format);
        assert_eq!(
            name(
                Some(r#"attachment; filename="ACME-0007.pdf""#),
                InvoiceFormat::Pdf
            ),
            "ACME-0007.pdf"
        );
        assert_eq!(
            name(Some("inline; filename=ACME-0007.html"), InvoiceFormat::Html),
            "ACME-0007.html"
        );
        assert_eq!(name(None, InvoiceFormat::Pdf), "invoice-inv_7.pdf");
        assert_eq!(
            name(Some("inline"), InvoiceFormat::Html),
            "invoice-inv_7.html"
        );
        assert_eq!(
            name(
                Some(r#"attachment; filename="../../.bashrc""#),
                InvoiceFormat::Pdf
            ),
            "invoice-inv_7.pdf"
        );
        assert_eq!(
            name(
                Some(r#"attachment; filename="C:\\x\\ACME-1.pdf""#),
                InvoiceFormat::Pdf
            ),
            "ACME-1.pdf"
        );
        assert_eq!(
            document_name(None, "../x", InvoiceFormat::Pdf),
            "invoice-___x.pdf"
        );
    }
}
