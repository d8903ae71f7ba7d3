//! `report.html` of a real run (`apply --emulator`, a step that fails
//! included) is well-formed HTML5 and renders in headless Chromium: the
//! rendered SVG timeline has one bar per step that ran, each inside the
//! chart, the RTO line and its label inside it too, and the screenshot shows
//! the bars' and the RTO's colours. Chromium is Debian's `chromium` (`.ci/run`
//! installs it); the browser test is skipped, saying why, only when no
//! Chromium can be found.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use scraper::{Html, Selector};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_restoreplan");

/// The steps of tests/fixtures/apply/report.yaml, all of which run.
const STEPS: [&str; 4] = ["web", "app", "hello", "probe"];

/// Applies the report fixture against the embedded emulator; returns the run folder.
fn run_report(state: &Path) -> PathBuf {
    let plan = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/apply/report.yaml");
    let output = Command::new(BIN)
        .arg("apply")
        .arg(plan)
        .args([
            "--emulator",
            "--run-commands",
            "--yes",
            "--at",
            "2026-11-26T06:00:00Z",
        ])
        .arg("--state-dir")
        .arg(state)
        .output()
        .expect("apply runs");
    // `probe` is optional: its failure leaves the run succeeded.
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut runs: Vec<PathBuf> = std::fs::read_dir(state.join("runs"))
        .expect("a runs folder")
        .filter_map(|entry| Some(entry.ok()?.path()))
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    runs.remove(0)
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("a valid selector")
}

#[test]
fn the_report_page_is_well_formed_html5_with_a_bar_per_step_and_the_rto_line() {
    let state = tempfile::tempdir().expect("a temporary folder");
    let run = run_report(state.path());
    let text = std::fs::read_to_string(run.join("report.html")).expect("report.html");
    let page = Html::parse_document(&text);
    assert!(
        page.errors.is_empty(),
        "HTML5 parse errors: {:?}",
        page.errors
    );
    let bars: Vec<String> = page
        .select(&selector("svg rect title"))
        .map(|title| title.text().collect())
        .collect();
    let expected: Vec<String> = STEPS
        .iter()
        .zip(["Succeeded", "Succeeded", "Succeeded", "Failed"])
        .map(|(step, status)| format!("{step} — {status}"))
        .collect();
    assert_eq!(bars, expected);
    assert_eq!(
        page.select(&selector("svg line")).count(),
        1,
        "the RTO line"
    );
    // Nothing outside the page is loaded: it is one self-contained file.
    for external in ["script[src]", "link", "img", "iframe"] {
        assert_eq!(page.select(&selector(external)).count(), 0, "{external}");
    }
}

/// Chromium: `$CHROMIUM`, else Debian's `chromium` or Google's `chromium-browser` on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Runs headless Chromium on `page` with `args`, ending it if it hangs.
fn headless(chromium: &Path, profile: &Path, args: &[&str], page: &Path) -> Vec<u8> {
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().ok().flatten().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("chromium ends");
    assert!(output.status.success(), "chromium: {}", output.status);
    output.stdout
}

/// Measures, in the rendered page, each SVG shape's box against the chart's
/// and leaves the figures in `<pre id="measured">` for `--dump-dom`.
const MEASURE: &str = r#"<script>
const chart = document.querySelector('svg').getBoundingClientRect();
const shapes = [...document.querySelectorAll('svg rect, svg line, svg text')].map((shape) => {
  const box = shape.getBoundingClientRect();
  return {
    tag: shape.tagName,
    text: shape.textContent,
    fill: shape.getAttribute('fill'),
    width: box.width,
    height: box.height,
    inside: box.left >= chart.left - 0.5 && box.right <= chart.right + 0.5
      && box.top >= chart.top - 0.5 && box.bottom <= chart.bottom + 0.5,
  };
});
const out = document.createElement('pre');
out.id = 'measured';
out.textContent = JSON.stringify(shapes);
document.body.appendChild(out);
</script>"#;

/// Whether the RGB screenshot has a pixel of `colour` (`#rrggbb`).
fn has_colour(pixels: &[u8], channels: usize, colour: &str) -> bool {
    let hex = |at: usize| u8::from_str_radix(&colour[at..at + 2], 16).unwrap_or(0);
    let wanted = [hex(1), hex(3), hex(5)];
    pixels
        .chunks_exact(channels)
        .any(|pixel| pixel[..3] == wanted)
}

#[test]
fn the_report_renders_in_headless_chromium_with_every_shape_inside_the_chart() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "SKIPPED: no Chromium found (set CHROMIUM, or `apt-get install chromium`; .ci/run installs it)"
        );
        return;
    };
    let state = tempfile::tempdir().expect("a temporary folder");
    let run = run_report(state.path());
    let text = std::fs::read_to_string(run.join("report.html")).expect("report.html");
    let measured_page = run.join("measured.html");
    std::fs::write(
        &measured_page,
        text.replace("</body>", &format!("{MEASURE}</body>")),
    )
    .expect("writable");
    let profile = state.path().join("chromium-profile");

    let dom = headless(&chromium, &profile, &["--dump-dom"], &measured_page);
    let dom = Html::parse_document(&String::from_utf8_lossy(&dom));
    let measured: String = dom
        .select(&selector("pre#measured"))
        .flat_map(|pre| pre.text())
        .collect();
    let shapes: Vec<Value> = serde_json::from_str(&measured)
        .unwrap_or_else(|error| panic!("no measurements ({error}) in the rendered page"));
    let bars: Vec<&Value> = shapes.iter().filter(|s| s["tag"] == "rect").collect();
    assert_eq!(bars.len(), STEPS.len(), "one bar per step: {shapes:#?}");
    let labels: Vec<&str> = shapes
        .iter()
        .filter(|s| s["tag"] == "text")
        .filter_map(|s| s["text"].as_str())
        .collect();
    for step in STEPS {
        assert!(labels.contains(&step), "no label `{step}` in {labels:?}");
    }
    let line = shapes.iter().filter(|s| s["tag"] == "line").count();
    assert_eq!(line, 1, "the RTO line: {shapes:#?}");
    assert!(
        labels.iter().any(|label| label.starts_with("RTO ")),
        "the RTO label: {labels:?}"
    );
    for shape in &shapes {
        assert_eq!(shape["inside"], true, "drawn outside the chart: {shape}");
        if shape["tag"] == "rect" {
            assert!(
                shape["width"].as_f64().is_some_and(|w| w >= 2.0)
                    && shape["height"].as_f64().is_some_and(|h| h > 0.0),
                "a bar too small to see: {shape}"
            );
        }
    }

    let shot = state.path().join("report.png");
    headless(
        &chromium,
        &profile,
        &[
            "--window-size=1100,700",
            &format!("--screenshot={}", shot.display()),
        ],
        &run.join("report.html"),
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&shot).expect("a screenshot"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
    let frame = reader.next_frame(&mut pixels).expect("a frame");
    let channels = frame.color_type.samples();
    assert!(channels >= 3, "{:?}", frame.color_type);
    let pixels = &pixels[..frame.buffer_size()];
    for (colour, what) in [("#2e7d32", "a succeeded bar"), ("#6a1b9a", "the RTO line")] {
        assert!(
            has_colour(pixels, channels, colour),
            "the screenshot shows no {what} ({colour})"
        );
    }
}
