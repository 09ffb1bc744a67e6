//! How the window's web view draws. On Linux, WebKitGTK composites every page through
//! OpenGL, which on a machine without a usable GPU (a virtual machine, a remote
//! desktop, many older laptops) falls back to software GL: on the 2-core test VM that
//! was about 50 ms of every filter keystroke's frame and 75 MB in the web process
//! (BENCHMARKS.md, "Desktop sidebar on 10,000 requests"). Courier's screens are forms,
//! lists and text with nothing that needs a GPU layer, so on Linux it draws without
//! compositing unless `COURIER_GPU_COMPOSITING=1` asks for WebKit's default.

use tauri::{Manager as _, Runtime};

/// The variable that keeps WebKit's own (compositing) choice.
pub const KEEP_COMPOSITING: &str = "COURIER_GPU_COMPOSITING";

/// Applies the drawing choice to the main window's web view.
pub fn choose<R: Runtime>(app: &tauri::App<R>) {
    if std::env::var(KEEP_COMPOSITING).is_ok_and(|value| value == "1") {
        return;
    }
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    if let Err(error) = window.with_webview(|webview| draw_without_compositing(&webview)) {
        tracing::info!(%error, "the web view keeps its default drawing");
    }
}

#[cfg(target_os = "linux")]
fn draw_without_compositing(webview: &tauri::webview::PlatformWebview) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt as _, WebViewExt as _};
    if let Some(settings) = webview.inner().settings() {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
    }
}

/// Elsewhere the platform's web view (WebView2, WKWebView) chooses for itself.
#[cfg(not(target_os = "linux"))]
fn draw_without_compositing(_webview: &tauri::webview::PlatformWebview) {}
