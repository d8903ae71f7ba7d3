//! Checks across the whole plan rather than one restore: the vCPU quota and
//! the free addresses that all the new VMs together need in each target, and
//! the names of the new VMs (unique in the plan, free in the target resource
//! group, valid for Azure).

use super::rules::{Finding, diagnostic};
use crate::compile::{Node, RestoreGraph};
use crate::diagnostic::{Diagnostic, RuleInfo, Severity};
use crate::model::{
    Inventory, Os, Plan, RestoreMode, StepKind, ThenAction, VirtualMachine, arm_id_segment,
};
use std::collections::BTreeMap;

const LINK_QUOTA: &str = "https://learn.microsoft.com/azure/quotas/per-vm-quota-requests";
const LINK_NAMES: &str = "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftcompute";

/// The new VMs need more vCPUs of a family than the target's quota has left.
pub static VCPU_QUOTA: RuleInfo = RuleInfo {
    id: "AZ140",
    rule: "vcpu-quota",
    section: "-",
    severity: Severity::Error,
    summary: "The VMs the plan creates in a region need more vCPUs of a VM family than the subscription's quota has left there.",
    fix: "Request a quota increase for the family and region before the failover, or restore fewer or smaller VMs.",
    link: LINK_QUOTA,
};

/// The new VMs need more addresses than a target subnet has free.
pub static SUBNET_FREE_IPS: RuleInfo = RuleInfo {
    id: "AZ141",
    rule: "subnet-free-ips",
    section: "-",
    severity: Severity::Error,
    summary: "The network interfaces the plan restores into a subnet need more addresses than the subnet has free.",
    fix: "Restore into a larger subnet, or free addresses in it first.",
    link: "https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet",
};

/// Two new VMs of the plan get the same name in the same resource group.
pub static NAME_DUPLICATE: RuleInfo = RuleInfo {
    id: "AZ142",
    rule: "vm-name-duplicate",
    section: "-",
    severity: Severity::Error,
    summary: "Two restores of the plan create VMs with the same name in the same resource group.",
    fix: "Give one of them another `name:`, or another target resource group.",
    link: LINK_NAMES,
};

/// A new VM's name breaks Azure's naming rules.
pub static NAME_INVALID: RuleInfo = RuleInfo {
    id: "AZ144",
    rule: "vm-name-invalid",
    section: "-",
    severity: Severity::Error,
    summary: "A new VM's name breaks Azure's rules: 1–15 characters for Windows and 1–64 for Linux, letters, digits and `-` (and `.` on Linux), not ending with `.` or `-`, and a Windows name not only digits.",
    fix: "Choose a `name:` that follows the rules.",
    link: LINK_NAMES,
};

/// A check URL whose scheme is not `http` or `https`.
pub static CHECK_URL_SCHEME: RuleInfo = RuleInfo {
    id: "AZ145",
    rule: "check-url-scheme",
    section: "-",
    severity: Severity::Error,
    summary: "An `http` check's URL does not start with `http://` or `https://`, so the probe cannot run.",
    fix: "Write the URL with `http://` or `https://`, or use a `tcp:` check for other protocols.",
    link: "https://developer.mozilla.org/docs/Web/HTTP/Overview",
};

/// A `run` step's program is not found.
pub static PROGRAM_NOT_FOUND: RuleInfo = RuleInfo {
    id: "AZ146",
    rule: "run-program-not-found",
    section: "-",
    severity: Severity::Warning,
    summary: "The program of a `run` step is not on the PATH of the machine that checked the plan (or not at the path given).",
    fix: "Install the program on the machines that run the plan, or give its full path.",
    link: "https://doc.rust-lang.org/std/process/struct.Command.html",
};

/// A target's subnet is not in its virtual network.
pub static SUBNET_MISSING: RuleInfo = RuleInfo {
    id: "AZ147",
    rule: "target-subnet-missing",
    section: "-",
    severity: Severity::Error,
    summary: "A target names a subnet that its virtual network does not have, so every restore into it is refused (`UserErrorSubnetNotFound`).",
    fix: "Name one of the virtual network's subnets (the message lists them), or create the subnet before the failover.",
    link: "https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet",
};

