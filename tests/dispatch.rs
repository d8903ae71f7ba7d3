//! The scheduling policy shared by the estimate and the executor: readiness in
//! topological order, `maxParallel` and pool limits without head-of-line
//! blocking, and what `onFailure` does to the nodes after a failure.

use proptest::prelude::*;
use restoreplan::compile::RestoreGraph;
use restoreplan::compile::dispatch::{Dispatcher, Ending, FailurePolicy, Pool, SkipReason};
use restoreplan::pipeline::validate_plan;
use restoreplan::source::SourceFile;

/// A plan of one-second `wait` steps `s0…` where `deps[i]` lists earlier indices.
fn graph(deps: &[Vec<usize>]) -> RestoreGraph {
    let mut text = String::from(
        "apiVersion: restoreplan/v1\nkind: RestorePlan\nmetadata: { name: dispatch }\nsteps:\n",
    );
    for (i, needs) in deps.iter().enumerate() {
        let needs: Vec<String> = needs.iter().map(|d| format!("s{d}")).collect();
        text.push_str(&format!(
            "  - {{ id: s{i}, wait: 1s, dependsOn: [{}] }}\n",
            needs.join(", ")
        ));
    }
    let validated = validate_plan(SourceFile::from_text("dispatch.yaml", text), Vec::new());
    validated.graph.expect("compiles")
}

/// Node index of step `s{i}` (the graph keeps file order).
fn s(i: usize) -> usize {
    i
}

fn pool(capacity: usize) -> Pool {
    Pool {
        name: "vault rsv".into(),
        capacity,
    }
}

fn drain(dispatcher: &mut Dispatcher) -> Vec<usize> {
    std::iter::from_fn(|| dispatcher.start_next()).collect()
}

#[test]
fn max_parallel_and_a_pool_limit_what_starts() {
    let graph = graph(&[vec![], vec![], vec![], vec![], vec![]]);
    let mut dispatcher = Dispatcher::new(&graph, 3).with_pool(pool(2), [s(0), s(1), s(2)]);
    // s2 waits for the vault; s3 (another pool) goes ahead of it, then the limit of 3 is full.
    assert_eq!(drain(&mut dispatcher), vec![s(0), s(1), s(3)]);
    assert_eq!(dispatcher.running(), 3);
    assert!(dispatcher.finish(s(3), Ending::Succeeded).is_empty());
    // A free overall slot, but the vault is still full: s4 takes it.
    assert_eq!(drain(&mut dispatcher), vec![s(4)]);
    dispatcher.finish(s(0), Ending::Succeeded);
    assert_eq!(drain(&mut dispatcher), vec![s(2)]);
}

#[test]
fn skip_dependents_skips_the_whole_downstream_and_nothing_else() {
    // s0 → s1 → s2, s0 → s3, s4 on its own.
    let graph = graph(&[vec![], vec![0], vec![1], vec![0], vec![]]);
    let mut dispatcher = Dispatcher::new(&graph, 10);
    assert_eq!(drain(&mut dispatcher), vec![s(0), s(4)]);
    let skipped = dispatcher.finish(s(0), Ending::Failed(FailurePolicy::SkipDependents));
    let nodes: Vec<usize> = skipped.iter().map(|(node, _)| *node).collect();
    assert_eq!(nodes, vec![s(1), s(2), s(3)]);
    assert_eq!(
        skipped[1].1,
        SkipReason::DependencyFailed { because_of: s(1) }
    );
    assert_eq!(drain(&mut dispatcher), Vec::<usize>::new());
    assert!(!dispatcher.is_idle(), "s4 still runs");
    dispatcher.finish(s(4), Ending::Succeeded);
    assert!(dispatcher.is_idle());
}

#[test]
fn continue_runs_the_dependents_of_a_failure() {
    let graph = graph(&[vec![], vec![0]]);
    let mut dispatcher = Dispatcher::new(&graph, 10);
    assert_eq!(drain(&mut dispatcher), vec![s(0)]);
    assert!(
        dispatcher
            .finish(s(0), Ending::Failed(FailurePolicy::Continue))
            .is_empty()
    );
    assert_eq!(drain(&mut dispatcher), vec![s(1)]);
}

#[test]
fn abort_lets_running_nodes_finish_and_abandons_the_rest() {
    let graph = graph(&[vec![], vec![], vec![0], vec![]]);
    let mut dispatcher = Dispatcher::new(&graph, 2);
    assert_eq!(drain(&mut dispatcher), vec![s(0), s(1)]);
    dispatcher.finish(s(0), Ending::Failed(FailurePolicy::Abort));
    assert_eq!(
        drain(&mut dispatcher),
        Vec::<usize>::new(),
        "nothing new starts"
    );
    assert!(dispatcher.abandoned().is_empty(), "s1 is still running");
    assert!(!dispatcher.is_idle());
    dispatcher.finish(s(1), Ending::Succeeded);
    assert!(dispatcher.is_idle());
    assert_eq!(
        dispatcher.abandoned(),
        vec![(s(2), SkipReason::Aborted), (s(3), SkipReason::Aborted)]
    );
}

