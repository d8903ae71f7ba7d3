//! The dry-run rules: one file per section of the catalogue of Azure restore
//! limitations (`azure-restore-limits.md`), each rule a [`RuleInfo`] (its
//! stable code, catalogue id, severity, fix and Microsoft Learn link) and the
//! function that finds it in a restore's facts.

mod a_recovery_point;
mod b_replace_existing;
mod c_new_vm;
mod d_restore_disks;
mod e_staging_identity;
mod f_encryption;
mod g_cross_region;
mod h_cross_subscription;
mod i_cross_zone;
mod j_file_recovery;
mod k_confidential;

use super::facts::RestoreFacts;
use crate::diagnostic::{Code, Diagnostic, RuleInfo};

/// A place in the plan and what to say there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// One sentence naming the facts: VM, recovery point, region.
    pub message: String,
    /// The JSON pointer of the plan field the finding is about.
    pub pointer: String,
    /// The text under the marked field.
    pub label: String,
}

/// A rule: what it is, and how to find it.
#[derive(Debug)]
pub struct Rule {
    /// The rule's catalogue entry.
    pub info: &'static RuleInfo,
    /// Returns a finding when the restore breaks the rule.
    pub check: fn(&RestoreFacts<'_>) -> Option<Finding>,
}

/// Every rule, section by section.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    [
        a_recovery_point::RULES,
        b_replace_existing::RULES,
        c_new_vm::RULES,
        d_restore_disks::RULES,
        e_staging_identity::RULES,
        f_encryption::RULES,
        g_cross_region::RULES,
        h_cross_subscription::RULES,
        i_cross_zone::RULES,
        j_file_recovery::RULES,
        k_confidential::RULES,
    ]
    .into_iter()
    .flatten()
}

/// The catalogue entries of every rule and of every check beyond the
/// catalogue, in code order: for SARIF's rule list and `docs/rules.md`.
pub fn catalogue() -> Vec<&'static RuleInfo> {
    let mut infos: Vec<&'static RuleInfo> = all()
        .map(|r| r.info)
        .chain(super::beyond::INFOS.iter().copied())
        .chain(super::plan_wide::INFOS.iter().copied())
        .collect();
    infos.sort_by_key(|info| info.id);
    infos
}

/// A finding about the restore's mode (`as:`), where most rules point.
pub(super) fn at_mode(facts: &RestoreFacts<'_>, message: String, label: &str) -> Option<Finding> {
    Some(Finding {
        message,
        pointer: facts.field("as"),
        label: label.to_owned(),
    })
}

/// A diagnostic for a finding of a rule.
pub fn diagnostic(info: &'static RuleInfo, finding: Finding) -> Diagnostic {
    Diagnostic::new(Code::Rule(info), finding.message)
        .at(&finding.pointer, finding.label)
        .with_help(info.fix)
}

/// Every rule's findings for one restore.
pub fn evaluate(facts: &RestoreFacts<'_>) -> Vec<Diagnostic> {
    all()
        .filter_map(|rule| (rule.check)(facts).map(|finding| diagnostic(rule.info, finding)))
        .collect()
}
