//! The scheduler benchmark of issue 6 ("Performance"): a seeded random DAG of
//! restore steps (2,000 by default) over a generated estate, executed by the
//! real executor and Azure client against the in-process emulator, whose jobs
//! take simulated durations on a scaled clock. Printed, each against a
//! baseline computed or measured in the same run:
//!   (a) makespan / critical path, `maxParallel` not binding (target ≤ 1.05);
//!   (b) `maxParallel: 10`: makespan / max(critical path, total work / 10);
//!   (c) the same plan wave by wave (a barrier step after each wave, added to
//!       the generated plan): our makespan / the barrier plan's;
//!   (d) scheduler overhead per step (target < 100 µs): the executor on an
//!       instant scripted restorer and an auto-advancing virtual clock, with
//!       the journal on disk and on tmpfs; and the process's peak memory.
//! A benchmark, not a timed test: ignored by default, it fails only when a
//! run does not complete every step.
//!
//!   cargo test --release --test apply_bench -- --ignored --nocapture
//!
//! Knobs (environment): BENCH_STEPS=2000, BENCH_SEED=6, BENCH_SECONDS=90 (the
//! real length each emulator run aims at), BENCH_POLL_MS=100 (how often the
//! client reads a running job, in real time; (b), with 10 jobs in flight,
//! reads five times as often). The scale follows: simulated lower bound /
//! BENCH_SECONDS. `maxParallel` "not binding" is the schema's most, 1,000,
//! and the peak number of steps in flight is printed beside it.

mod apply_bench_support;

use apply_bench_support::{Estate, MAX_PARALLEL_LIMIT, Scripted, peak_memory_kib};
use restoreplan::clock::{ManualClock, SharedClock};
use std::sync::Arc;
use std::time::Duration;

fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: run with --release -- --ignored --nocapture"]
async fn scheduler_makespan_against_its_lower_bounds_and_overhead_per_step() {
    let steps = knob("BENCH_STEPS", 2000) as usize;
    let seed = knob("BENCH_SEED", 6);
    let seconds = knob("BENCH_SECONDS", 90) as f64;
    let poll = Duration::from_millis(knob("BENCH_POLL_MS", 100));
    let estate = Estate::generate(steps, seed);
    let critical = estate.critical_path();
    let work = estate.total_work();
    let waves = estate.waves();
    let barrier_bound = estate.wave_by_wave_bound();
    println!(
        "plan: {steps} restores, seed {seed}, {} dependencies, {} waves (widest {}); job durations {:.0}–{:.0} s simulated",
        estate.edge_count(),
        waves.len(),
        waves.iter().map(Vec::len).max().unwrap_or(0),
        estate.durations().iter().copied().fold(f64::MAX, f64::min),
        estate.durations().iter().copied().fold(0.0, f64::max),
    );
    println!(
        "lower bounds: critical path {:.0} s, total work {:.0} s, wave by wave {:.0} s (simulated)",
        critical, work, barrier_bound
    );

    // (d) first, so that its peak memory is the executor's alone.
    for (label, dir) in [
        ("journal on disk", None),
        ("journal on tmpfs", Some("/dev/shm")),
    ] {
        if dir.is_some_and(|d| !std::path::Path::new(d).is_dir()) {
            continue;
        }
        let clock: SharedClock = Arc::new(ManualClock::auto_advancing(estate.at()));
        let run = estate
            .execute(
                &estate.plan_text(None, None),
                Arc::new(Scripted),
                clock,
                dir,
            )
            .await;
        let elapsed = run.real;
        assert_eq!(run.succeeded, steps, "(d) {label}: every step succeeds");
        println!(
            "(d) scheduler overhead, {label}: {:.1} µs per step ({steps} steps in {:.3} s; target < 100 µs){}",
            elapsed.as_secs_f64() * 1e6 / steps as f64,
            elapsed.as_secs_f64(),
            if elapsed.as_secs_f64() * 1e6 / steps as f64 >= 100.0 {
                "  MISSED"
            } else {
                ""
            }
        );
    }
    println!(
        "(d) peak memory after the scripted runs: {} MiB (the whole test process)",
        peak_memory_kib().unwrap_or(0) / 1024
    );

    // (a) maxParallel not binding.
    let not_binding = steps.min(MAX_PARALLEL_LIMIT);
    let scale = critical / seconds;
    let unbounded = estate
        .against_emulator(&estate.plan_text(Some(not_binding), None), scale, poll)
        .await;
    let ratio_a = unbounded.makespan / critical;
    println!(
        "(a) maxParallel {not_binding} (peak in flight {}): makespan {:.0} s / critical path {:.0} s = {ratio_a:.3} (target ≤ 1.05){}; time scale {scale:.0}, {:.1} s real",
        unbounded.peak_in_flight,
        unbounded.makespan,
        critical,
        if ratio_a > 1.05 { "  MISSED" } else { "" },
        unbounded.real.as_secs_f64()
    );

    // (b) maxParallel 10.
    let bound_b = critical.max(work / 10.0);
    let scale_b = bound_b / seconds;
    let ten = estate
        .against_emulator(&estate.plan_text(Some(10), None), scale_b, poll / 5)
        .await;
    println!(
        "(b) maxParallel 10: makespan {:.0} s / max(critical path, total work / 10) {:.0} s = {:.3}; time scale {scale_b:.0}, {:.1} s real",
        ten.makespan,
        bound_b,
        ten.makespan / bound_b,
        ten.real.as_secs_f64()
    );

    // (c) wave by wave, at the scale of (a).
    let barriers = estate
        .against_emulator(
            &estate.plan_text(Some(not_binding), Some(&waves)),
            barrier_bound / seconds,
            poll,
        )
        .await;
    println!(
        "(c) wave by wave (a barrier after each of {} waves): makespan {:.0} s (its own lower bound {:.0} s); ours / wave by wave = {:.3}",
        waves.len(),
        barriers.makespan,
        barrier_bound,
        unbounded.makespan / barriers.makespan
    );
    println!(
        "peak memory: {} MiB (the whole test process: emulator, client and executor)",
        peak_memory_kib().unwrap_or(0) / 1024
    );
}
