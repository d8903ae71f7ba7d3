//! Expansion against an inventory: a `select:` restore becomes one node per
//! matching VM (`web[web-01]`), a disk restore followed by a template
//! deployment becomes the phases Azure really runs (restore disks → deploy
//! template → for an ADE-encrypted Linux VM, reinstall the disk-encryption
//! extension), and each restore learns its source VM and whether it crosses a
//! region, subscription or zone. Dependents of a step wait for every node it
//! expanded into.

use super::graph::{Building, Edge, EdgeReason, Node, RestoreGraph};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    Inventory, Os, Plan, RestoreMode, Selector, StepKind, ThenAction, VirtualMachine,
    arm_id_segment, same_arm_id,
};
use crate::source::escape_pointer_token;
use crate::suggest::did_you_mean;
use std::collections::HashMap;

/// The VM a restore node is about, and what the restore crosses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceVm {
    /// The VM's ARM id.
    pub id: String,
    /// The VM's name.
    pub name: String,
    /// The target is in another region than the VM (a cross-region restore).
    pub cross_region: bool,
    /// The target is in another subscription than the VM.
    pub cross_subscription: bool,
    /// The restore places the VM in another availability zone than it had.
    pub cross_zone: bool,
}

/// The outcome of expanding a graph: the expanded graph when nothing was
/// wrong, and the diagnostics either way.
#[derive(Debug)]
pub struct Expanded {
    /// The expanded, sealed graph.
    pub graph: Option<RestoreGraph>,
    /// What was wrong: unknown VMs, empty selections, vaults the inventory lacks.
    pub diagnostics: Vec<Diagnostic>,
}

/// The node ids a step expanded into: the first ones wait for the step's
/// dependencies, the last ones are what its dependents wait for.
struct Span {
    first: Vec<usize>,
    last: Vec<usize>,
}

/// Expands a compiled plan against an inventory.
pub fn expand(plan: &Plan, graph: &RestoreGraph, inventory: &Inventory) -> Expanded {
    let mut diagnostics = Vec::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut edges: Vec<Edge> = Vec::new();
    let mut spans: Vec<Span> = Vec::with_capacity(graph.node_count());
    let vms_index = VmIndex::new(inventory);
    for step_node in graph.nodes() {
        let step = &plan.steps[step_node.step_index];
        let pointer = format!("/steps/{}", step_node.step_index);
        let vms = match &step.kind {
            StepKind::Restore(restore) => {
                match source_vms(
                    plan,
                    inventory,
                    &vms_index,
                    step_node,
                    restore.vm.as_deref(),
                    restore.select.as_ref(),
                    &pointer,
                ) {
                    Ok(vms) => Some(vms),
                    Err(found) => {
                        diagnostics.extend(found);
                        None
                    }
                }
            }
            _ => None,
        };
        let Some(vms) = vms else {
            let index = nodes.len();
            nodes.push(step_node.clone());
            spans.push(Span {
                first: vec![index],
                last: vec![index],
            });
            continue;
        };
        let StepKind::Restore(restore) = &step.kind else {
            unreachable!("invariant: only restore steps have source VMs")
        };
        let mut span = Span {
            first: Vec::new(),
            last: Vec::new(),
        };
        let qualify = vms.len() > 1 || restore.select.is_some();
        for vm in vms {
            let base = if qualify {
                format!("{}[{}]", step.id, vm.name)
            } else {
                step.id.clone()
            };
            let source = source_facts(plan, step_node, vm);
            let mut phases = vec![(base.clone(), "restore")];
            if restore.mode == RestoreMode::Disks
                && restore.then == Some(ThenAction::DeployTemplate)
            {
                phases.push((format!("{base}#deploy-template"), "deploy-template"));
                if vm.encryption.ade && vm.os == Some(Os::Linux) {
                    phases.push((
                        format!("{base}#reinstall-disk-encryption"),
                        "reinstall-disk-encryption",
                    ));
                }
            }
            let mut previous = None;
            for (id, kind) in phases {
                let index = nodes.len();
                nodes.push(Node {
                    id,
                    kind,
                    subject: Some(vm.name.clone()),
                    vm: Some(source.clone()),
                    ..step_node.clone()
                });
                match previous {
                    None => span.first.push(index),
                    Some(before) => edges.push(Edge {
                        from: index,
                        to: before,
                        reason: EdgeReason::Phase,
                        pointer: format!("{pointer}/restore"),
                    }),
                }
                previous = Some(index);
            }
            span.last.extend(previous);
        }
        spans.push(span);
    }
    if !diagnostics.is_empty() {
        return Expanded {
            graph: None,
            diagnostics,
        };
    }
    for edge in graph.edges() {
        for &from in &spans[edge.from].first {
            for &to in &spans[edge.to].last {
                edges.push(Edge {
                    from,
                    to,
                    ..edge.clone()
                });
            }
        }
    }
    match Building::new(nodes, edges).seal() {
        Ok(graph) => Expanded {
            graph: Some(graph),
            diagnostics,
        },
        // Expansion replaces nodes by chains and keeps every edge's direction: no new cycles.
        Err(cycles) => Expanded {
            graph: None,
            diagnostics: cycles,
        },
    }
}