/// The plan-wide checks, for the catalogue.
pub static INFOS: &[&RuleInfo] = &[
    &VCPU_QUOTA,
    &SUBNET_FREE_IPS,
    &SUBNET_MISSING,
    &NAME_DUPLICATE,
    &NAME_INVALID,
    &CHECK_URL_SCHEME,
    &PROGRAM_NOT_FOUND,
];

/// A VM the plan creates: its node, name and where it goes.
struct NewVm<'a> {
    node: &'a Node,
    restore: &'a crate::model::Restore,
    vm: &'a VirtualMachine,
    name: String,
    resource_group: &'a str,
    subscription: Option<&'a str>,
    region: &'a str,
    subnet: Option<(&'a str, &'a str)>,
}

fn new_vms<'a>(
    plan: &'a Plan,
    graph: &'a RestoreGraph,
    inventory: &'a Inventory,
) -> Vec<NewVm<'a>> {
    graph
        .nodes()
        .filter(|node| node.kind == "restore")
        .filter_map(|node| {
            let StepKind::Restore(restore) = &plan.steps[node.step_index].kind else {
                return None;
            };
            let creates = restore.mode == RestoreMode::NewVm
                || (restore.mode == RestoreMode::Disks
                    && restore.then == Some(ThenAction::DeployTemplate));
            let target = node
                .restore
                .as_ref()?
                .target
                .as_ref()
                .and_then(|t| plan.targets.get(t))?;
            let vm = inventory.vm_by_id(&node.vm.as_ref()?.id)?;
            creates.then(|| NewVm {
                node,
                restore,
                vm,
                name: restore.name.clone().unwrap_or_else(|| vm.name.clone()),
                resource_group: &target.resource_group,
                subscription: target
                    .subscription
                    .as_deref()
                    .or_else(|| arm_id_segment(&target.resource_group, "subscriptions")),
                region: &target.region,
                subnet: target
                    .network
                    .as_ref()
                    .map(|n| (n.virtual_network.as_str(), n.subnet.as_str())),
            })
        })
        .collect()
}

fn at_node(
    info: &'static RuleInfo,
    node: &Node,
    field: &str,
    message: String,
    label: &str,
) -> Diagnostic {
    diagnostic(
        info,
        Finding {
            message,
            pointer: format!("/steps/{}/restore/{field}", node.step_index),
            label: label.to_owned(),
        },
    )
}

/// Every plan-wide finding.
pub fn check(plan: &Plan, graph: &RestoreGraph, inventory: &Inventory) -> Vec<Diagnostic> {
    let vms = new_vms(plan, graph, inventory);
    let mut found = Vec::new();
    quota(&vms, inventory, &mut found);
    addresses(&vms, inventory, &mut found);
    subnets(plan, graph, inventory, &mut found);
    names(&vms, &mut found);
    check_urls(plan, &mut found);
    found
}

fn check_urls(plan: &Plan, found: &mut Vec<Diagnostic>) {
    for (index, step) in plan.steps.iter().enumerate() {
        let StepKind::Check(check) = &step.kind else {
            continue;
        };
        let Some(url) = &check.http else { continue };
        // A reference may stand for the whole URL: only a literal scheme is judged.
        let Some((scheme, _)) = url.split_once("://") else {
            continue;
        };
        if scheme.contains("${{")
            || scheme.eq_ignore_ascii_case("http")
            || scheme.eq_ignore_ascii_case("https")
        {
            continue;
        }
        found.push(diagnostic(
            &CHECK_URL_SCHEME,
            Finding {
                message: format!(
                    "check `{}` probes `{url}`, which is not an HTTP URL",
                    step.id
                ),
                pointer: format!("/steps/{index}/check/http"),
                label: format!("`{scheme}://` is not http or https"),
            },
        ));
    }
}

/// Warnings for `run` steps whose program `exists` cannot find. The lookup
/// is given, not read from this machine here, so that the dry run itself
/// gives the same answer everywhere; the CLI passes the real PATH lookup.
pub fn programs(plan: &Plan, exists: &dyn Fn(&str, Option<&str>) -> bool) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (index, step) in plan.steps.iter().enumerate() {
        let StepKind::Run(run) = &step.kind else {
            continue;
        };
        let Some(program) = run.argv.first() else {
            continue;
        };
        if program.contains("${{") || exists(program, run.working_directory.as_deref()) {
            continue;
        }
        found.push(diagnostic(
            &PROGRAM_NOT_FOUND,
            Finding {
                message: format!(
                    "step `{}` runs `{program}`, which is not found here",
                    step.id
                ),
                pointer: format!("/steps/{index}/run"),
                label: format!("`{program}` not found"),
            },
        ));
    }
    found
}

