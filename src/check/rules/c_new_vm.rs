//! Catalogue section C: create new VM (`as: new-vm`, AlternateLocation).
//!
//! Skipped: `alr-sku-unavailable` (AZ036: the inventory does not say which
//! sizes a region or zone offers) and `alr-nsg-change-during-restore` (AZ043:
//! nothing in a plan or inventory describes NSG changes).
//!
//! `alr-same-region` has no rule here: a new VM in another region is a
//! cross-region restore, and section G's rules (AZ080, AZ083) say what
//! makes it impossible, once.

use super::{Finding, Rule};
use crate::check::facts::RestoreFacts;
use crate::diagnostic::{RuleInfo, Severity};
use crate::model::{Os, RestoreMode, arm_id_name, arm_id_segment};
use crate::source::escape_pointer_token;

const SPECIAL_CONFIGURATIONS: &str = "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms#restore-vms-with-special-configurations";
const MATRIX: &str = "https://learn.microsoft.com/azure/backup/backup-support-matrix-iaas";

static NAME_EXISTS: RuleInfo = RuleInfo {
    id: "AZ031",
    rule: "alr-name-exists",
    section: "C",
    severity: Severity::Error,
    summary: "The new VM's name is already taken in the target resource group.",
    fix: "Give the restore a `name:` that is free in the target resource group, or restore into another resource group.",
    link: "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms#create-a-vm",
};

static VNET_LOCATION: RuleInfo = RuleInfo {
    id: "AZ032",
    rule: "alr-vnet-location",
    section: "C",
    severity: Severity::Error,
    summary: "The target's virtual network must be in the vault's region and in the subscription the VM is created in.",
    fix: "Point the target's `network.virtualNetwork` at a virtual network in the vault's region and the target's subscription.",
    link: "https://learn.microsoft.com/azure/backup/backup-support-matrix-iaas#support-for-vm-management",
};

static ADE_ENCRYPTED: RuleInfo = RuleInfo {
    id: "AZ033",
    rule: "alr-ade-encrypted",
    section: "C",
    severity: Severity::Error,
    summary: "An ADE-encrypted VM cannot be restored as a new VM: only its disks can be restored, then the VM is created from them.",
    fix: "Restore `as: disks` with `then: deploy-template` (for Linux, the disk-encryption extension is reinstalled).",
    link: "https://learn.microsoft.com/azure/backup/restore-azure-encrypted-virtual-machines#restore-an-encrypted-vm",
};

static DIAGNOSTIC_SETTINGS: RuleInfo = RuleInfo {
    id: "AZ034",
    rule: "alr-diagnostic-settings",
    section: "C",
    severity: Severity::Error,
    summary: "Restoring a VM that has diagnostic settings with the create-new-VM option fails.",
    fix: "Restore `as: disks` with `then: deploy-template`, and set the diagnostic settings again on the new VM.",
    link: "https://learn.microsoft.com/azure/backup/backup-support-matrix-iaas#vm-compute-support",
};

static MARKETPLACE_PURCHASE_PLAN: RuleInfo = RuleInfo {
    id: "AZ035",
    rule: "alr-marketplace-purchase-plan",
    section: "C",
    severity: Severity::Error,
    summary: "A VM created from a third-party Marketplace image with a purchase plan can only be restored as disks.",
    fix: "Restore `as: disks` with `then: deploy-template`, and check that the template carries the image's purchase plan.",
    link: "https://learn.microsoft.com/azure/backup/backup-support-matrix-iaas#vm-compute-support",
};

static AVAILABILITY_SET: RuleInfo = RuleInfo {
    id: "AZ037",
    rule: "alr-availability-set",
    section: "C",
    severity: Severity::Warning,
    summary: "The source VM is in an availability set; a VM restored with create-new has none.",
    fix: "Restore `as: disks` with `then: deploy-template` and set the availability set in the template.",
    link: SPECIAL_CONFIGURATIONS,
};

static SPECIAL_NETWORK: RuleInfo = RuleInfo {
    id: "AZ038",
    rule: "alr-special-network",
    section: "C",
    severity: Severity::Warning,
    summary: "The source VM is behind a load balancer or has several NICs; create-new restores a VM with one plain NIC.",
    fix: "Restore `as: disks` and rebuild the load-balancer pool membership and extra NICs, or add a `run` step that does it.",
    link: SPECIAL_CONFIGURATIONS,
};

static DEDICATED_HOST: RuleInfo = RuleInfo {
    id: "AZ039",
    rule: "alr-dedicated-host",
    section: "C",
    severity: Severity::Warning,
    summary: "The source VM runs on a dedicated host; a VM restored with create-new is not placed on it.",
    fix: "Restore `as: disks` with `then: deploy-template` and set the host in the template.",
    link: MATRIX,
};

