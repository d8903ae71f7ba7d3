//! Simulated restore jobs: a job is a list of tasks with durations computed
//! from the disks and the tier they come from; its progress is a function of
//! the simulated time, so nothing ever sleeps for a restore to advance.

use crate::model::{EmulatorSettings, TierKind};
use jiff::{SignedDuration, Timestamp};

/// What a restore produces, which decides its last task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreKind {
    /// Disks replaced on the original VM.
    OriginalLocation,
    /// A new VM.
    AlternateLocation,
    /// Disks and a template in a staging account.
    RestoreDisks,
}

/// Rehydration priority of an archived recovery point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rehydration {
    /// Azure's standard priority: the slower, cheaper one.
    Standard,
    /// Azure's high priority.
    High,
}

impl Rehydration {
    /// How long bringing an archived point back takes (Azure promises up to
    /// 48 h for standard and a few hours for high; these are typical values).
    fn duration(self) -> SignedDuration {
        match self {
            Rehydration::Standard => SignedDuration::from_hours(15),
            Rehydration::High => SignedDuration::from_hours(3),
        }
    }
}

/// One step of a job and how long it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTask {
    /// The name Azure shows in `tasksList`.
    pub name: &'static str,
    /// Its simulated duration.
    pub duration: SignedDuration,
}

/// The tasks of a restore of `disk_gib` GiB from `tier`.
pub fn plan_restore(
    kind: RestoreKind,
    disk_gib: u64,
    tier: TierKind,
    rehydration: Option<Rehydration>,
    settings: &EmulatorSettings,
) -> Vec<PlannedTask> {
    let seconds = |duration: crate::model::Duration| {
        SignedDuration::from_secs(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX))
    };
    let mut tasks = Vec::new();
    if let Some(priority) = rehydration {
        tasks.push(PlannedTask {
            name: "Rehydrate recovery point",
            duration: priority.duration(),
        });
    }
    tasks.push(PlannedTask {
        name: "Prepare recovery point",
        duration: seconds(settings.snapshot_time),
    });
    let mibps = match tier {
        TierKind::Snapshot => settings.snapshot_transfer_mibps,
        TierKind::Vault | TierKind::Archive => settings.vault_transfer_mibps,
    }
    .max(1);
    let transfer = disk_gib.saturating_mul(1024) / mibps;
    tasks.push(PlannedTask {
        name: "Transfer data",
        duration: SignedDuration::from_secs(i64::try_from(transfer).unwrap_or(i64::MAX).max(1)),
    });
    match kind {
        RestoreKind::AlternateLocation => tasks.push(PlannedTask {
            name: "Create virtual machine",
            duration: seconds(settings.vm_create_time),
        }),
        RestoreKind::OriginalLocation => tasks.push(PlannedTask {
            name: "Replace disks",
            duration: seconds(settings.vm_create_time) / 2,
        }),
        RestoreKind::RestoreDisks => tasks.push(PlannedTask {
            name: "Write template",
            duration: SignedDuration::from_secs(30),
        }),
    }
    tasks
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    /// Not started.
    NotStarted,
    /// Running.
    InProgress,
    /// Done.
    Completed,
}

impl TaskState {
    /// The status text Azure's `tasksList` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::NotStarted => "NotStarted",
            TaskState::InProgress => "InProgress",
            TaskState::Completed => "Completed",
        }
    }
}

/// One task at a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskProgress {
    /// The task's name.
    pub name: &'static str,
    /// Where it stands.
    pub state: TaskState,
    /// How far it is, 0 to 100.
    pub percent: f64,
    /// When it started, if it has.
    pub start: Option<Timestamp>,
    /// When it ended, if it has.
    pub end: Option<Timestamp>,
    /// Its planned duration.
    pub duration: SignedDuration,
}

/// A job at a moment: its tasks, and the whole job's progress by time.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Each task.
    pub tasks: Vec<TaskProgress>,
    /// The whole job, 0 to 100.
    pub percent: f64,
    /// Simulated time left.
    pub remaining: SignedDuration,
    /// When the last task ended, once it has.
    pub finished: Option<Timestamp>,
}

