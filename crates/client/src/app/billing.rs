//! What the billing screens do beyond one account API call: confirming a plan change
//! opens the bank's confirmation page in the system browser when the payment needs it
//! (and **Open the bank's page again** reopens it from the dashboard), and an invoice's
//! document is saved where the person chooses. The page's address comes from the
//! server, never from the webview; the file is written here, the webview only gets
//! its path back.

use std::path::Path;

use courier_proto::{PaymentResult, PlanChangeConfirmation, PlanChangeOutcome};

use super::DesktopState;
use super::files::{FileChoice, path_for_ui};
use crate::api::{InvoiceDocument, InvoiceFormat};
use crate::auth::browser::{BrowserOpener, SystemBrowser};
use crate::auth::discovery::check_server_url;
use crate::error::{Error, Result};

impl DesktopState {
    /// Confirms a previewed plan change ([`AccountApi::change_plan`](crate::AccountApi::change_plan)).
    /// When the bank asks the cardholder to confirm, its page opens in the browser; if
    /// it cannot, the change stands all the same and the dashboard offers the page again.
    pub async fn change_plan(
        &self,
        account_id: &str,
        team_id: &str,
        confirmation: &PlanChangeConfirmation,
    ) -> Result<PlanChangeOutcome> {
        let courier = self.courier().await?;
        let result = courier
            .api(account_id)
            .change_plan(team_id, confirmation)
            .await;
        let outcome = self.answer(result).await?;
        if let PaymentResult::NeedsConfirmation { confirm_url } = &outcome.payment
            && let Err(error) = open_confirmation(&SystemBrowser, confirm_url)
        {
            tracing::warn!(%error, "could not open the bank's confirmation page");
        }
        Ok(outcome)
    }

    /// Opens the page of `team_id`'s payment waiting for the bank's confirmation again.
    pub async fn open_payment_confirmation(&self, account_id: &str, team_id: &str) -> Result<()> {
        let courier = self.courier().await?;
        let overview = self
            .answer(courier.api(account_id).team_billing(team_id).await)
            .await?;
        let pending = overview.pending_payment.ok_or_else(|| Error::Api {
            kind: courier_proto::ErrorKind::NotFound,
            message: "No payment is waiting for the bank's confirmation.".into(),
            fields: Vec::new(),
            retry_after: None,
        })?;
        open_confirmation(&SystemBrowser, &pending.confirm_url)
    }

    /// Fetches an invoice's document, asks where to save it (the server's name for it
    /// suggested) and writes it there: its path, or `None` when the person cancels.
    pub async fn save_invoice(
        &self,
        account_id: &str,
        team_id: &str,
        invoice_id: &str,
        format: InvoiceFormat,
    ) -> Result<Option<String>> {
        let courier = self.courier().await?;
        let result = courier
            .api(account_id)
            .invoice_document(team_id, invoice_id, format)
            .await;
        let document = self.answer(result).await?;
        self.save_document(document).await
    }

    /// Asks where to save `document` and writes it there.
    async fn save_document(&self, document: InvoiceDocument) -> Result<Option<String>> {
        let choice = FileChoice::Save {
            title: "Save the invoice".into(),
            suggested_name: document.file_name,
        };
        let Some(path) = self.choose_file(choice).await? else {
            return Ok(None);
        };
        write_document(&path, &document.bytes).await?;
        Ok(Some(path_for_ui(path)))
    }
}

async fn write_document(path: &Path, bytes: &[u8]) -> Result<()> {
    tokio::fs::write(path, bytes)
        .await
        .map_err(|error| Error::file(path, &error))
}

/// Opens the bank's page with `opener`: `https://` (plain HTTP on loopback only, where
/// the test provider runs).
fn open_confirmation(opener: &dyn BrowserOpener, url: &str) -> Result<()> {
    let url = check_server_url(url)?;
    opener.open(url.as_str()).map_err(Error::Browser)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::app::{Shell, UiEvent};
    use crate::config::ClientConfig;

    /// A shell whose save dialog answers `answer`, remembering the name it suggested.
    struct SaveDialog {
        answer: Option<PathBuf>,
        suggested: Mutex<Option<String>>,
    }

    impl Shell for SaveDialog {
        fn emit(&self, _: UiEvent) {}

        fn bring_to_front(&self) {}

        fn choose_file(&self, choice: &FileChoice) -> Option<PathBuf> {
            if let FileChoice::Save { suggested_name, .. } = choice {
                *self.suggested.lock().unwrap() = Some(suggested_name.clone());
            }
            self.answer.clone()
        }
    }

    fn state_with(dir: &Path, answer: Option<PathBuf>) -> (Arc<DesktopState>, Arc<SaveDialog>) {
        let config = ClientConfig::for_data_dir(dir, "courier-billing-test", "http://127.0.0.1:1");
        let shell = Arc::new(SaveDialog {
            answer,
            suggested: Mutex::default(),
        });
        (DesktopState::with_config(config, shell.clone()), shell)
    }

    fn document() -> InvoiceDocument {
        InvoiceDocument {
            file_name: "ACME-0007.pdf".into(),
            bytes: b"%PDF-1.7".to_vec(),
        }
    }

    #[tokio::test]
    async fn an_invoice_is_written_where_the_person_chose_under_its_suggested_name() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("saved.pdf");
        let (state, shell) = state_with(dir.path(), Some(target.clone()));
        let saved = state.save_document(document()).await.unwrap();
        assert_eq!(saved.as_deref(), Some(target.to_str().unwrap()));
        assert_eq!(std::fs::read(&target).unwrap(), b"%PDF-1.7");
        assert_eq!(
            shell.suggested.lock().unwrap().as_deref(),
            Some("ACME-0007.pdf")
        );
    }

    #[tokio::test]
    async fn a_cancelled_dialog_writes_nothing_and_an_unwritable_place_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let (state, _) = state_with(dir.path(), None);
        assert_eq!(state.save_document(document()).await.unwrap(), None);

        let nowhere = dir.path().join("missing").join("x.pdf");
        let (state, _) = state_with(dir.path(), Some(nowhere.clone()));
        let error = state.save_document(document()).await.unwrap_err();
        assert_eq!(error.kind(), "file");
        assert!(error.to_string().contains("x.pdf"), "{error}");
    }

    /// Remembers what it was asked to open.
    #[derive(Default)]
    struct Opened(Mutex<Vec<String>>);

    impl BrowserOpener for Opened {
        fn open(&self, url: &str) -> std::result::Result<(), String> {
            self.0.lock().unwrap().push(url.to_owned());
            Ok(())
        }
    }

    #[test]
    fn only_a_secure_or_local_confirmation_page_is_opened() {
        let opened = Opened::default();
        open_confirmation(&opened, "https://pay.example.com/confirm/pi_1").unwrap();
        open_confirmation(&opened, "http://127.0.0.1:7878/billing/test-provider/pi_2").unwrap();
        assert_eq!(
            open_confirmation(&opened, "http://pay.example.com/x")
                .unwrap_err()
                .kind(),
            "insecure_server"
        );
        assert!(open_confirmation(&opened, "javascript:alert(1)").is_err());
        assert_eq!(
            opened.0.lock().unwrap().as_slice(),
            [
                "https://pay.example.com/confirm/pi_1",
                "http://127.0.0.1:7878/billing/test-provider/pi_2"
            ]
        );
    }
}