static SPOT_VM: RuleInfo = RuleInfo {
    id: "AZ040",
    rule: "alr-spot-vm",
    section: "C",
    severity: Severity::Warning,
    summary: "The source VM is an Azure Spot VM; it is restored as a regular, full-price VM.",
    fix: "Accept the regular VM, or restore `as: disks` and create a Spot VM from them.",
    link: MATRIX,
};

static HYBRID_BENEFIT: RuleInfo = RuleInfo {
    id: "AZ041",
    rule: "alr-hybrid-benefit",
    section: "C",
    severity: Severity::Warning,
    summary: "The source VM uses Azure Hybrid Benefit; a VM restored with create-new does not keep its license type.",
    fix: "Restore `as: disks` with `then: deploy-template` (License Type in the template), or set the license type after the restore.",
    link: SPECIAL_CONFIGURATIONS,
};

static POST_RESTORE_STATE: RuleInfo = RuleInfo {
    id: "AZ042",
    rule: "alr-post-restore-state",
    section: "C",
    severity: Severity::Warning,
    summary: "The restored VM differs from the source: static IPs become dynamic, and SQL Server VMs must be registered with the SQL IaaS Agent extension again.",
    fix: "Add steps after the restore that set the static IP again or register the SQL VM, and point checks at the restored VM's outputs.",
    link: "https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms#post-restore-steps",
};

/// The rules of section C.
pub(super) const RULES: &[Rule] = &[
    Rule {
        info: &NAME_EXISTS,
        check: name_exists,
    },
    Rule {
        info: &VNET_LOCATION,
        check: vnet_location,
    },
    Rule {
        info: &ADE_ENCRYPTED,
        check: ade_encrypted,
    },
    Rule {
        info: &DIAGNOSTIC_SETTINGS,
        check: diagnostic_settings,
    },
    Rule {
        info: &MARKETPLACE_PURCHASE_PLAN,
        check: marketplace_purchase_plan,
    },
    Rule {
        info: &AVAILABILITY_SET,
        check: availability_set,
    },
    Rule {
        info: &SPECIAL_NETWORK,
        check: special_network,
    },
    Rule {
        info: &DEDICATED_HOST,
        check: dedicated_host,
    },
    Rule {
        info: &SPOT_VM,
        check: spot_vm,
    },
    Rule {
        info: &HYBRID_BENEFIT,
        check: hybrid_benefit,
    },
    Rule {
        info: &POST_RESTORE_STATE,
        check: post_restore_state,
    },
];

fn creating(facts: &RestoreFacts<'_>) -> bool {
    facts.resolved.mode == RestoreMode::NewVm
}

/// A finding on the restore's `as:` when it creates a VM: "`<vm>` <what>".
fn on_new_vm(facts: &RestoreFacts<'_>, what: Option<String>, label: &str) -> Option<Finding> {
    let what = what.filter(|_| creating(facts))?;
    Some(Finding {
        message: format!("{} {what}", facts.subject()),
        pointer: facts.field("as"),
        label: label.to_owned(),
    })
}

/// The pointer of a field of the restore's target (`/targets/<name>/<path>`).
fn target_field(facts: &RestoreFacts<'_>, path: &str) -> String {
    match &facts.resolved.target {
        Some(name) => format!("/targets/{}/{path}", escape_pointer_token(name)),
        None => facts.target_pointer(),
    }
}

fn name_exists(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let target = facts.target.filter(|_| creating(facts))?;
    let name = facts.restore.name.as_deref().unwrap_or(&facts.vm.name);
    let group = &target.resource_group;
    let listed = facts
        .inventory
        .resource_group_by_id(group)
        .is_some_and(|g| g.has_name(name));
    let a_vm_there = facts
        .inventory
        .vms_in_group_named(group, name)
        .any(|vm| vm.exists);
    if !(listed || a_vm_there) {
        return None;
    }
    Some(Finding {
        message: format!(
            "the new VM of {} would be named `{name}`, which already exists in resource group `{}`",
            facts.subject(),
            arm_id_name(group)
        ),
        // Without `name:` the new VM takes the source's name, written in `vm:` (or `select:`).
        pointer: match (&facts.restore.name, &facts.restore.vm) {
            (Some(_), _) => facts.field("name"),
            (None, Some(_)) => facts.field("vm"),
            (None, None) => facts.field("select"),
        },
        label: format!("`{name}` is taken"),
    })
}

