//! A bare Tauri window: one page that reports when it has painted, nothing else. It
//! draws as Courier does on Linux: without compositing unless
//! `COURIER_GPU_COMPOSITING=1`.

use std::time::Instant;

#[tauri::command]
fn ready(started: tauri::State<'_, Instant>) {
    eprintln!("first screen ready after {} ms", started.elapsed().as_millis());
}

fn main() {
    let started = Instant::now();
    tauri::Builder::default()
        .setup(|app| {
            // Draw as Courier does (its `rendering` module), unless asked otherwise,
            // so the comparison is like with like.
            if std::env::var("COURIER_GPU_COMPOSITING").is_ok_and(|value| value == "1") {
                return Ok(());
            }
            if let Some(window) = tauri::Manager::get_webview_window(app, "main") {
                window.with_webview(|webview| {
                    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt as _, WebViewExt as _};
                    if let Some(settings) = webview.inner().settings() {
                        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
                    }
                })?;
            }
            Ok(())
        })
        .manage(started)
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("the bare window runs");
}
