//! What `apply` shows while it runs. On a terminal: live bars, one line per
//! running step (its kind, node and VM, the Azure job's current task and
//! percentage, the time elapsed) under an overall bar (done of total, failed,
//! skipped, and what is left of the critical path). Elsewhere: one plain line
//! per transition. With `--events json`: one JSON object per event on stdout.

use crate::azure::backup::JobProgress;
use crate::check::resolved::Resolved;
use crate::exec::journal::Event;
use crate::model::Duration;
use crate::report::human;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::Timestamp;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::Mutex;

/// How transitions are shown.
pub enum Progress {
    /// JSON lines on stdout.
    Json,
    /// One line per transition on stderr.
    Lines,
    /// Live bars.
    Live(Box<Mutex<Live>>),
}

impl Progress {
    /// JSON lines, live bars when stderr is a terminal, else plain lines.
    pub fn choose(json: bool, resolved: &Resolved) -> Self {
        use std::io::IsTerminal;
        let dumb = std::env::var("TERM").is_ok_and(|term| term == "dumb");
        if json {
            Progress::Json
        } else if std::io::stderr().is_terminal() && !dumb {
            Progress::live(resolved, ProgressDrawTarget::stderr())
        } else {
            Progress::Lines
        }
    }

    /// Live bars drawn to `target`.
    pub fn live(resolved: &Resolved, target: ProgressDrawTarget) -> Self {
        Progress::Live(Box::new(Mutex::new(Live::new(resolved, target))))
    }

    /// Shows one event.
    pub fn event(&self, event: &Event) {
        match self {
            Progress::Json => {
                if let Ok(line) = serde_json::to_string(event) {
                    let _ = writeln!(std::io::stdout().lock(), "{line}");
                }
            }
            Progress::Lines => eprintln!("{}", transition(event)),
            Progress::Live(live) => lock(live).event(event),
        }
    }

    /// Shows where a running node's Azure job is.
    pub fn job(&self, node: &str, progress: &JobProgress) {
        if let Progress::Live(live) = self {
            lock(live).job(node, progress);
        }
    }

    /// Prints a message for the operator (above the bars when they are live).
    pub fn say(&self, text: &str) {
        match self {
            Progress::Live(live) => {
                let _ = lock(live).bars.println(text);
            }
            Progress::Json | Progress::Lines => eprintln!("{text}"),
        }
    }