/// The inventory's VMs by lower-cased id and by lower-cased (region, name):
/// ARM compares both without case, and a 10,000-step plan against a
/// 10,000-VM estate must not scan the estate per step.
struct VmIndex<'a> {
    by_id: HashMap<String, &'a VirtualMachine>,
    by_region_and_name: HashMap<(String, String), Vec<&'a VirtualMachine>>,
    /// (region, tag name, tag value) → VMs, in file order: a `select:` by
    /// tags starts from its rarest tag instead of every VM of the region.
    by_region_and_tag: HashMap<(String, String, String), Vec<&'a VirtualMachine>>,
    by_region: HashMap<String, Vec<&'a VirtualMachine>>,
}

impl<'a> VmIndex<'a> {
    fn new(inventory: &'a Inventory) -> Self {
        let mut index = VmIndex {
            by_id: HashMap::new(),
            by_region_and_name: HashMap::new(),
            by_region_and_tag: HashMap::new(),
            by_region: HashMap::new(),
        };
        for vm in &inventory.virtual_machines {
            index.by_id.entry(vm.id.to_lowercase()).or_insert(vm);
            index
                .by_region_and_name
                .entry((vm.region.to_lowercase(), vm.name.to_lowercase()))
                .or_default()
                .push(vm);
            index
                .by_region
                .entry(vm.region.to_lowercase())
                .or_default()
                .push(vm);
            for (name, value) in &vm.tags {
                index
                    .by_region_and_tag
                    .entry((vm.region.to_lowercase(), name.to_lowercase(), value.clone()))
                    .or_default()
                    .push(vm);
            }
        }
        index
    }

    /// The VMs of a region that a selector could match, in file order: those
    /// with its rarest tag, or every VM of the region for a selector without tags.
    fn candidates(&self, region: &str, select: &Selector) -> &[&'a VirtualMachine] {
        let region = region.to_lowercase();
        let by_tag = select
            .tags
            .iter()
            .map(|(name, value)| {
                self.by_region_and_tag
                    .get(&(region.clone(), name.to_lowercase(), value.clone()))
                    .map_or(&[][..], Vec::as_slice)
            })
            .min_by_key(|vms| vms.len());
        match by_tag {
            Some(vms) => vms,
            None => self.by_region.get(&region).map_or(&[][..], Vec::as_slice),
        }
    }
}