#[test]
fn a_resumed_run_skips_what_succeeded_and_reattaches_what_was_submitted() {
    // s0 → s1 → s2; s3 alone. s0 succeeded earlier, s3 was submitted.
    let graph = graph(&[vec![], vec![0], vec![1], vec![]]);
    let mut dispatcher = Dispatcher::new(&graph, 2);
    dispatcher.already_succeeded(s(0));
    dispatcher.resume_running(s(3));
    assert_eq!(dispatcher.running(), 1);
    assert_eq!(drain(&mut dispatcher), vec![s(1)]);
    assert_eq!(
        dispatcher.start_next(),
        None,
        "the limit of 2 counts the re-attached node"
    );
}

#[test]
fn a_plan_gets_a_pool_per_vault_and_per_subscription() {
    let sub = |n: u8| format!("/subscriptions/0000000{n}-0000-4000-8000-000000000000");
    let vault = |n: u8, name: &str| {
        format!(
            "{}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/{name}",
            sub(n)
        )
    };
    let mut text = format!(
        "apiVersion: restoreplan/v1\nkind: RestorePlan\nmetadata: {{ name: pools }}\n\
         execution: {{ maxParallel: 10, maxParallelPerVault: 2, maxParallelPerSubscription: 3 }}\n\
         vaults:\n  a: {{ id: {} }}\n  b: {{ id: {} }}\n  c: {{ id: {} }}\nsteps:\n",
        vault(1, "rsv-a"),
        vault(1, "rsv-b"),
        vault(2, "rsv-c"),
    );
    // a a a b b c: rsv-a and rsv-b share subscription 1.
    for (i, v) in ["a", "a", "a", "b", "b", "c"].iter().enumerate() {
        text.push_str(&format!(
            "  - {{ id: r{i}, restore: {{ vm: vm-{i}, as: replace-existing, vault: {v} }} }}\n"
        ));
    }
    let validated = validate_plan(SourceFile::from_text("pools.yaml", text), Vec::new());
    assert_eq!(
        validated.report.errors(),
        0,
        "{:?}",
        validated.report.diagnostics
    );
    let (plan, graph) = (
        validated.plan.expect("plan"),
        validated.graph.expect("graph"),
    );
    let mut dispatcher = Dispatcher::for_plan(&plan, &graph);
    // Two of vault a, then subscription 1 has room for one of vault b; vault c is elsewhere.
    assert_eq!(drain(&mut dispatcher), vec![0, 1, 3, 5]);
    dispatcher.finish(3, Ending::Succeeded);
    assert_eq!(drain(&mut dispatcher), vec![4]);
    assert_eq!(
        drain(&mut dispatcher),
        Vec::<usize>::new(),
        "subscription 1 is full"
    );
    dispatcher.finish(5, Ending::Succeeded);
    assert_eq!(
        drain(&mut dispatcher),
        Vec::<usize>::new(),
        "vault c frees no room in subscription 1"
    );
    dispatcher.finish(0, Ending::Succeeded);
    assert_eq!(drain(&mut dispatcher), vec![2]);
}

proptest! {
    // Whatever the graph, the limits and the endings: no node starts before
    // its dependencies ended, no limit is ever exceeded, and every node ends
    // up run or skipped exactly once.
    #[test]
    fn every_node_is_settled_once_within_the_limits(
        raw in prop::collection::vec((prop::collection::vec(any::<prop::sample::Index>(), 0..3), 0u8..10, any::<bool>()), 1..14),
        max_parallel in 1usize..4,
        vault_capacity in 1usize..3,
    ) {
        let deps: Vec<Vec<usize>> = raw
            .iter()
            .enumerate()
            .map(|(i, (picks, _, _))| {
                let mut d: Vec<usize> = if i == 0 { Vec::new() } else { picks.iter().map(|p| p.index(i)).collect() };
                d.sort_unstable();
                d.dedup();
                d
            })
            .collect();
        let graph = graph(&deps);
        let in_vault: Vec<usize> = (0..deps.len()).filter(|&n| raw[n].2).collect();
        let mut dispatcher = Dispatcher::new(&graph, max_parallel).with_pool(pool(vault_capacity), in_vault.clone());
        let mut ended = vec![false; deps.len()];
        let mut settled = vec![0u32; deps.len()];
        let mut running: Vec<usize> = Vec::new();
        loop {
            while let Some(node) = dispatcher.start_next() {
                for dep in &deps[node] {
                    prop_assert!(ended[*dep], "s{} started before s{} ended", node, dep);
                }
                running.push(node);
                prop_assert!(running.len() <= max_parallel);
                prop_assert!(running.iter().filter(|n| in_vault.contains(n)).count() <= vault_capacity);
            }
            let Some(node) = running.first().copied() else { break };
            running.remove(0);
            ended[node] = true;
            settled[node] += 1;
            let ending = match raw[node].1 {
                0 => Ending::Failed(FailurePolicy::SkipDependents),
                1 => Ending::Failed(FailurePolicy::Continue),
                2 => Ending::Failed(FailurePolicy::Abort),
                _ => Ending::Succeeded,
            };
            for (skipped, _) in dispatcher.finish(node, ending) {
                settled[skipped] += 1;
            }
        }
        prop_assert!(dispatcher.is_idle());
        for (skipped, _) in dispatcher.abandoned() {
            settled[skipped] += 1;
        }
        prop_assert!(settled.iter().all(|&count| count == 1), "{:?}", settled);
    }
}
