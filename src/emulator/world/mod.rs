//! The emulator's world: the inventory it was seeded with, changed as
//! restores complete, and the log of every change. Handlers read and change
//! it under one lock, so a reader never sees half of a restore's effects.

mod activity;
mod effects;
mod template;

pub use activity::{
    DeploymentRecord, JobOperation, JobOutcome, JobRecord, OperationRecord, OperationResult,
};
pub use effects::{Blob, CompletedRestore, LooseDisk, Produced};
pub use template::TemplateVm;

use crate::model::Inventory;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Value, json};

/// One change the emulator made to the estate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// When it happened, in simulated time.
    pub time: Timestamp,
    /// What happened, such as `vm-created` or `disk-replaced`.
    pub kind: String,
    /// The ARM id of the resource it happened to.
    pub resource: String,
    /// One sentence for people.
    pub detail: String,
}

/// The current estate and how it came to be.
#[derive(Debug)]
pub struct World {
    /// The estate as it is now.
    pub inventory: Inventory,
    /// Every change since the start, oldest first.
    pub changes: Vec<Change>,
    /// Disks outside any VM: restored ones, and originals a replace kept.
    pub loose_disks: Vec<LooseDisk>,
    /// Blobs written to staging accounts.
    pub blobs: Vec<Blob>,
    /// Restore jobs, oldest first.
    pub jobs: Vec<JobRecord>,
    /// Long-running operations, oldest first.
    pub operations: Vec<OperationRecord>,
    /// Template deployments, oldest first.
    pub deployments: Vec<DeploymentRecord>,
    /// Cross-region restore access tokens: (token, protected item id, point).
    pub access_tokens: Vec<(String, String, String)>,
}

impl World {
    /// The world as the inventory describes it, with no changes yet.
    pub fn new(inventory: Inventory) -> Self {
        World {
            inventory,
            changes: Vec::new(),
            loose_disks: Vec::new(),
            blobs: Vec::new(),
            jobs: Vec::new(),
            operations: Vec::new(),
            deployments: Vec::new(),
            access_tokens: Vec::new(),
        }
    }

    /// Records a change; the caller has already made it to the inventory.
    pub fn record(&mut self, time: Timestamp, kind: &str, resource: &str, detail: String) {
        self.changes.push(Change {
            time,
            kind: kind.to_owned(),
            resource: resource.to_owned(),
            detail,
        });
    }

    /// `GET /_emulator/world`: the current inventory, in the inventory file's
    /// own shape (so it can be fed back to `plan`), the changes, the loose
    /// disks and the names of the blobs.
    pub fn to_json(&self) -> Value {
        let mut inventory = json!({ "apiVersion": "restoreplan/v1", "kind": "Inventory" });
        if let (Value::Object(head), Ok(Value::Object(body))) =
            (&mut inventory, serde_json::to_value(&self.inventory))
        {
            head.extend(body);
        }
        json!({
            "inventory": inventory,
            "changes": self.changes,
            "looseDisks": self.loose_disks,
            "blobs": self.blobs.iter().map(|b| format!("{}/{}/{}", b.account, b.container, b.name)).collect::<Vec<_>>(),
        })
    }
}
