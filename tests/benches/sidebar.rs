//! The sidebar with 10,000 requests in 500 folders, in the real desktop window (Tauri,
//! WebKitGTK under Xvfb, driven over WebDriver): a Postman v2.1 file of that size is
//! written, imported through the app's Import… (the workspace crate's importer and
//! `add_collection_tree`), then
//! - **shown**: the window is reloaded `RUNS` times and each time the UI's
//!   `courier:sidebar-shown` performance mark (set on the first animation frame after
//!   the tree is drawn) is read: milliseconds from the page's navigation start, so it
//!   covers loading the UI, `workspaces`, `workspace_tree` and the first draw; and
//!   from `courier:sidebar-opened` (the sidebar first asking for the tree) to it;
//! - **filter keystrokes**: terms are typed into the filter one character at a time
//!   inside the page, each keystroke timed from the input event to the end of the
//!   frame that draws its result (an animation frame, then a task after it), and to
//!   the DOM updated (a microtask after the event: React has rendered).
//!
//! Run under Xvfb and a throwaway keyring, after building the app (see BENCHMARKS.md):
//! `xvfb-run -a scripts/with-keyring.sh cargo bench -p courier-tests --bench sidebar`.

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use courier_testkit::{TestServer, unique_name};
use courier_tests::desktop::launch_desktop;
use courier_tests::fixtures::{FOLDERS, PER_FOLDER};
use serde_json::json;

/// Terms typed into the filter: one request, one folder's worth by URL, a quarter of
/// everything by method, and nothing.
const TERMS: [&str; 4] = ["request 42-17", "items/499/", "delete", "zzz"];

/// Types `term` into the filter in the page, one character a keystroke; the
/// milliseconds of each.
const TYPE_SCRIPT: &str = r#"
const [term] = arguments;
const done = arguments[arguments.length - 1];
const input = document.querySelector("[aria-label='Filter requests']");
const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
const frameDone = (then) => requestAnimationFrame(() => setTimeout(then, 0));
const times = [];
const key = (length) => {
  if (length > term.length) { done(times); return; }
  const start = performance.now();
  setValue.call(input, term.slice(0, length));
  input.dispatchEvent(new Event("input", { bubbles: true }));
  queueMicrotask(() => {
    const rendered = performance.now() - start;
    frameDone(() => { times.push([rendered, performance.now() - start]); key(length + 1); });
  });
};
setValue.call(input, "");
input.dispatchEvent(new Event("input", { bubbles: true }));
frameDone(() => key(1));
"#;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let at = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[at]
}

fn summary(name: &str, mut values: Vec<f64>, target: f64) {
    values.sort_by(f64::total_cmp);
    let (p50, max) = (percentile(&values, 0.5), values[values.len() - 1]);
    let verdict = if max <= target { "PASS" } else { "FAIL" };
    println!(
        "| {name} | {p50:.1} ms | {:.1} ms | {max:.1} ms | {} | ≤ {target} ms (max) — {verdict} |",
        percentile(&values, 0.9),
        values.len()
    );
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(10);
    let server = TestServer::start().await;
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("ten-thousand.postman_collection.json");
    std::fs::write(
        &file,
        courier_tests::fixtures::ten_thousand_requests().to_string(),
    )
    .unwrap();
    let size = std::fs::metadata(&file).unwrap().len();
    let data = home.path().join("data").display().to_string();
    let service = unique_name("courier-bench-sidebar-");
    let choice = file.display().to_string();
    let window = launch_desktop(&[
        ("COURIER_DATA_DIR", data.as_str()),
        ("COURIER_KEYRING_SERVICE", service.as_str()),
        ("COURIER_SERVER", server.base()),
        ("COURIER_BROWSER", "/bin/true"),
        ("COURIER_TEST_FILE_CHOICE", choice.as_str()),
    ])
    .await
    .unwrap();
    window
        .wait_for_text("Skip and take me to Courier")
        .await
        .unwrap();
    window
        .click_button("Skip and take me to Courier")
        .await
        .unwrap();
    window.wait_for_text("New collection").await.unwrap();

    let started = Instant::now();
    window.click_button("Import…").await.unwrap();
    let page = window.wait_for_text("Imported Ten thousand").await.unwrap();
    let imported = started.elapsed();
    assert!(page.contains("10000 requests"), "{page}");

    let driver = window.webdriver();
    let mut shown = Vec::new();
    let mut opened = Vec::new();
    for _ in 0..runs {
        driver
            .execute("performance.clearMarks(); location.reload();", vec![])
            .await
            .unwrap();
        let at = window
            .wait_until("the sidebar after a reload", || async {
                let marks = driver
                    .execute(
                        "const [shown] = performance.getEntriesByName('courier:sidebar-shown'); \
                         const [opened] = performance.getEntriesByName('courier:sidebar-opened'); \
                         return shown && opened ? [shown.startTime, opened.startTime] : null;",
                        vec![],
                    )
                    .await?;
                Ok(serde_json::from_value::<Option<(f64, f64)>>(marks)?)
            })
            .await
            .unwrap();
        let rows = driver
            .execute(
                "return document.querySelectorAll('[role=treeitem]').length;",
                vec![],
            )
            .await
            .unwrap();
        assert!(rows.as_u64().unwrap() > 20, "rows drawn: {rows}");
        shown.push(at.0);
        opened.push(at.0 - at.1);
    }

    // A person focuses the filter, then types (the URLs are read on focus).
    driver
        .execute(
            "document.querySelector(\"[aria-label='Filter requests']\").focus();",
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut keystrokes = Vec::new();
    let mut rendered = Vec::new();
    let mut slowest: Vec<(f64, String)> = Vec::new();
    for round in 1..=3 {
        for term in TERMS {
            let times = driver
                .execute_async(TYPE_SCRIPT, vec![term.into()])
                .await
                .unwrap();
            let times: Vec<(f64, f64)> = serde_json::from_value(times).unwrap();
            rendered.extend(times.iter().map(|(rendered, _)| *rendered));
            keystrokes.extend(times.iter().map(|(_, drawn)| *drawn));
            slowest.extend(times.iter().enumerate().map(|(typed, (rendered, drawn))| {
                let prefix: String = term.chars().take(typed + 1).collect();
                (
                    *drawn,
                    format!("{prefix:?} (round {round}; DOM {rendered:.0} ms)"),
                )
            }));
        }
    }
    let matched = driver
        .execute(
            "return document.querySelector('[role=tree]') ? 1 : 0;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(matched, json!(0), "\"zzz\" matches nothing");

    println!(
        "import of {} KiB ({FOLDERS} folders × {PER_FOLDER} requests) through Import…, \
         seen by WebDriver: {} ms",
        size / 1024,
        imported.as_millis()
    );
    println!("| measure | p50 | p90 | max | n | target |");
    println!("|---|---|---|---|---|---|");
    summary(
        "sidebar shown (navigation start → tree drawn)",
        shown,
        300.0,
    );
    summary("of which: workspace opened → tree drawn", opened, 300.0);
    summary("filter keystroke (input → frame drawn)", keystrokes, 50.0);
    summary(
        "of which: input → DOM updated (React render)",
        rendered,
        50.0,
    );
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    let slowest: Vec<String> = slowest
        .iter()
        .take(3)
        .map(|(drawn, what)| format!("{drawn:.0} ms {what}"))
        .collect();
    println!("slowest keystrokes: {}", slowest.join(", "));
    window.close().await.unwrap();
}