    /// Removes the bars, leaving the lines printed above them.
    pub fn finish(&self) {
        if let Progress::Live(live) = self {
            lock(live).finish();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The line of a transition, as printed without a terminal.
pub fn transition(event: &Event) -> String {
    match event {
        Event::RunStarted { run_id, plan, .. } => format!("run {run_id}: applying `{plan}`"),
        Event::StepStarted { node, attempt, .. } if *attempt > 1 => {
            format!("{node}: attempt {attempt}")
        }
        Event::StepStarted { node, .. } => format!("{node}: started"),
        Event::StepSubmitted { node, job_id, .. } => match job_id {
            Some(job) => format!("{node}: submitted (job {job})"),
            None => format!("{node}: submitted"),
        },
        Event::StepSucceeded { node, .. } => format!("{node}: succeeded"),
        Event::StepFailed {
            node,
            code,
            message,
            ..
        } => format!("{node}: failed [{code}] {}", human::printable(message)),
        Event::StepSkipped { node, reason, .. } => format!("{node}: skipped ({reason})"),
        Event::ApprovalGiven {
            node, user, host, ..
        } => format!("{node}: approved by {user}@{host}"),
        Event::RunInterrupted { in_flight, .. } => {
            format!("interrupted with {} step(s) in flight", in_flight.len())
        }
        Event::RunFinished { outcome, .. } => format!("run {outcome}"),
    }
}

/// One node as the live view knows it.
#[derive(Debug, Clone)]
struct NodeInfo {
    kind: String,
    vm: Option<String>,
    estimate: u64,
    depends_on: Vec<usize>,
}

/// Where a node stands.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Standing {
    Pending,
    Running { since: Timestamp },
    Over,
}

/// The live bars and what they are drawn from.
pub struct Live {
    bars: MultiProgress,
    overall: ProgressBar,
    running: HashMap<String, ProgressBar>,
    /// Nodes in an order where dependencies come first.
    nodes: Vec<NodeInfo>,
    index: HashMap<String, usize>,
    standing: Vec<Standing>,
    counts: BTreeMap<&'static str, u64>,
    /// The latest time an event carried: the run's clock, simulated or not.
    now: Option<Timestamp>,
}

impl Live {
    fn new(resolved: &Resolved, target: ProgressDrawTarget) -> Self {
        let mut order: Vec<usize> = (0..resolved.nodes.len()).collect();
        // A node's wave is after each of its dependencies' waves.
        order.sort_by_key(|&i| resolved.nodes[i].wave);
        let index: HashMap<String, usize> = order
            .iter()
            .enumerate()
            .map(|(position, &i)| (resolved.nodes[i].id.clone(), position))
            .collect();
        let nodes: Vec<NodeInfo> = order
            .iter()
            .map(|&i| {
                let node = &resolved.nodes[i];
                NodeInfo {
                    kind: node.kind.clone(),
                    vm: node.vm.clone(),
                    estimate: node.estimate_seconds,
                    depends_on: node
                        .depends_on
                        .iter()
                        .filter_map(|d| index.get(d).copied())
                        .collect(),
                }
            })
            .collect();
        let bars = MultiProgress::with_draw_target(target);
        let overall = bars.add(ProgressBar::new(nodes.len() as u64));
        overall.set_style(
            ProgressStyle::with_template("{bar:30.cyan/blue} {pos}/{len} done · {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let standing = vec![Standing::Pending; nodes.len()];
        let mut live = Live {
            bars,
            overall,
            running: HashMap::new(),
            nodes,
            index,
            standing,
            counts: BTreeMap::new(),
            now: None,
        };
        live.refresh_overall();
        live
    }

    fn event(&mut self, event: &Event) {
        let at = event.at();
        self.now = Some(self.now.map_or(at, |now| now.max(at)));
        match event {
            Event::StepStarted { node, attempt, .. } => {
                self.set(node, Standing::Running { since: at });
                let bar = self.running.entry(node.clone()).or_insert_with(|| {
                    let bar = self
                        .bars
                        .insert_before(&self.overall, ProgressBar::new_spinner());
                    bar.set_style(
                        ProgressStyle::with_template("{spinner} {prefix:.bold} {msg} ({elapsed})")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    bar.enable_steady_tick(std::time::Duration::from_millis(250));
                    bar
                });
                let info = self.index.get(node).map(|&i| &self.nodes[i]);
                let kind = info.map_or("step", |i| i.kind.as_str());
                let vm = info
                    .and_then(|i| i.vm.as_deref())
                    .map(|vm| format!(" {vm}"))
                    .unwrap_or_default();
                bar.set_prefix(format!("{kind} {node}"));
                bar.set_message(if *attempt > 1 {
                    format!("{vm} attempt {attempt}")
                } else {
                    format!("{vm} starting")
                });
            }
            Event::StepSubmitted { node, job_id, .. } => {
                if let Some(bar) = self.running.get(node) {
                    bar.set_message(match job_id {
                        Some(job) => format!("submitted, job {job}"),
                        None => "submitted".to_string(),
                    });
                }
            }
            Event::StepSucceeded { node, .. } => self.over(node, "succeeded", event),
            Event::StepFailed { node, .. } => self.over(node, "failed", event),
            Event::StepSkipped { node, .. } => self.over(node, "skipped", event),
            _ => {
                let _ = self.bars.println(transition(event));
            }
        }
        self.refresh_overall();
    }

    fn set(&mut self, node: &str, standing: Standing) {
        if let Some(&i) = self.index.get(node) {
            self.standing[i] = standing;
        }
    }

    fn over(&mut self, node: &str, outcome: &'static str, event: &Event) {
        self.set(node, Standing::Over);
        *self.counts.entry(outcome).or_default() += 1;
        if let Some(bar) = self.running.remove(node) {
            bar.finish_and_clear();
            self.bars.remove(&bar);
        }
        let _ = self.bars.println(transition(event));
    }

    fn job(&mut self, node: &str, progress: &JobProgress) {
        let Some(bar) = self.running.get(node) else {
            return;
        };
        let task = progress
            .tasks
            .iter()
            .find(|(_, status, _)| {
                status
                    .as_ref()
                    .is_some_and(|s| s.as_str().eq_ignore_ascii_case("InProgress"))
            })
            .map(|(name, _, _)| name.as_str());
        let percent = progress
            .percentage
            .map(|p| format!(" {p:.0}%"))
            .unwrap_or_default();
        bar.set_message(format!(
            "job {}: {}{percent}",
            progress.job_id,
            task.unwrap_or("running")
        ));
    }

    /// The longest chain of work still to do, from the estimates: pending
    /// nodes count whole, running ones what their estimate has left.
    fn critical_path_left(&self) -> Duration {
        let now = self.now;
        let mut finish = vec![0u64; self.nodes.len()];
        for (i, node) in self.nodes.iter().enumerate() {
            let own = match self.standing[i] {
                Standing::Over => 0,
                Standing::Pending => node.estimate,
                Standing::Running { since } => {
                    let spent = now
                        .map(|now| now.duration_since(since).as_secs().max(0).unsigned_abs())
                        .unwrap_or(0);
                    node.estimate.saturating_sub(spent)
                }
            };
            let before = node
                .depends_on
                .iter()
                .map(|&d| finish.get(d).copied().unwrap_or(0))
                .max()
                .unwrap_or(0);
            finish[i] = before.saturating_add(own);
        }
        Duration::from_secs(finish.into_iter().max().unwrap_or(0))
    }

    fn refresh_overall(&mut self) {
        let done: u64 = self.counts.values().sum();
        self.overall.set_position(done);
        let count = |what| self.counts.get(what).copied().unwrap_or(0);
        self.overall.set_message(format!(
            "{} running, {} failed, {} skipped · critical path left ~{}",
            self.running.len(),
            count("failed"),
            count("skipped"),
            self.critical_path_left()
        ));
    }

    fn finish(&mut self) {
        for (_, bar) in self.running.drain() {
            bar.finish_and_clear();
        }
        self.overall.finish_and_clear();
        let _ = self.bars.clear();
    }
}

#[cfg(test)]
mod tests;
