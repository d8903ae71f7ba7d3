//! Property tests of the compiled graph: random plans of `wait` steps with
//! random `dependsOn` edges, checked against a small oracle written here.
//! Cycles are reported exactly when there is one (RP022 for a step that
//! depends on itself, RP023 for longer cycles), every reported cycle is a
//! real one, and an acyclic plan gets waves and a topological order that
//! respect every dependency.

use proptest::prelude::*;
use proptest::sample::Index;
use restoreplan::pipeline::{Validated, validate_plan};
use restoreplan::source::SourceFile;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// How edges are drawn.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Only to earlier steps: always a DAG.
    Backward,
    /// Mostly to earlier steps, sometimes to any step, occasionally to the step itself.
    Arbitrary,
}

/// The dependencies of each step (`deps[i]` = indices `s<i>` depends on), without
/// duplicates (the schema makes `dependsOn` entries unique).
#[derive(Debug, Clone)]
struct Case {
    deps: Vec<Vec<usize>>,
}

/// One raw edge: a kind selector and a target index.
type RawEdge = (u8, Index);

fn build(mode: Mode, raw: Vec<Vec<RawEdge>>) -> Case {
    let n = raw.len();
    let deps = raw
        .into_iter()
        .enumerate()
        .map(|(i, edges)| {
            let mut seen = BTreeSet::new();
            edges
                .into_iter()
                .filter_map(|(kind, target)| {
                    let to = match (mode, kind) {
                        (Mode::Arbitrary, 0) => Some(i),
                        (Mode::Arbitrary, 1..=16) => Some(target.index(n)),
                        _ if i == 0 => None,
                        _ => Some(target.index(i)),
                    }?;
                    seen.insert(to).then_some(to)
                })
                .collect()
        })
        .collect();
    Case { deps }
}

fn cases() -> impl Strategy<Value = Case> {
    let mode = prop_oneof![Just(Mode::Backward), Just(Mode::Arbitrary)];
    // In `Arbitrary` mode, kind 0 (a self-edge) has a 1-in-200 chance per edge and
    // 1..=16 (any target, possibly a later step) 16-in-200; the rest point backward.
    let edge = (0u8..200, any::<Index>());
    let steps = prop::collection::vec(prop::collection::vec(edge, 0..4), 1..=40);
    (mode, steps).prop_map(|(mode, raw)| build(mode, raw))
}

fn plan_yaml(case: &Case) -> String {
    let mut text = String::from(
        "apiVersion: restoreplan/v1\nkind: RestorePlan\nmetadata:\n  name: random-graph\nsteps:\n",
    );
    for (i, deps) in case.deps.iter().enumerate() {
        writeln!(text, "  - id: s{i}\n    wait: 1s").expect("writing to a String");
        if !deps.is_empty() {
            let list: Vec<String> = deps.iter().map(|d| format!("s{d}")).collect();
            writeln!(text, "    dependsOn: [{}]", list.join(", ")).expect("writing to a String");
        }
    }
    text
}

fn validate(text: &str) -> Validated {
    let (source, problems) = SourceFile::from_bytes("random.yaml", text.as_bytes());
    validate_plan(source, problems)
}

/// The oracle: depth-first search with three colours; a self-edge is a cycle.
fn has_cycle(deps: &[Vec<usize>]) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Colour {
        White,
        Grey,
        Black,
    }
    fn visit(node: usize, deps: &[Vec<usize>], colour: &mut [Colour]) -> bool {
        colour[node] = Colour::Grey;
        for &next in &deps[node] {
            let found = match colour[next] {
                Colour::Grey => true,
                Colour::White => visit(next, deps, colour),
                Colour::Black => false,
            };
            if found {
                return true;
            }
        }
        colour[node] = Colour::Black;
        false
    }
    let mut colour = vec![Colour::White; deps.len()];
    (0..deps.len()).any(|start| colour[start] == Colour::White && visit(start, deps, &mut colour))
}

/// The strongly connected components with more than one node (cycles that
/// are not self-edges), from the transitive closure; each sorted.
fn nontrivial_components(deps: &[Vec<usize>]) -> BTreeSet<Vec<usize>> {
    let n = deps.len();
    let mut reach = vec![vec![false; n]; n];
    for (from, targets) in deps.iter().enumerate() {
        for &to in targets {
            reach[from][to] = true;
        }
    }
    // Warshall: after step k, reach[i][j] holds for paths through nodes 0..=k.
    for k in 0..n {
        let through = reach[k].clone();
        for row in reach.iter_mut().filter(|row| row[k]) {
            for (cell, &onward) in row.iter_mut().zip(&through) {
                *cell |= onward;
            }
        }
    }
    (0..n)
        .map(|i| {
            (0..n)
                .filter(|&j| j == i || (reach[i][j] && reach[j][i]))
                .collect::<Vec<_>>()
        })
        .filter(|component| component.len() > 1)
        .collect()
}

