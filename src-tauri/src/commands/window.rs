//! Commands about the window itself.

use courier_client::Result;
use courier_client::app::DesktopState;

/// The UI has drawn its first real screen (measured by the startup benchmark, which
/// also reads how many accounts that screen started with).
pub async fn first_screen_ready(state: &DesktopState) -> Result<()> {
    static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let elapsed_ms = crate::elapsed_ms() as u64;
    if !REPORTED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        let accounts = state.snapshot().await?.accounts.len();
        tracing::info!(elapsed_ms, accounts, "first screen ready");
    }
    Ok(())
}
