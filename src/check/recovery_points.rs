//! Recovery-point resolution: which concrete point a restore will use, by
//! the plan's selector, its tier requirement and what the inventory says is
//! usable at the time of the run; and the consistency window across VMs.

use crate::model::{
    Consistency, ConsistencyFilter, RecoveryPoint, RecoveryPointQuery, Tier, TierKind,
};
use jiff::Timestamp;

/// What a restore needs of its recovery point besides the selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirements {
    /// The tier the plan insists on, if any.
    pub tier: Option<Tier>,
    /// A cross-region restore reads only vault-tier points replicated to the paired region.
    pub cross_region: bool,
    /// Whether an archive-only point may be rehydrated first.
    pub allow_rehydration: bool,
}

/// The point a restore will use, and from which tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chosen<'a> {
    /// The recovery point.
    pub point: &'a RecoveryPoint,
    /// The tier the restore reads.
    pub tier: TierKind,
    /// Whether the point must be rehydrated from the archive first.
    pub rehydrate: bool,
}

/// Why no point can be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// The protected item has no recovery points at all.
    NoPoints,
    /// No point matches the selector (consistency, time or id).
    NoneMatches,
    /// Points match, but none has the tier the restore needs, valid at the time of the run.
    TierUnavailable {
        /// The newest matching point.
        newest: String,
        /// What the restore needs, for the message.
        needed: &'static str,
    },
    /// The newest usable point is only in the archive, and rehydration is not allowed.
    ArchiveOnly {
        /// That point.
        point: String,
    },
}

fn accepts(query: &RecoveryPointQuery, point: &RecoveryPoint) -> bool {
    let consistency = match query.consistency {
        ConsistencyFilter::Any => true,
        ConsistencyFilter::Application => point.consistency == Consistency::ApplicationConsistent,
        ConsistencyFilter::Crash => point.consistency == Consistency::CrashConsistent,
    };
    consistency
        && query.before.is_none_or(|before| point.time <= before)
        && query.id.as_ref().is_none_or(|id| *id == point.id)
}

/// The tier a point would be restored from under the requirements, if any.
fn usable_tier(
    point: &RecoveryPoint,
    needs: Requirements,
    at: Timestamp,
) -> Option<(TierKind, bool)> {
    let valid: Vec<TierKind> = point.valid_tiers(at).collect();
    let has = |kind| valid.contains(&kind);
    if needs.cross_region {
        return (point.replicated_to_paired_region && has(TierKind::Vault))
            .then_some((TierKind::Vault, false));
    }
    match needs.tier {
        Some(Tier::Snapshot) => has(TierKind::Snapshot).then_some((TierKind::Snapshot, false)),
        Some(Tier::Vault) => has(TierKind::Vault).then_some((TierKind::Vault, false)),
        // Azure restores from the snapshot when it has one: the fastest path.
        None if has(TierKind::Snapshot) => Some((TierKind::Snapshot, false)),
        None if has(TierKind::Vault) => Some((TierKind::Vault, false)),
        None if has(TierKind::Archive) => Some((TierKind::Archive, true)),
        None => None,
    }
}

/// The points a restore could use, newest first (ties broken by id, so the
/// choice never depends on the inventory's order).
pub fn candidates<'a>(
    points: &'a [RecoveryPoint],
    query: &RecoveryPointQuery,
    needs: Requirements,
    at: Timestamp,
) -> Vec<Chosen<'a>> {
    let mut found: Vec<Chosen<'a>> = points
        .iter()
        .filter(|point| accepts(query, point))
        .filter_map(|point| {
            let (tier, rehydrate) = usable_tier(point, needs, at)?;
            (!rehydrate || needs.allow_rehydration).then_some(Chosen {
                point,
                tier,
                rehydrate,
            })
        })
        .collect();
    found.sort_by(|a, b| {
        b.point
            .time
            .cmp(&a.point.time)
            .then_with(|| b.point.id.cmp(&a.point.id))
    });
    found
}

