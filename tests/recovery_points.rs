//! Recovery-point resolution and the consistency window, on hand-made
//! timelines: ties, tier expiry, archive-only points, cross-region
//! replication, and windows that cannot be met.

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use restoreplan::check::recovery_points::{
    Chosen, Requirements, Unresolved, Window, candidates, consistent_set, resolve,
};
use restoreplan::model::{
    RecoveryPoint, RecoveryPointQuery, RecoveryPointSelector, Tier, TierKind,
};
use serde_json::json;

fn at(text: &str) -> Timestamp {
    text.parse().expect("test times are valid")
}

/// A point from its id, time, consistency and tiers (`(kind, status, expiresAt)`).
fn point(
    id: &str,
    time: &str,
    consistency: &str,
    tiers: &[(&str, &str, Option<&str>)],
) -> RecoveryPoint {
    let tiers: Vec<_> = tiers
        .iter()
        .map(
            |(kind, status, expires)| json!({"type": kind, "status": status, "expiresAt": expires}),
        )
        .map(|mut tier| {
            if tier["expiresAt"].is_null() {
                tier.as_object_mut().expect("object").remove("expiresAt");
            }
            tier
        })
        .collect();
    serde_json::from_value(
        json!({"id": id, "time": time, "consistency": consistency, "tiers": tiers}),
    )
    .expect("a valid recovery point")
}

fn replicated(mut point: RecoveryPoint) -> RecoveryPoint {
    point.replicated_to_paired_region = true;
    point
}

fn query(selector: serde_json::Value) -> RecoveryPointQuery {
    let selector: RecoveryPointSelector = serde_json::from_value(selector).expect("selector");
    selector.query().expect("a valid query")
}

const ANY: Requirements = Requirements {
    tier: None,
    cross_region: false,
    allow_rehydration: false,
};
const NOW: &str = "2026-11-26T12:00:00Z";

fn timeline() -> Vec<RecoveryPoint> {
    vec![
        point(
            "p1",
            "2026-11-24T02:00:00Z",
            "ApplicationConsistent",
            &[("vault", "valid", None)],
        ),
        replicated(point(
            "p2",
            "2026-11-25T02:00:00Z",
            "ApplicationConsistent",
            &[
                ("snapshot", "valid", Some("2026-11-26T02:00:00Z")),
                ("vault", "valid", None),
            ],
        )),
        point(
            "p3",
            "2026-11-26T02:00:00Z",
            "CrashConsistent",
            &[("snapshot", "valid", Some("2026-12-01T00:00:00Z"))],
        ),
    ]
}

#[test]
fn latest_takes_the_newest_usable_point_from_its_snapshot() {
    let points = timeline();
    let chosen = resolve(&points, &query(json!("latest")), ANY, at(NOW)).expect("resolves");
    assert_eq!(
        (chosen.point.id.as_str(), chosen.tier, chosen.rehydrate),
        ("p3", TierKind::Snapshot, false)
    );
}

#[test]
fn application_consistency_skips_newer_crash_consistent_points() {
    let points = timeline();
    let chosen = resolve(
        &points,
        &query(json!("latest-application-consistent")),
        ANY,
        at(NOW),
    )
    .expect("resolves");
    // p2's snapshot expired at 02:00 today, so its vault copy is what remains.
    assert_eq!(
        (chosen.point.id.as_str(), chosen.tier),
        ("p2", TierKind::Vault)
    );
}

#[test]
fn before_includes_a_point_taken_exactly_then() {
    let points = timeline();
    let chosen = resolve(
        &points,
        &query(json!({"before": "2026-11-25T02:00:00Z"})),
        ANY,
        at(NOW),
    )
    .expect("resolves");
    assert_eq!(chosen.point.id, "p2");
    let earlier = resolve(
        &points,
        &query(json!({"before": "2026-11-25T01:59:59Z"})),
        ANY,
        at(NOW),
    )
    .expect("resolves");
    assert_eq!(earlier.point.id, "p1");
    let none = resolve(
        &points,
        &query(json!({"before": "2026-11-01T00:00:00Z"})),
        ANY,
        at(NOW),
    );
    assert_eq!(none, Err(Unresolved::NoneMatches));
}

#[test]
fn an_id_selects_exactly_that_point() {
    let points = timeline();
    assert_eq!(
        resolve(&points, &query(json!({"id": "p1"})), ANY, at(NOW))
            .expect("resolves")
            .point
            .id,
        "p1"
    );
    assert_eq!(
        resolve(&points, &query(json!({"id": "p9"})), ANY, at(NOW)),
        Err(Unresolved::NoneMatches)
    );
}