/// The VMs a restore step is about, found in the inventory.
fn source_vms<'a>(
    plan: &Plan,
    inventory: &'a Inventory,
    vms: &VmIndex<'a>,
    node: &Node,
    vm: Option<&str>,
    select: Option<&Selector>,
    pointer: &str,
) -> Result<Vec<&'a VirtualMachine>, Vec<Diagnostic>> {
    let Some(restore) = &node.restore else {
        return Err(Vec::new());
    };
    let vault_id = &plan.vaults[&restore.vault].id;
    let Some(vault) = inventory.vault_by_id(vault_id) else {
        return Err(vec![
            Diagnostic::new(
                Code::VaultNotInInventory,
                format!("vault `{}` is not in the inventory", restore.vault),
            )
            .at(
                &format!("/vaults/{}/id", escape_pointer_token(&restore.vault)),
                "no vault with this id",
            )
            .with_help(Code::VaultNotInInventory.info().fix),
        ]);
    };
    // A vault protects VMs of its own region: that is where names are looked up.
    let in_region = || {
        inventory
            .virtual_machines
            .iter()
            .filter(|vm| vm.region.eq_ignore_ascii_case(&vault.region))
    };
    if let Some(reference) = vm {
        if reference.starts_with('/') {
            return match vms.by_id.get(&reference.to_lowercase()) {
                Some(found) => Ok(vec![*found]),
                None => Err(vec![unknown_vm(
                    reference,
                    &vault.region,
                    in_region().map(|v| v.name.as_str()),
                    pointer,
                )]),
            };
        }
        let named: &[&VirtualMachine] = vms
            .by_region_and_name
            .get(&(vault.region.to_lowercase(), reference.to_lowercase()))
            .map_or(&[], Vec::as_slice);
        return match named {
            [one] => Ok(vec![*one]),
            [] => Err(vec![unknown_vm(
                reference,
                &vault.region,
                in_region().map(|v| v.name.as_str()),
                pointer,
            )]),
            several => Err(vec![
                Diagnostic::new(
                    Code::AmbiguousVm,
                    format!(
                        "{} VMs in {} are named `{reference}`",
                        several.len(),
                        vault.region
                    ),
                )
                .at(&format!("{pointer}/restore/vm"), "which one?")
                .with_help(format!(
                    "write the VM's full resource id, one of: {}",
                    several
                        .iter()
                        .map(|v| format!("`{}`", v.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ]),
        };
    }
    let Some(select) = select else {
        return Err(Vec::new());
    };
    let chosen: Vec<&VirtualMachine> = vms
        .candidates(&vault.region, select)
        .iter()
        .copied()
        .filter(|vm| selects(select, vm))
        .collect();
    if chosen.is_empty() {
        return Err(vec![
            Diagnostic::new(
                Code::SelectorMatchesNothing,
                format!("no VM in {} matches {}", vault.region, select.describe()),
            )
            .at(
                &format!("{pointer}/restore/select"),
                "matches no VM in the inventory",
            )
            .with_help(Code::SelectorMatchesNothing.info().fix),
        ]);
    }
    Ok(chosen)
}

fn unknown_vm<'a>(
    reference: &str,
    region: &str,
    names: impl Iterator<Item = &'a str>,
    pointer: &str,
) -> Diagnostic {
    let help = match did_you_mean(reference, names) {
        Some(best) => format!("did you mean `{best}`?"),
        None => Code::UnknownVm.info().fix.to_owned(),
    };
    Diagnostic::new(
        Code::UnknownVm,
        format!("no VM `{reference}` in {region} in the inventory"),
    )
    .at(&format!("{pointer}/restore/vm"), "not in the inventory")
    .with_help(help)
}

/// Every criterion of a selector holds: all tags (names compare without
/// case, as Azure's do), any name pattern, the resource group.
fn selects(select: &Selector, vm: &VirtualMachine) -> bool {
    let tags = select.tags.iter().all(|(name, value)| {
        vm.tags
            .iter()
            .any(|(have, v)| have.eq_ignore_ascii_case(name) && v == value)
    });
    let names =
        select.names.is_empty() || select.names.iter().any(|pattern| glob(pattern, &vm.name));
    let group = select.resource_group.as_ref().is_none_or(|group| {
        arm_id_segment(&vm.id, "resourceGroups").is_some_and(|g| g.eq_ignore_ascii_case(group))
    });
    tags && names && group
}

/// `*` and `?` wildcards, case-insensitive, over the whole name.
fn glob(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
    let name: Vec<char> = name.to_lowercase().chars().collect();
    // Iterative matching with one backtrack point: linear in practice, never exponential.
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == name[n]) {
            p += 1;
            n += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, n));
            p += 1;
        } else if let Some((star_p, star_n)) = star {
            p = star_p + 1;
            n = star_n + 1;
            star = Some((star_p, star_n + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

/// What the restore crosses, from the target against the source VM.
fn source_facts(plan: &Plan, node: &Node, vm: &VirtualMachine) -> SourceVm {
    // Only a restore that creates resources somewhere can cross anything: a
    // replace happens in place, and its target only lends a staging account.
    let target = node
        .restore
        .as_ref()
        .filter(|r| r.mode.needs_target())
        .and_then(|r| r.target.as_ref())
        .and_then(|name| plan.targets.get(name));
    let zone = plan.steps[node.step_index]
        .kind
        .restore_zone()
        .or(target.and_then(|t| t.zone));
    let target_subscription = target.and_then(|t| {
        t.subscription
            .as_deref()
            .or_else(|| arm_id_segment(&t.resource_group, "subscriptions"))
    });
    SourceVm {
        id: vm.id.clone(),
        name: vm.name.clone(),
        cross_region: target.is_some_and(|t| !t.region.eq_ignore_ascii_case(&vm.region)),
        cross_subscription: target_subscription
            .zip(vm.subscription())
            .is_some_and(|(target, source)| !same_arm_id(target, source)),
        cross_zone: zone.is_some_and(|zone| vm.zone != Some(zone)),
    }
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs_match_whole_names_without_case() {
        assert!(glob("web-*", "WEB-01"));
        assert!(glob("*-0?", "app-07"));
        assert!(glob("*", ""));
        assert!(!glob("web-*", "api-web-01"));
        assert!(!glob("app-0?", "app-010"));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxbyy"));
    }
}