/// `s12` → 12.
fn step_index(name: &str) -> usize {
    name.strip_prefix('s')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("`{name}` is not a generated step id"))
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let text = plan_yaml(case);
    let validated = validate(&text);
    let diagnostics = &validated.report.diagnostics;
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.id()).collect();
    prop_assert!(
        codes.iter().all(|c| *c == "RP022" || *c == "RP023"),
        "only cycle diagnostics are expected, got {codes:?} for\n{text}"
    );

    let cyclic = has_cycle(&case.deps);
    let reported = codes.iter().any(|c| *c == "RP022" || *c == "RP023");
    prop_assert_eq!(
        reported,
        cyclic,
        "cycle reported ({:?}) must match the oracle for\n{}",
        codes,
        text
    );

    // RP022: one per self-edge.
    let self_edges = case
        .deps
        .iter()
        .enumerate()
        .filter(|(i, deps)| deps.contains(i))
        .count();
    prop_assert_eq!(
        codes.iter().filter(|c| **c == "RP022").count(),
        self_edges,
        "one RP022 per self-edge for\n{}",
        text
    );

    // RP023: each names a real simple cycle, one per cycle-bearing component.
    let components = nontrivial_components(&case.deps);
    let mut covered = BTreeSet::new();
    for d in diagnostics.iter().filter(|d| d.code.id() == "RP023") {
        let path = d
            .message
            .strip_prefix("dependency cycle: ")
            .unwrap_or_else(|| panic!("unexpected cycle message `{}`", d.message));
        let names: Vec<usize> = path.split(" → ").map(step_index).collect();
        prop_assert!(
            names.len() >= 3,
            "a cycle of two or more steps: `{}`",
            d.message
        );
        prop_assert_eq!(names.first(), names.last(), "`{}` is closed", &d.message);
        let distinct: BTreeSet<usize> = names[..names.len() - 1].iter().copied().collect();
        prop_assert_eq!(
            distinct.len(),
            names.len() - 1,
            "`{}` visits no step twice",
            &d.message
        );
        for pair in names.windows(2) {
            prop_assert!(
                case.deps[pair[0]].contains(&pair[1]),
                "`{}`: s{} does not depend on s{} in\n{}",
                &d.message,
                pair[0],
                pair[1],
                text
            );
        }
        let component = components
            .iter()
            .find(|c| c.contains(&names[0]))
            .unwrap_or_else(|| panic!("`{}` lies in no cycle-bearing component", d.message));
        prop_assert!(
            covered.insert(component.clone()),
            "two cycle reports for one component {:?}",
            component
        );
        // One label per entry that forms the cycle.
        prop_assert_eq!(d.labels.len(), names.len() - 1);
    }
    prop_assert_eq!(
        covered.len(),
        components.len(),
        "every cycle-bearing component is reported once for\n{}",
        text
    );

    if cyclic {
        prop_assert!(validated.graph.is_none());
        return Ok(());
    }

    let graph = validated
        .graph
        .as_ref()
        .unwrap_or_else(|| panic!("an acyclic plan has a graph:\n{text}"));
    let n = case.deps.len();
    prop_assert_eq!(graph.node_count(), n);
    for (i, deps) in case.deps.iter().enumerate() {
        prop_assert_eq!(&graph.node(i).id, &format!("s{i}"));
        let mut expected = deps.clone();
        expected.sort_unstable();
        prop_assert_eq!(graph.dependencies(i), expected, "dependencies of s{}", i);
        let wave = graph.wave(i);
        match deps.iter().map(|&d| graph.wave(d)).max() {
            None => prop_assert_eq!(wave, 0, "s{} has no dependencies", i),
            Some(latest) => prop_assert_eq!(wave, latest + 1, "wave of s{}", i),
        }
    }
    let max_wave = (0..n).map(|i| graph.wave(i)).max().unwrap_or(0);
    prop_assert_eq!(graph.wave_count(), max_wave + 1);

    let order: Vec<usize> = graph.topological_order().collect();
    let mut position = vec![None; n];
    for (at, &node) in order.iter().enumerate() {
        prop_assert!(node < n, "node {} out of range", node);
        prop_assert!(
            position[node].is_none(),
            "s{} appears twice in the order",
            node
        );
        position[node] = Some(at);
    }
    prop_assert_eq!(order.len(), n, "the order has every node once");
    for (i, deps) in case.deps.iter().enumerate() {
        for &d in deps {
            prop_assert!(
                position[d] < position[i],
                "s{} comes before its dependency s{} in {:?}",
                i,
                d,
                order
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn cycles_waves_and_order_match_the_oracle(case in cases()) {
        check(&case)?;
    }
}

/// The oracle and the checks themselves, on graphs whose answer is known.
#[test]
fn known_graphs() {
    let dag = Case {
        deps: vec![vec![], vec![0], vec![0], vec![1, 2]],
    };
    assert!(!has_cycle(&dag.deps));
    check(&dag).expect("a diamond is fine");
    let graph = validate(&plan_yaml(&dag))
        .graph
        .expect("a diamond compiles");
    assert_eq!(
        (0..4).map(|i| graph.wave(i)).collect::<Vec<_>>(),
        [0, 1, 1, 2]
    );

    let self_edge = Case {
        deps: vec![vec![0]],
    };
    assert!(has_cycle(&self_edge.deps));
    check(&self_edge).expect("a self-edge is RP022");

    let two_cycles = Case {
        deps: vec![vec![1], vec![2], vec![0], vec![4], vec![3, 0]],
    };
    assert!(has_cycle(&two_cycles.deps));
    assert_eq!(nontrivial_components(&two_cycles.deps).len(), 2);
    check(&two_cycles).expect("two components, two reports");

    // The checks can say no: a duplicate `dependsOn` entry is a schema error, not a cycle.
    let duplicate = Case {
        deps: vec![vec![], vec![0, 0]],
    };
    assert!(check(&duplicate).is_err());
}