#[test]
fn a_required_tier_skips_points_without_it_and_expiry_counts() {
    let points = timeline();
    let vault = Requirements {
        tier: Some(Tier::Vault),
        ..ANY
    };
    assert_eq!(
        resolve(&points, &query(json!("latest")), vault, at(NOW))
            .expect("resolves")
            .point
            .id,
        "p2"
    );
    let snapshot = Requirements {
        tier: Some(Tier::Snapshot),
        ..ANY
    };
    // Only p3's snapshot is still valid at noon; a day later none is.
    assert_eq!(
        resolve(&points, &query(json!("latest")), snapshot, at(NOW))
            .expect("resolves")
            .point
            .id,
        "p3"
    );
    let later = resolve(
        &points,
        &query(json!("latest")),
        snapshot,
        at("2026-12-02T00:00:00Z"),
    );
    assert_eq!(
        later,
        Err(Unresolved::TierUnavailable {
            newest: "p3".into(),
            needed: "a valid snapshot tier"
        })
    );
}

#[test]
fn cross_region_needs_a_replicated_vault_tier() {
    let points = timeline();
    let crr = Requirements {
        cross_region: true,
        ..ANY
    };
    let chosen = resolve(&points, &query(json!("latest")), crr, at(NOW)).expect("resolves");
    assert_eq!(
        (chosen.point.id.as_str(), chosen.tier),
        ("p2", TierKind::Vault)
    );
    let only_unreplicated = vec![timeline().remove(0)];
    assert!(matches!(
        resolve(&only_unreplicated, &query(json!("latest")), crr, at(NOW)),
        Err(Unresolved::TierUnavailable { .. })
    ));
}

#[test]
fn an_archive_only_point_needs_rehydration_to_be_allowed() {
    let points = vec![point(
        "old",
        "2026-05-01T00:00:00Z",
        "ApplicationConsistent",
        &[("archive", "valid", None), ("vault", "deleted", None)],
    )];
    let refused = resolve(&points, &query(json!("latest")), ANY, at(NOW));
    assert_eq!(
        refused,
        Err(Unresolved::ArchiveOnly {
            point: "old".into()
        })
    );
    let allowed = Requirements {
        allow_rehydration: true,
        ..ANY
    };
    let chosen = resolve(&points, &query(json!("latest")), allowed, at(NOW)).expect("resolves");
    assert_eq!((chosen.tier, chosen.rehydrate), (TierKind::Archive, true));
}

#[test]
fn an_archive_only_newest_point_is_reported_not_skipped_for_an_older_one() {
    let points = vec![
        point(
            "april",
            "2026-04-30T00:00:00Z",
            "ApplicationConsistent",
            &[("vault", "valid", None)],
        ),
        point(
            "may",
            "2026-05-31T00:00:00Z",
            "ApplicationConsistent",
            &[("archive", "valid", None)],
        ),
    ];
    let refused = resolve(&points, &query(json!("latest")), ANY, at(NOW));
    assert_eq!(
        refused,
        Err(Unresolved::ArchiveOnly {
            point: "may".into()
        })
    );
    let allowed = Requirements {
        allow_rehydration: true,
        ..ANY
    };
    assert_eq!(
        resolve(&points, &query(json!("latest")), allowed, at(NOW))
            .expect("resolves")
            .point
            .id,
        "may"
    );
}

#[test]
fn no_points_and_ties_are_handled_deterministically() {
    assert_eq!(
        resolve(&[], &query(json!("latest")), ANY, at(NOW)),
        Err(Unresolved::NoPoints)
    );
    let a = point(
        "a",
        "2026-11-25T00:00:00Z",
        "ApplicationConsistent",
        &[("vault", "valid", None)],
    );
    let b = point(
        "b",
        "2026-11-25T00:00:00Z",
        "ApplicationConsistent",
        &[("vault", "valid", None)],
    );
    let forward = vec![a.clone(), b.clone()];
    let backward = vec![b, a];
    let first = resolve(&forward, &query(json!("latest")), ANY, at(NOW))
        .expect("resolves")
        .point
        .id
        .clone();
    let second = resolve(&backward, &query(json!("latest")), ANY, at(NOW))
        .expect("resolves")
        .point
        .id
        .clone();
    assert_eq!(first, second);
}

fn vm(times: &[&str]) -> Vec<RecoveryPoint> {
    times
        .iter()
        .enumerate()
        .map(|(i, time)| {
            point(
                &format!("{time}#{i}"),
                time,
                "ApplicationConsistent",
                &[("vault", "valid", None)],
            )
        })
        .collect()
}

