//! A bare Tauri window: one page that reports when it has painted, nothing else.

use std::time::Instant;

#[tauri::command]
fn ready(started: tauri::State<'_, Instant>) {
    eprintln!("first screen ready after {} ms", started.elapsed().as_millis());
}

fn main() {
    let started = Instant::now();
    tauri::Builder::default()
        .manage(started)
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("the bare window runs");
}
