//! The recovery-time estimate: per-node durations from the documented
//! defaults and the plan's overrides, and the scheduler's policy played out
//! on a virtual clock, checked against a tick-by-tick oracle and the
//! critical path.

use proptest::prelude::*;
use restoreplan::check::estimate::{DurationModel, simulate};
use restoreplan::compile::RestoreGraph;
use restoreplan::model::{Duration, Estimates, RestoreMode, StepKind, TierKind};
use restoreplan::pipeline::validate_plan;
use restoreplan::source::SourceFile;

/// A plan of `wait` steps (`durations[i]` seconds, `deps[i]` earlier indices), compiled.
fn graph(durations: &[u64], deps: &[Vec<usize>]) -> (RestoreGraph, Vec<Duration>) {
    let mut text = String::from(
        "apiVersion: restoreplan/v1\nkind: RestorePlan\nmetadata: { name: estimate }\nsteps:\n",
    );
    for (i, seconds) in durations.iter().enumerate() {
        let needs: Vec<String> = deps[i].iter().map(|d| format!("s{d}")).collect();
        text.push_str(&format!(
            "  - {{ id: s{i}, wait: {seconds}s, dependsOn: [{}] }}\n",
            needs.join(", ")
        ));
    }
    let validated = validate_plan(SourceFile::from_text("estimate.yaml", text), Vec::new());
    assert!(
        validated.report.diagnostics.is_empty(),
        "{:?}",
        validated.report.diagnostics
    );
    let plan = validated.plan.expect("typed plan");
    let graph = validated.graph.expect("compiles");
    let waits = (0..graph.node_count())
        .map(|n| match plan.steps[graph.node(n).step_index].kind {
            StepKind::Wait(duration) => duration,
            _ => unreachable!("only waits"),
        })
        .collect();
    (graph, waits)
}

fn minutes(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

#[test]
fn restores_take_their_tier_and_size_into_account() {
    let model = DurationModel::new(&Estimates::default());
    assert_eq!(
        model.restore(RestoreMode::NewVm, TierKind::Snapshot, 4096, false),
        minutes(20)
    );
    assert_eq!(
        model.restore(RestoreMode::NewVm, TierKind::Vault, 1024, false),
        minutes(45 + 120)
    );
    assert_eq!(
        model.restore(RestoreMode::NewVm, TierKind::Vault, 512, false),
        minutes(45 + 60)
    );
    assert_eq!(
        model.restore(RestoreMode::Disks, TierKind::Archive, 1024, true),
        minutes(15 * 60 + 45 + 120)
    );
    assert_eq!(
        model.restore(RestoreMode::Files, TierKind::Vault, 1024, false),
        minutes(10)
    );
    let own = Estimates {
        snapshot_restore: Some(minutes(7)),
        ..Estimates::default()
    };
    assert_eq!(
        DurationModel::new(&own).restore(RestoreMode::NewVm, TierKind::Snapshot, 1, false),
        minutes(7)
    );
}

#[test]
fn parallelism_limits_the_schedule_and_the_critical_path_is_named() {
    // s0 (10s) → s1 (20s); s2 (5s) on its own.
    let (graph, durations) = graph(&[10, 20, 5], &[vec![], vec![0], vec![]]);
    let one = simulate(&graph, &durations, 1);
    assert_eq!(one.total, Duration::from_secs(35));
    let two = simulate(&graph, &durations, 2);
    assert_eq!(two.total, Duration::from_secs(30));
    assert_eq!(two.critical_path, [0, 1]);
    assert_eq!(two.critical_length, Duration::from_secs(30));
    assert_eq!(two.start[1], Duration::from_secs(10));
}

/// The same policy, one second at a time: at each second, nodes ending now
/// free their dependents; then ready nodes start in topological order while
/// there is room, as one batch; nodes of that batch that take no time end at
/// once and the next batch is considered.
fn tick_oracle(graph: &RestoreGraph, durations: &[Duration], max_parallel: usize) -> Vec<u64> {
    let count = graph.node_count();
    let order: Vec<usize> = graph.topological_order().collect();
    let mut start: Vec<Option<u64>> = vec![None; count];
    let mut end: Vec<Option<u64>> = vec![None; count];
    let mut now = 0u64;
    loop {
        for node in 0..count {
            if let Some(s) = start[node]
                && end[node].is_none()
                && s + durations[node].as_secs() <= now
            {
                end[node] = Some(s + durations[node].as_secs());
            }
        }
        loop {
            let running = (0..count)
                .filter(|n| start[*n].is_some() && end[*n].is_none())
                .count();
            let batch: Vec<usize> = order
                .iter()
                .copied()
                .filter(|n| {
                    start[*n].is_none() && graph.dependencies(*n).iter().all(|d| end[*d].is_some())
                })
                .take(max_parallel.saturating_sub(running))
                .collect();
            if batch.is_empty() {
                break;
            }
            for &node in &batch {
                start[node] = Some(now);
            }
            let instant: Vec<usize> = batch
                .into_iter()
                .filter(|n| durations[*n].as_secs() == 0)
                .collect();
            if instant.is_empty() {
                break;
            }
            for node in instant {
                end[node] = Some(now);
            }
        }
        if end.iter().all(Option::is_some) {
            break;
        }
        now += 1;
    }
    start
        .into_iter()
        .map(|s| s.expect("every node starts"))
        .collect()
}

proptest! {
    #[test]
    fn the_schedule_agrees_with_a_tick_oracle_and_the_critical_path(
        raw in prop::collection::vec((0u64..8, prop::collection::vec(any::<prop::sample::Index>(), 0..3)), 1..12),
        max_parallel in 1usize..4,
    ) {
        let durations: Vec<u64> = raw.iter().map(|(d, _)| *d).collect();
        let deps: Vec<Vec<usize>> = raw
            .iter()
            .enumerate()
            .map(|(i, (_, picks))| {
                let mut d: Vec<usize> = if i == 0 { Vec::new() } else { picks.iter().map(|p| p.index(i)).collect() };
                d.sort_unstable();
                d.dedup();
                d
            })
            .collect();
        let (graph, waits) = graph(&durations, &deps);
        let schedule = simulate(&graph, &waits, max_parallel);
        let oracle = tick_oracle(&graph, &waits, max_parallel);
        let starts: Vec<u64> = schedule.start.iter().map(|d| d.as_secs()).collect();
        prop_assert_eq!(starts, oracle);
        let total: u64 = waits.iter().map(|d| d.as_secs()).sum();
        prop_assert!(schedule.total >= schedule.critical_length);
        prop_assert!(schedule.total.as_secs() <= total);
        let unlimited = simulate(&graph, &waits, graph.node_count());
        prop_assert_eq!(unlimited.total, unlimited.critical_length);
        // The critical path is a chain whose durations add up to its length.
        let path = &unlimited.critical_path;
        for pair in path.windows(2) {
            prop_assert!(graph.dependencies(pair[1]).contains(&pair[0]));
        }
        let along: u64 = path.iter().map(|n| waits[*n].as_secs()).sum();
        prop_assert_eq!(along, unlimited.critical_length.as_secs());
    }
}