fn chosen_times(window: &Window<'_>) -> Vec<String> {
    match window {
        Window::Found(set) => set.iter().map(|c| c.point.time.to_string()).collect(),
        Window::Impossible { .. } => Vec::new(),
    }
}

#[test]
fn the_window_picks_the_newest_set_within_it() {
    let sql = vm(&["2026-11-26T04:00:00Z", "2026-11-25T04:00:00Z"]);
    let app = vm(&["2026-11-26T05:00:00Z", "2026-11-25T04:10:00Z"]);
    let web = vm(&["2026-11-25T04:20:00Z"]);
    let per_vm: Vec<Vec<Chosen<'_>>> = [&sql, &app, &web]
        .iter()
        .map(|points| candidates(points, &query(json!("latest")), ANY, at(NOW)))
        .collect();
    let window = consistent_set(&per_vm, SignedDuration::from_mins(30));
    assert_eq!(
        chosen_times(&window),
        [
            "2026-11-25T04:00:00Z",
            "2026-11-25T04:10:00Z",
            "2026-11-25T04:20:00Z"
        ]
    );
    // With two hours, sql and app can use their newest points, but web holds everyone back.
    let wide = consistent_set(&per_vm[..2], SignedDuration::from_hours(2));
    assert_eq!(
        chosen_times(&wide),
        ["2026-11-26T04:00:00Z", "2026-11-26T05:00:00Z"]
    );
}

#[test]
fn an_impossible_window_names_the_vm_that_breaks_it() {
    let sql = vm(&["2026-11-26T04:00:00Z"]);
    let app = vm(&["2026-11-26T04:05:00Z"]);
    let web = vm(&["2026-11-20T04:00:00Z"]);
    let per_vm: Vec<Vec<Chosen<'_>>> = [&sql, &app, &web]
        .iter()
        .map(|points| candidates(points, &query(json!("latest")), ANY, at(NOW)))
        .collect();
    assert_eq!(
        consistent_set(&per_vm, SignedDuration::from_mins(30)),
        Window::Impossible { left_out: vec![2] }
    );
}

proptest! {
    /// Against a brute force over every combination: a set is found exactly
    /// when one exists, it lies within the window, and no valid set has a
    /// later newest point.
    #[test]
    fn the_window_agrees_with_brute_force(
        hours in prop::collection::vec(prop::collection::vec(0u32..48, 1..4), 1..4),
        window_hours in 0i64..6,
    ) {
        let base = at("2026-11-01T00:00:00Z");
        let timelines: Vec<Vec<RecoveryPoint>> = hours
            .iter()
            .map(|vm_hours| {
                vm_hours
                    .iter()
                    .enumerate()
                    .map(|(i, h)| {
                        let time = base + SignedDuration::from_hours(i64::from(*h));
                        point(&format!("{i}"), &time.to_string(), "ApplicationConsistent", &[("vault", "valid", None)])
                    })
                    .collect()
            })
            .collect();
        let per_vm: Vec<Vec<Chosen<'_>>> = timelines
            .iter()
            .map(|points| candidates(points, &query(json!("latest")), ANY, at(NOW)))
            .collect();
        let window = SignedDuration::from_hours(window_hours);
        // Brute force: the latest possible newest-point among all valid combinations.
        let mut best: Option<Timestamp> = None;
        let mut stack = vec![(0usize, Vec::<Timestamp>::new())];
        while let Some((vm, chosen)) = stack.pop() {
            if vm == per_vm.len() {
                let (lo, hi) = (*chosen.iter().min().expect("non-empty"), *chosen.iter().max().expect("non-empty"));
                if hi.duration_since(lo) <= window {
                    best = best.max(Some(hi));
                }
                continue;
            }
            for c in &per_vm[vm] {
                let mut next = chosen.clone();
                next.push(c.point.time);
                stack.push((vm + 1, next));
            }
        }
        match consistent_set(&per_vm, window) {
            Window::Found(set) => {
                let times: Vec<Timestamp> = set.iter().map(|c| c.point.time).collect();
                let (lo, hi) = (*times.iter().min().expect("non-empty"), *times.iter().max().expect("non-empty"));
                prop_assert!(hi.duration_since(lo) <= window);
                prop_assert_eq!(Some(hi), best);
            }
            Window::Impossible { left_out } => {
                prop_assert!(best.is_none());
                prop_assert!(!left_out.is_empty());
            }
        }
    }
}