fn quota(vms: &[NewVm<'_>], inventory: &Inventory, found: &mut Vec<Diagnostic>) {
    let mut demand: BTreeMap<(String, String, String), (u64, Vec<&NewVm<'_>>)> = BTreeMap::new();
    for vm in vms {
        let (Some(subscription), Some(family), Some(cpus)) =
            (vm.subscription, &vm.vm.family, vm.vm.v_cpus)
        else {
            continue;
        };
        let entry = demand
            .entry((
                subscription.to_lowercase(),
                vm.region.to_lowercase(),
                family.clone(),
            ))
            .or_default();
        entry.0 += cpus;
        entry.1.push(vm);
        // The regional total (quota family `cores`) counts every family.
        let total = demand
            .entry((
                subscription.to_lowercase(),
                vm.region.to_lowercase(),
                "cores".to_owned(),
            ))
            .or_default();
        total.0 += cpus;
        total.1.push(vm);
    }
    for ((subscription, region, family), (needed, users)) in demand {
        let Some(quota) = inventory.quota(&subscription, &region, &family) else {
            continue;
        };
        if needed > quota.available() {
            // Reported at the VM whose restore runs past the quota.
            let mut running = 0;
            let culprit = users
                .iter()
                .find(|vm| {
                    running += vm.vm.v_cpus.unwrap_or(0);
                    running > quota.available()
                })
                .unwrap_or(&users[0]);
            found.push(at_node(
                &VCPU_QUOTA,
                culprit.node,
                "as",
                format!(
                    "the plan creates {needed} vCPUs{} in {region}, but only {} of the quota's {} are left ({} VMs: {})",
                    if family == "cores" { " in all".to_owned() } else { format!(" of {family}") },
                    quota.available(),
                    quota.limit,
                    users.len(),
                    users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
                "over the vCPU quota",
            ));
        }
    }
}

fn addresses(vms: &[NewVm<'_>], inventory: &Inventory, found: &mut Vec<Diagnostic>) {
    let mut demand: BTreeMap<(String, String), (u64, Vec<&NewVm<'_>>)> = BTreeMap::new();
    for vm in vms {
        let Some((network, subnet)) = vm.subnet else {
            continue;
        };
        let entry = demand
            .entry((network.to_lowercase(), subnet.to_lowercase()))
            .or_default();
        // A restored VM gets one NIC per NIC it had (at least one).
        entry.0 += vm.vm.nics.len().max(1) as u64;
        entry.1.push(vm);
    }
    for ((network, subnet), (needed, users)) in demand {
        let free = inventory
            .virtual_network_by_id(&network)
            .and_then(|n| n.subnet(&subnet))
            .and_then(|s| s.free_ips);
        let Some(free) = free else { continue };
        if needed > free {
            found.push(at_node(
                &SUBNET_FREE_IPS,
                users[users.len() - 1].node,
                "as",
                format!(
                    "the plan restores {needed} network interfaces into subnet `{subnet}` of `{}`, which has {free} free addresses ({} VMs: {})",
                    crate::model::arm_id_name(&network),
                    users.len(),
                    users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
                "the subnet runs out of addresses",
            ));
        }
    }
}

/// Targets whose subnet the inventory's virtual network lacks. A network
/// the inventory does not list at all cannot be judged, and is left alone.
fn subnets(plan: &Plan, graph: &RestoreGraph, inventory: &Inventory, found: &mut Vec<Diagnostic>) {
    let used: std::collections::BTreeSet<&str> = graph
        .nodes()
        .filter_map(|node| node.restore.as_ref()?.target.as_deref())
        .collect();
    for (name, target) in &plan.targets {
        let Some(network) = target
            .network
            .as_ref()
            .filter(|_| used.contains(name.as_str()))
        else {
            continue;
        };
        let Some(vnet) = inventory.virtual_network_by_id(&network.virtual_network) else {
            continue;
        };
        if vnet.subnet(&network.subnet).is_some() {
            continue;
        }
        let known: Vec<&str> = vnet.subnets.iter().map(|s| s.name.as_str()).collect();
        found.push(diagnostic(
            &SUBNET_MISSING,
            Finding {
                message: format!(
                    "target `{name}` restores into subnet `{}`, which virtual network `{}` does not have (its subnets: {})",
                    network.subnet,
                    crate::model::arm_id_name(&network.virtual_network),
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                ),
                pointer: format!("/targets/{}/network/subnet", crate::source::escape_pointer_token(name)),
                label: crate::suggest::did_you_mean(&network.subnet, known.iter().copied())
                    .map_or_else(|| "no such subnet".to_owned(), |close| format!("no such subnet; did you mean `{close}`?")),
            },
        ));
    }
}

fn names(vms: &[NewVm<'_>], found: &mut Vec<Diagnostic>) {
    // A name already taken in the target resource group is section C's
    // `alr-name-exists` (AZ031); here: names the plan itself gets wrong.
    let mut seen: BTreeMap<(String, String), &NewVm<'_>> = BTreeMap::new();
    for vm in vms {
        let field = name_field(vm);
        if let Some(problem) = invalid_name(&vm.name, vm.vm.os == Some(Os::Windows)) {
            found.push(at_node(
                &NAME_INVALID,
                vm.node,
                field,
                format!(
                    "the new VM name `{}` (restored from `{}`) {problem}",
                    vm.name, vm.vm.name
                ),
                "invalid VM name",
            ));
        }
        let key = (vm.resource_group.to_lowercase(), vm.name.to_lowercase());
        if let Some(first) = seen.get(&key) {
            found.push(at_node(
                &NAME_DUPLICATE,
                vm.node,
                field,
                format!(
                    "`{}` and `{}` both create a VM named `{}` in resource group `{}`",
                    first.node.id,
                    vm.node.id,
                    vm.name,
                    arm_id_segment(vm.resource_group, "resourceGroups")
                        .unwrap_or(vm.resource_group)
                ),
                "the same name again",
            ));
        } else {
            seen.insert(key, vm);
        }
    }
}

/// The field where the new VM's name is written: its own `name:`, else
/// the `vm:` or `select:` it inherits the source VM's name from.
fn name_field(vm: &NewVm<'_>) -> &'static str {
    match (&vm.restore.name, &vm.restore.vm) {
        (Some(_), _) => "name",
        (None, Some(_)) => "vm",
        (None, None) => "select",
    }
}

/// Why a name breaks Azure's VM naming rules, if it does: 1–15 characters
/// for Windows and 1–64 for Linux; letters, digits and `-` (and `.` on
/// Linux); no trailing `-` or `.`; a Windows name is not only digits.
fn invalid_name(name: &str, windows: bool) -> Option<String> {
    let length = name.chars().count();
    let limit = if windows { 15 } else { 64 };
    let os = if windows { "Windows" } else { "Linux" };
    if length == 0 || length > limit {
        return Some(format!(
            "has {length} characters; a {os} VM name has 1 to {limit} characters"
        ));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || (c == '.' && !windows);
    if let Some(bad) = name.chars().find(|c| !allowed(*c)) {
        return Some(format!("contains `{bad}`, which a {os} VM name may not"));
    }
    if name.ends_with('.') || name.ends_with('-') {
        return Some("may not end with `.` or `-`".to_owned());
    }
    if windows && name.chars().all(|c| c.is_ascii_digit()) {
        return Some("is only digits, which a Windows computer name may not be".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::invalid_name;

    #[test]
    fn azure_vm_name_rules() {
        assert!(invalid_name("web-01", true).is_none());
        assert!(
            invalid_name("sql-01-restored-dr", true).is_some(),
            "16 characters is too long for Windows"
        );
        assert!(invalid_name("sql-01-restored-dr", false).is_none());
        assert!(invalid_name("web_01", false).is_some());
        assert!(invalid_name("web.01", true).is_some());
        assert!(invalid_name("web.01", false).is_none());
        assert!(invalid_name("web-01-", false).is_some());
        assert!(invalid_name("12345", true).is_some());
        assert!(invalid_name("web 01", false).is_some());
    }
}