/// The point a restore will use: the newest usable one matching the selector.
pub fn resolve<'a>(
    points: &'a [RecoveryPoint],
    query: &RecoveryPointQuery,
    needs: Requirements,
    at: Timestamp,
) -> Result<Chosen<'a>, Unresolved> {
    if points.is_empty() {
        return Err(Unresolved::NoPoints);
    }
    // The newest usable point, were rehydration allowed: when it is archive-only
    // and rehydration is not allowed, that is the finding; falling back quietly
    // to an older point would lose data without saying so.
    let willing = Requirements {
        allow_rehydration: true,
        ..needs
    };
    if let Some(chosen) = candidates(points, query, willing, at).into_iter().next() {
        if chosen.rehydrate && !needs.allow_rehydration {
            return Err(Unresolved::ArchiveOnly {
                point: chosen.point.id.clone(),
            });
        }
        return Ok(chosen);
    }
    let newest = points
        .iter()
        .filter(|point| accepts(query, point))
        .max_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)))
        .ok_or(Unresolved::NoneMatches)?;
    if !needs.cross_region
        && needs.tier.is_none()
        && usable_tier(newest, needs, at).is_some_and(|(_, rehydrate)| rehydrate)
    {
        return Err(Unresolved::ArchiveOnly {
            point: newest.id.clone(),
        });
    }
    let needed = match (needs.cross_region, needs.tier) {
        (true, _) => "a valid vault tier replicated to the paired region",
        (false, Some(Tier::Snapshot)) => "a valid snapshot tier",
        (false, Some(Tier::Vault)) => "a valid vault tier",
        (false, None) => "a valid tier",
    };
    Err(Unresolved::TierUnavailable {
        newest: newest.id.clone(),
        needed,
    })
}

/// A set of points, one per VM, that lie within a window of each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Window<'a> {
    /// The newest such set, one chosen point per VM, in the order given.
    Found(Vec<Chosen<'a>>),
    /// No set exists; the VMs (by index) that the best window could not cover.
    Impossible {
        /// The VMs left out of the window that covers the most of them.
        left_out: Vec<usize>,
    },
}

/// Chooses, for each VM's candidates (newest first), the newest set of
/// points whose times lie within `window` of each other.
///
/// A sweep over every candidate, newest first, as the window's upper end:
/// the first upper end under which every VM has a point gives the newest
/// set, each VM taking its newest point inside. Linear after one sort.
pub fn consistent_set<'a>(per_vm: &[Vec<Chosen<'a>>], window: jiff::SignedDuration) -> Window<'a> {
    if per_vm.is_empty() {
        return Window::Found(Vec::new());
    }
    // A window longer than recorded time reaches back to its beginning.
    let back = |from: Timestamp| from.checked_sub(window).unwrap_or(Timestamp::MIN);
    let mut all: Vec<(Timestamp, usize, usize)> = per_vm
        .iter()
        .enumerate()
        .flat_map(|(vm, points)| {
            points
                .iter()
                .enumerate()
                .map(move |(i, c)| (c.point.time, vm, i))
        })
        .collect();
    // Newest first; ties in a fixed order.
    all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut inside = vec![0usize; per_vm.len()];
    let mut covered = 0;
    let mut best: (usize, usize) = (0, 0); // (covered, upper-end index)
    let mut low = 0; // one past the oldest entry inside the window
    for high in 0..all.len() {
        let earliest = back(all[high].0);
        while low < all.len() && all[low].0 >= earliest {
            let vm = all[low].1;
            if inside[vm] == 0 {
                covered += 1;
            }
            inside[vm] += 1;
            low += 1;
        }
        if covered > best.0 {
            best = (covered, high);
        }
        if covered == per_vm.len() {
            let upper = all[high].0;
            let chosen = per_vm
                .iter()
                .map(|points| {
                    *points
                        .iter()
                        .find(|c| c.point.time <= upper && c.point.time >= earliest)
                        .expect("invariant: every VM has a point in the window")
                })
                .collect();
            return Window::Found(chosen);
        }
        // The upper end moves down: the entry at `high` leaves the window.
        let vm = all[high].1;
        inside[vm] -= 1;
        if inside[vm] == 0 {
            covered -= 1;
        }
    }
    let upper = all.get(best.1).map(|e| e.0);
    let left_out = per_vm
        .iter()
        .enumerate()
        .filter(|(_, points)| {
            !upper.is_some_and(|upper| {
                points
                    .iter()
                    .any(|c| c.point.time <= upper && c.point.time >= back(upper))
            })
        })
        .map(|(vm, _)| vm)
        .collect();
    Window::Impossible { left_out }
}