fn vnet_location(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let target = facts.target.filter(|_| creating(facts))?;
    let network = target.network.as_ref()?;
    let vnet = facts
        .inventory
        .virtual_network_by_id(&network.virtual_network)?;
    let vault = facts.vault;
    let wanted = (target.subscription.as_deref())
        .or_else(|| arm_id_segment(&target.resource_group, "subscriptions"));
    let found = arm_id_segment(&vnet.id, "subscriptions");
    let (region, name) = (&vault.region, vault.name());
    // Across regions the network belongs in the paired region: section G checks that.
    let problem = if !facts.scenario.cross_region && !vnet.region.eq_ignore_ascii_case(region) {
        format!(
            "is in {}, not in {region}, the region of vault `{name}`",
            vnet.region
        )
    } else if let (Some(wanted), Some(found)) = (wanted, found)
        && !wanted.eq_ignore_ascii_case(found)
    {
        format!("is in subscription {found}, not in {wanted}, where the new VM is created")
    } else {
        return None;
    };
    Some(Finding {
        message: format!(
            "virtual network `{}` for the new VM of {} {problem}",
            arm_id_name(&vnet.id),
            facts.subject()
        ),
        pointer: target_field(facts, "network/virtualNetwork"),
        label: "the VM cannot join this network".into(),
    })
}

fn ade_encrypted(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let encrypted = facts.vm.encryption.ade || facts.chosen.is_some_and(|c| c.point.encrypted);
    let what = encrypted.then(|| {
        "is encrypted with Azure Disk Encryption, so it cannot be restored as a new VM".to_owned()
    });
    on_new_vm(facts, what, "ADE-encrypted VM")
}

fn diagnostic_settings(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let what = facts
        .vm
        .diagnostic_settings
        .then(|| "has diagnostic settings, so restoring it as a new VM fails".to_owned());
    on_new_vm(facts, what, "VM with diagnostic settings")
}

fn marketplace_purchase_plan(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let plan = facts.vm.image.as_ref()?.plan.as_ref()?;
    let what = format!(
        "was created from the Marketplace image {}/{}/{}, which needs its purchase plan",
        plan.publisher, plan.product, plan.name
    );
    on_new_vm(facts, Some(what), "Marketplace purchase plan")
}

fn availability_set(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let what = facts.vm.availability_set.as_deref().map(|set| {
        format!(
            "is in availability set `{}`; the new VM will be in none",
            arm_id_name(set)
        )
    });
    on_new_vm(facts, what, "leaves the availability set")
}

fn special_network(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let nics = &facts.vm.nics;
    let mut found = Vec::new();
    match nics.iter().filter(|nic| nic.load_balancer).count() {
        0 => {}
        1 => found.push("a NIC in a load-balancer pool".to_owned()),
        n => found.push(format!("{n} NICs in a load-balancer pool")),
    }
    if nics.len() > 1 {
        found.push(format!("{} NICs", nics.len()));
    }
    let what = (!found.is_empty()).then(|| {
        format!(
            "has {}; the new VM gets one NIC outside any load balancer",
            found.join(" and ")
        )
    });
    on_new_vm(facts, what, "special network configuration")
}

fn dedicated_host(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let what = facts.vm.dedicated_host.as_deref().map(|host| {
        format!(
            "runs on dedicated host `{}`; the new VM will not",
            arm_id_name(host)
        )
    });
    on_new_vm(facts, what, "leaves the dedicated host")
}

fn spot_vm(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let what = facts
        .vm
        .spot
        .then(|| "is a Spot VM; the new VM will be a regular one".to_owned());
    on_new_vm(facts, what, "restored as a regular VM")
}

fn hybrid_benefit(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let license = facts.vm.license_type.as_deref()?;
    let what = (facts.vm.os == Some(Os::Windows)).then(|| {
        format!("uses Azure Hybrid Benefit (license type {license}); the new VM will not")
    });
    on_new_vm(facts, what, "loses the hybrid benefit")
}

fn post_restore_state(facts: &RestoreFacts<'_>) -> Option<Finding> {
    let mut changes = Vec::new();
    let statics: Vec<&str> = (facts.vm.nics.iter())
        .filter(|nic| nic.static_private_ip)
        .map(|nic| nic.private_ip.as_deref().unwrap_or(&nic.id))
        .collect();
    if !statics.is_empty() {
        changes.push(format!(
            "its static IP {} becomes dynamic",
            statics.join(", ")
        ));
    }
    let image = facts.vm.image.as_ref();
    if image.and_then(|i| i.publisher.as_deref()) == Some("MicrosoftSQLServer") {
        changes.push("it must be registered with the SQL IaaS Agent extension again".to_owned());
    }
    let what = (!changes.is_empty())
        .then(|| format!("changes when restored as a new VM: {}", changes.join("; ")));
    on_new_vm(facts, what, "changed after the restore")
}