/// Where a job started at `started` with `tasks` stands at `now`.
pub fn progress(tasks: &[PlannedTask], started: Timestamp, now: Timestamp) -> Progress {
    let total: SignedDuration = tasks.iter().map(|t| t.duration).sum();
    let elapsed = now.duration_since(started).max(SignedDuration::ZERO);
    let mut at = started;
    let mut progress = Vec::with_capacity(tasks.len());
    for task in tasks {
        let end = at.checked_add(task.duration).unwrap_or(Timestamp::MAX);
        let (state, percent) = if now >= end {
            (TaskState::Completed, 100.0)
        } else if now >= at {
            let done = now.duration_since(at).as_secs_f64();
            (
                TaskState::InProgress,
                100.0 * done / task.duration.as_secs_f64().max(1.0),
            )
        } else {
            (TaskState::NotStarted, 0.0)
        };
        progress.push(TaskProgress {
            name: task.name,
            state,
            percent,
            start: (state != TaskState::NotStarted).then_some(at),
            end: (state == TaskState::Completed).then_some(end),
            duration: task.duration,
        });
        at = end;
    }
    let finished = (elapsed >= total).then_some(at);
    let percent = if total.is_zero() {
        100.0
    } else {
        (100.0 * elapsed.as_secs_f64() / total.as_secs_f64()).min(100.0)
    };
    Progress {
        tasks: progress,
        percent,
        remaining: (total - elapsed).max(SignedDuration::ZERO),
        finished,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().expect("time")
    }

    #[test]
    fn durations_follow_disk_size_and_tier() {
        let settings = EmulatorSettings::default();
        let snapshot = plan_restore(
            RestoreKind::AlternateLocation,
            1152,
            TierKind::Snapshot,
            None,
            &settings,
        );
        let vault = plan_restore(
            RestoreKind::AlternateLocation,
            1152,
            TierKind::Vault,
            None,
            &settings,
        );
        let names: Vec<_> = snapshot.iter().map(|t| t.name).collect();
        assert_eq!(
            names,
            [
                "Prepare recovery point",
                "Transfer data",
                "Create virtual machine"
            ]
        );
        // 1152 GiB at 2048 MiB/s and at 146 MiB/s (the dry run's 2 h per TiB).
        assert_eq!(snapshot[1].duration, SignedDuration::from_secs(576));
        assert_eq!(vault[1].duration, SignedDuration::from_secs(8079));
        let archived = plan_restore(
            RestoreKind::RestoreDisks,
            64,
            TierKind::Archive,
            Some(Rehydration::High),
            &settings,
        );
        assert_eq!(archived[0].name, "Rehydrate recovery point");
        assert_eq!(archived.last().map(|t| t.name), Some("Write template"));
    }

    #[test]
    fn progress_is_computed_from_the_clock() {
        let tasks = [
            PlannedTask {
                name: "a",
                duration: SignedDuration::from_mins(10),
            },
            PlannedTask {
                name: "b",
                duration: SignedDuration::from_mins(30),
            },
        ];
        let start = at("2026-11-26T10:00:00Z");
        let before = progress(&tasks, start, start);
        assert_eq!(before.percent, 0.0);
        assert_eq!(before.tasks[0].state, TaskState::InProgress);
        let midway = progress(&tasks, start, at("2026-11-26T10:20:00Z"));
        assert_eq!(midway.percent, 50.0);
        assert_eq!(midway.tasks[0].state, TaskState::Completed);
        assert!((midway.tasks[1].percent - 100.0 / 3.0).abs() < 1e-9);
        assert_eq!(midway.remaining, SignedDuration::from_mins(20));
        assert_eq!(midway.finished, None);
        let done = progress(&tasks, start, at("2026-11-26T12:00:00Z"));
        assert_eq!(done.percent, 100.0);
        assert_eq!(done.finished, Some(at("2026-11-26T10:40:00Z")));
        assert_eq!(done.tasks[1].end, Some(at("2026-11-26T10:40:00Z")));
    }
}
