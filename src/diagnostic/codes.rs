//! The catalogue of stable diagnostic codes: one table that the renderers, the
//! SARIF rule list and `docs/diagnostics.md` all read, so a code cannot exist
//! in one place and be missing in another.

use super::Severity;

/// A stable diagnostic code (`RP0xx`: plan language; `EX0xx`: run time and Azure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The file is larger than the loader accepts (bytes or nodes).
    FileTooLarge,
    /// The file is not valid UTF-8.
    NotUtf8,
    /// The file contains a NUL byte.
    NulByte,
    /// The file holds no YAML document.
    EmptyDocument,
    /// The file holds more than one YAML document.
    MultipleDocuments,
    /// The YAML parser rejected the text.
    YamlSyntax,
    /// A mapping has the same key twice.
    DuplicateKey,
    /// Collections are nested deeper than the loader accepts.
    TooDeep,
    /// Aliases expand to more nodes than the loader accepts.
    AliasBudget,
    /// A YAML feature the plan language does not accept (tags, merge keys, complex keys).
    UnsupportedYaml,
    /// A property the schema does not know.
    UnknownProperty,
    /// A required property is missing.
    MissingProperty,
    /// A value has the wrong type.
    WrongType,
    /// A value is not one of the allowed values.
    NotAllowedValue,
    /// A string does not have the required form.
    BadFormat,
    /// A value is out of range or of the wrong size.
    OutOfRange,
    /// An object must have exactly one of several properties.
    ExactlyOneOf,
    /// Two steps have the same id.
    DuplicateStepId,
    /// `dependsOn` names a step that does not exist.
    UnknownDependency,
    /// A step depends on itself.
    SelfDependency,
    /// The steps' dependencies form a cycle.
    DependencyCycle,
    /// A step names a vault that is not declared.
    UnknownVault,
    /// A step names a target that is not declared.
    UnknownTarget,
    /// A restore step has no vault, neither its own nor a default.
    MissingVault,
    /// A restore step that needs a target has none.
    MissingTarget,
    /// A `${{ … }}` expression is malformed.
    BadReference,
    /// A reference names a step that does not exist.
    UnknownReferenceStep,
    /// A reference names an output the step kind does not produce.
    UnknownOutput,
    /// `then: deploy-template` on a restore that is not `as: disks`.
    ThenNeedsDisks,
    /// An option that does not apply to the restore mode.
    OptionNotForMode,
    /// A time has the right form but does not exist.
    NotARealTime,
    /// A restore names a VM the inventory does not have.
    UnknownVm,
    /// Several VMs have the name a restore uses.
    AmbiguousVm,
    /// A `select:` matches no VM.
    SelectorMatchesNothing,
    /// A vault of the plan is not in the inventory.
    VaultNotInInventory,
    /// A vault or target is declared but never used.
    UnusedDeclaration,
    /// The plan passed the schema but could not be read into the model.
    Internal,
    /// The run journal or lock file cannot be written or read.
    JournalIo,
    /// A line of the run journal, other than the last, cannot be read.
    JournalCorrupt,
    /// The last line of the run journal was torn by a crash and is ignored.
    JournalTorn,
    /// Another `apply` of the plan holds the lock.
    PlanLocked,
    /// A lock left by a run that is gone was taken over.
    StaleLock,
    /// A `run` step's program could not be started.
    RunNotStarted,
    /// A `run` step's program failed.
    RunFailed,
    /// A `check` step cannot probe.
    CheckInvalid,
    /// A `check` step's endpoint never answered as expected.
    CheckFailed,
    /// A step did not finish within its timeout.
    StepTimeout,
    /// A step-output reference has no value at run time.
    ReferenceUnresolved,
    /// No run has the given id.
    UnknownRun,
    /// The plan or inventory changed since the run started.
    PlanChanged,
    /// An approval gate was not approved in time.
    ApprovalTimedOut,
    /// The operator refused an approval gate at the prompt.
    ApprovalRefused,
    /// The emulator was asked to listen on an address that is not loopback.
    EmulatorNotLoopback,
    /// The emulator's `--listen` is not an address and port.
    EmulatorBadListen,
    /// The emulator's `--faults` specification cannot be read.
    EmulatorBadFaults,
    /// The emulator's `--fail-job` cannot be read.
    EmulatorBadFailJob,
    /// The emulator's `--time-scale` is not a positive number.
    EmulatorBadTimeScale,
    /// The emulator could not start (bind, certificate, CA file).
    EmulatorCannotStart,
    /// A finding of the dry run: an Azure restore limitation or a fact of the estate.
    Rule(&'static RuleInfo),
    /// Signing in to Azure failed.
    AuthFailed,
    /// Azure Resource Manager refused a request with a permanent error.
    ArmRejected,
    /// The caller lacks permission (401/403).
    ArmForbidden,
    /// The resource does not exist (404).
    ArmNotFound,
    /// Throttling (429) outlasted the retry budget.
    ArmThrottled,
    /// A transient failure (5xx, timeout, dropped connection) outlasted the retry budget.
    ArmUnavailable,
    /// A POST may have reached Azure but its answer was lost; it is not repeated blindly.
    ArmOutcomeUnknown,
    /// Azure answered with a body that cannot be read.
    ArmMalformedResponse,
    /// A URL is not https, or points to another host than the one the client talks to.
    UntrustedUrl,
    /// A resource id is not valid.
    InvalidResourceId,
    /// A long-running operation ended in failure.
    OperationFailed,
    /// A long-running operation or job did not end before its deadline.
    OperationTimedOut,
    /// A backup job ended in failure.
    JobFailed,
    /// A backup job was cancelled.
    JobCancelled,
    /// A listing did not end (a `nextLink` loop or too many pages).
    PagingRunaway,
    /// Azure's own validation of a restore found a problem.
    AzureValidationFinding,
    /// Azure Backup does not protect the VM in the vault.
    NotProtected,
    /// A restore job produced no template to deploy.
    TemplateMissing,
    /// A template deployment failed.
    DeploymentFailed,
    /// Part of the estate (a subscription, a vault) could not be read for an inventory.
    EstateUnreadable,
    /// A detail of the estate could not be read; the inventory holds the schema's default.
    EstateDetailMissing,
    /// The inventory built from Azure does not pass the inventory schema.
    ExportInvalid,
    /// The exported inventory could not be written.
    ExportNotWritten,
}

/// What the dry run knows of one of its rules: the stable code, the id in
/// the catalogue of Azure restore limitations, and where Microsoft says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleInfo {
    /// The stable code, such as `AZ021`.
    pub id: &'static str,
    /// The id in `azure-restore-limits.md`, such as `olr-ade-encrypted`, or
    /// a name of restoreplan's own for checks beyond the catalogue.
    pub rule: &'static str,
    /// The catalogue section (`A` … `K`), or `-` for checks beyond it.
    pub section: &'static str,
    /// How bad a finding is.
    pub severity: Severity,
    /// One sentence: what the limitation is.
    pub summary: &'static str,
    /// One sentence: how to plan around it.
    pub fix: &'static str,
    /// The Microsoft Learn page that documents it.
    pub link: &'static str,
}

/// What the catalogue knows of a code.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    /// The code itself.
    pub code: Code,
    /// The stable identifier, such as `RP012`.
    pub id: &'static str,
    /// A short, stable name for SARIF and the docs.
    pub name: &'static str,
    /// The severity the code is reported with.
    pub severity: Severity,
    /// One sentence: what the problem is.
    pub summary: &'static str,
    /// One sentence: how to fix it.
    pub fix: &'static str,
}

macro_rules! catalogue {
    ($( $code:ident => $id:literal, $name:literal, $sev:ident, $summary:literal, $fix:literal; )*) => {
        /// Every code, in code order.
        pub const CATALOGUE: &[CodeInfo] = &[
            $( CodeInfo { code: Code::$code, id: $id, name: $name, severity: Severity::$sev, summary: $summary, fix: $fix }, )*
        ];
    };
}

impl Code {
    /// The catalogue entry of this code.
    pub fn info(self) -> CodeInfo {
        if let Code::Rule(rule) = self {
            return CodeInfo {
                code: self,
                id: rule.id,
                name: rule.rule,
                severity: rule.severity,
                summary: rule.summary,
                fix: rule.fix,
            };
        }
        *CATALOGUE
            .iter()
            .find(|info| info.code == self)
            .expect("invariant: every code has a catalogue entry")
    }

    /// The stable identifier, such as `RP012` or `AZ021`.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The dry-run rule behind the code, if it is one.
    pub fn rule(self) -> Option<&'static RuleInfo> {
        match self {
            Code::Rule(rule) => Some(rule),
            _ => None,
        }
    }

    /// Where the code is documented, relative to the repository root.
    pub fn docs_link(self) -> String {
        let page = if self.rule().is_some() {
            "rules"
        } else {
            "diagnostics"
        };
        format!("docs/{page}.md#{}", self.id().to_ascii_lowercase())
    }
}

catalogue! {
    FileTooLarge => "RP001", "file-too-large", Error,
        "The file is too large: over 16 MiB, or over 1,000,000 YAML nodes.",
        "Split the plan into several plans, or export a leaner inventory; remove generated content.";
    NotUtf8 => "RP002", "not-utf8", Error,
        "The file is not valid UTF-8 text.",
        "Save the file as UTF-8 (without a byte-order mark in the middle of the file).";
    NulByte => "RP003", "nul-byte", Error,
        "The file contains a NUL byte, so it is binary rather than YAML text.",
        "Check that the right file was given; remove the NUL bytes.";
    EmptyDocument => "RP004", "empty-document", Error,
        "The file contains no YAML document (it is empty or holds only comments).",
        "Write the document: a plan or an inventory starts with `apiVersion: restoreplan/v1`.";
    MultipleDocuments => "RP005", "multiple-documents", Error,
        "The file holds more than one YAML document (`---` separates them); a plan is one document.",
        "Put each plan in its own file.";
    YamlSyntax => "RP006", "yaml-syntax", Error,
        "The text is not valid YAML.",
        "Fix the YAML at the marked position (indentation, quotes and brackets are the usual causes).";
    DuplicateKey => "RP007", "duplicate-key", Error,
        "A mapping has the same key twice; YAML forbids it and the second would silently win.",
        "Remove one of the two entries, or merge them.";
    TooDeep => "RP008", "too-deep", Error,
        "Collections are nested more than 64 levels deep.",
        "Flatten the structure; no valid plan nests that deep.";
    AliasBudget => "RP009", "alias-budget", Error,
        "Aliases expand to more than 100,000 nodes (an alias bomb, or an unreasonably repetitive file).",
        "Write the repeated content out, or use `defaults:` instead of anchors.";
    UnsupportedYaml => "RP010", "unsupported-yaml", Error,
        "The file uses a YAML feature the plan language does not accept: custom tags, merge keys (`<<`) or non-scalar keys.",
        "Write the value out plainly; use `defaults:` for shared settings.";
    UnknownProperty => "RP011", "unknown-property", Error,
        "The schema does not know this property (often a typo).",
        "Use one of the properties the schema lists; the message suggests the closest one.";
    MissingProperty => "RP012", "missing-property", Error,
        "A property the schema requires is missing.",
        "Add the property.";
    WrongType => "RP013", "wrong-type", Error,
        "The value has the wrong type (for example a list where a string is expected).",
        "Write the value in the expected type; quote strings that YAML would read as numbers.";
    NotAllowedValue => "RP014", "not-allowed-value", Error,
        "The value is not one of the allowed values.",
        "Use one of the listed values.";
    BadFormat => "RP015", "bad-format", Error,
        "The string does not have the required form (duration, resource id, step id, time, …).",
        "Write the value in the form the message shows.";
    OutOfRange => "RP016", "out-of-range", Error,
        "The value is out of range, or a list or text has the wrong size.",
        "Use a value within the limits the message gives.";
    ExactlyOneOf => "RP017", "exactly-one-of", Error,
        "The object must have exactly one of several properties (a step exactly one kind, a restore exactly one of `vm` or `select`).",
        "Keep exactly one of the listed properties.";
    DuplicateStepId => "RP020", "duplicate-step-id", Error,
        "Two steps have the same id.",
        "Rename one of them; ids are how steps refer to each other.";
    UnknownDependency => "RP021", "unknown-dependency", Error,
        "`dependsOn` names a step that does not exist.",
        "Use the id of an existing step; the message suggests the closest one.";
    SelfDependency => "RP022", "self-dependency", Error,
        "A step lists itself in `dependsOn`, or refers to its own outputs.",
        "Remove the entry.";
    DependencyCycle => "RP023", "dependency-cycle", Error,
        "The dependencies form a cycle, so no order can run the steps.",
        "Remove one of the labelled `dependsOn` entries or references to break the cycle.";
    UnknownVault => "RP024", "unknown-vault", Error,
        "A step or the defaults name a vault that `vaults:` does not declare.",
        "Declare the vault under `vaults:`, or use a declared name.";
    UnknownTarget => "RP025", "unknown-target", Error,
        "A step or the defaults name a target that `targets:` does not declare.",
        "Declare the target under `targets:`, or use a declared name.";
    MissingVault => "RP026", "missing-vault", Error,
        "A restore step has no vault: neither `restore.vault` nor `defaults.vault` is set.",
        "Set `vault:` on the step or `defaults.vault`.";
    MissingTarget => "RP027", "missing-target", Error,
        "A restore that creates resources (`new-vm`, `disks`) has no target: neither `restore.target` nor `defaults.target` is set.",
        "Set `target:` on the step or `defaults.target`.";
    BadReference => "RP028", "bad-reference", Error,
        "A `${{ … }}` expression is not of the form `${{ steps.<id>.outputs.<name> }}`.",
        "Write the reference as `${{ steps.<id>.outputs.<name> }}`.";
    UnknownReferenceStep => "RP029", "unknown-reference-step", Error,
        "A reference names a step that does not exist.",
        "Use the id of an existing step; the message suggests the closest one.";
    UnknownOutput => "RP030", "unknown-output", Error,
        "A reference names an output that the referenced step kind does not produce.",
        "Use an output of that step kind: restore has `vmId`, `vmName`, `privateIp`, `jobId`; run has `exitCode`, `stdout`.";
    ThenNeedsDisks => "RP031", "then-needs-disks", Error,
        "`then: deploy-template` deploys the template a disk restore produces, so it needs `as: disks`.",
        "Restore `as: disks`, or remove `then:`.";
    OptionNotForMode => "RP032", "option-not-for-mode", Error,
        "A restore option does not apply to the chosen restore mode (for example `name:` on `replace-existing`).",
        "Remove the option, or choose the mode it belongs to.";
    NotARealTime => "RP033", "not-a-real-time", Error,
        "A time has the RFC 3339 form but names no real instant (for example 30 February, or hour 25).",
        "Write a time that exists, such as `2026-11-20T00:00:00Z`.";
    UnknownVm => "RP034", "unknown-vm", Error,
        "A restore names a VM that the inventory does not have in the vault's region.",
        "Use the name or resource id of a VM that the vault protects; the message suggests the closest name.";
    AmbiguousVm => "RP035", "ambiguous-vm", Error,
        "Several VMs in the vault's region have the name a restore uses (names are unique only per resource group).",
        "Write the VM's full resource id instead of its name.";
    SelectorMatchesNothing => "RP036", "selector-matches-nothing", Error,
        "A `select:` matches no VM of the vault's region in the inventory, so the step would restore nothing.",
        "Check the tags, name patterns and resource group against the inventory.";
    VaultNotInInventory => "RP037", "vault-not-in-inventory", Error,
        "A vault of the plan is not in the inventory, so nothing about its backups can be checked.",
        "Fix the vault id, or export a fresh inventory that includes the vault.";
    UnusedDeclaration => "RP040", "unused-declaration", Warning,
        "A vault or target is declared but no step uses it.",
        "Remove the declaration, or use it from a step.";
    Internal => "RP099", "internal", Error,
        "restoreplan failed on a file that passed its schema; this is a bug in restoreplan.",
        "Report the file and the message to the restoreplan maintainers.";
    AuthFailed => "EX001", "auth-failed", Error,
        "Signing in to Azure failed with the chosen credential.",
        "Check `--auth` and its settings (`az login`, `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, the secret or certificate).";
    ArmRejected => "EX002", "arm-rejected", Error,
        "Azure Resource Manager refused the request with a permanent error; it is not retried.",
        "Read Azure's code and message; fix the request or the resource it names.";
    ArmForbidden => "EX003", "arm-forbidden", Error,
        "Azure refused the request because the signed-in identity lacks permission.",
        "Grant the identity the role the operation needs (for restores: Backup Operator on the vault and Contributor on the target).";
    ArmNotFound => "EX004", "arm-not-found", Error,
        "Azure does not know the resource the request names.",
        "Check the resource id and subscription; export a fresh inventory if the estate changed.";
    ArmThrottled => "EX005", "arm-throttled", Error,
        "Azure kept throttling the request (HTTP 429) until the retry budget ran out.",
        "Lower `execution.maxParallel`, or run when fewer clients share the subscription's request budget.";
    ArmUnavailable => "EX006", "arm-unavailable", Error,
        "A transient failure (HTTP 5xx, a timeout or a dropped connection) persisted through every retry.",
        "Check Azure status for the region and resume the run; completed steps are not repeated.";
    ArmOutcomeUnknown => "EX007", "arm-outcome-unknown", Error,
        "A request that is not safe to repeat may have reached Azure, but its answer was lost.",
        "Look for the job in the vault's backup jobs before running the step again.";
    ArmMalformedResponse => "EX008", "arm-malformed-response", Error,
        "Azure answered with a body or header that restoreplan cannot read.",
        "Retry later; if it persists, report the request id to Azure support and to restoreplan.";
    UntrustedUrl => "EX009", "untrusted-url", Error,
        "A URL is not https, or an answer points to another host than the Azure endpoint in use.",
        "Use https endpoints; a Location or nextLink to another host is refused on purpose.";
    InvalidResourceId => "EX010", "invalid-resource-id", Error,
        "A resource id is not a valid ARM id of the expected kind.",
        "Write the full id, such as `/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Compute/virtualMachines/<name>`.";
    OperationFailed => "EX011", "operation-failed", Error,
        "An Azure long-running operation ended in failure.",
        "Read Azure's code and message; fix the cause and run the step again.";
    OperationTimedOut => "EX012", "operation-timed-out", Error,
        "An Azure operation or job did not end before its deadline.",
        "Check the job in the portal; raise the step's deadline if Azure is merely slow.";
    JobFailed => "EX013", "job-failed", Error,
        "The Azure Backup job of a restore failed.",
        "Follow Azure's recommendations in the message, then run the step again.";
    JobCancelled => "EX014", "job-cancelled", Error,
        "The Azure Backup job of a restore was cancelled.",
        "Run the step again if the restore is still wanted.";
    PagingRunaway => "EX015", "paging-runaway", Error,
        "A listing did not end: its `nextLink` repeated or the page limit was reached.",
        "Narrow the listing (a shorter `--since` window); report the request id if Azure loops.";
    AzureValidationFinding => "EX016", "azure-validation-finding", Error,
        "Azure's own validation of a restore request reported a problem.",
        "Follow Azure's recommendation in the message.";
    NotProtected => "EX017", "not-protected", Error,
        "The vault has no protected item for the VM.",
        "Check the vault and the VM's name and resource group; the VM may be protected by another vault.";
    TemplateMissing => "EX018", "template-missing", Error,
        "The disk restore job finished without a template to deploy.",
        "Deploy the restored disks by hand, or restore again; Azure omits the template for some VM kinds.";
    DeploymentFailed => "EX019", "deployment-failed", Error,
        "The deployment of the restored VM's template failed.",
        "Read Azure's code and message; the restored disks remain and can be deployed again.";
    EstateUnreadable => "EX020", "estate-unreadable", Error,
        "A subscription or vault of `inventory export` (or `plan --live`) could not be read, so the inventory would be incomplete; nothing is written.",
        "Check the id and that the signed-in identity has Reader on the subscription and Backup Reader on the vault.";
    EstateDetailMissing => "EX021", "estate-detail-missing", Warning,
        "A detail of the estate (a backup policy, a network interface, a VM size, the paired region's recovery points) could not be read; the inventory holds the schema's default for it.",
        "Grant the identity Reader on the resource the message names, or check the fact by hand before relying on the dry run.";
    ExportInvalid => "EX022", "export-invalid", Error,
        "The inventory built from Azure does not pass the inventory schema; Azure answered a value restoreplan does not expect.",
        "Report the message to the restoreplan maintainers; nothing was written.";
    ExportNotWritten => "EX023", "export-not-written", Error,
        "The exported inventory could not be written to its file.",
        "Check that the folder exists and is writable and the disk is not full.";
    EmulatorNotLoopback => "EX080", "emulator-not-loopback", Error,
        "The emulator listens on loopback addresses only (127.0.0.0/8 or ::1): it accepts any client it is told to and holds no real secrets, so it must not be reachable from the network.",
        "Use `--listen 127.0.0.1:<port>` (port 0 picks a free one), or `[::1]:<port>`.";
    EmulatorBadListen => "EX081", "emulator-bad-listen", Error,
        "`--listen` is not an IP address with a port.",
        "Write it as `127.0.0.1:8443` or `[::1]:8443`; port 0 picks a free port.";
    EmulatorBadFaults => "EX082", "emulator-bad-faults", Error,
        "`--faults` is not a comma-separated list of `<fault>=<probability>` with known faults and probabilities from 0 to 1 that add up to at most 1.",
        "Write it like `429=0.1,500=0.03,503=0.03,reset=0.02,slow=0.05`.";
    EmulatorBadFailJob => "EX083", "emulator-bad-fail-job", Error,
        "`--fail-job` is not `<vm name>` or `<vm name>:<error code>`.",
        "Write it like `sql-01` or `sql-01:UserErrorRestoreFailed`.";
    EmulatorBadTimeScale => "EX084", "emulator-bad-time-scale", Error,
        "`--time-scale` must be a finite number above 0 (simulated seconds per real second).",
        "Use for example `--time-scale 60` to run an hour of simulated work in a minute.";
    EmulatorCannotStart => "EX085", "emulator-cannot-start", Error,
        "The emulator could not start: the address could not be bound, or the certificate or its CA file could not be written.",
        "Pick another port, or a writable `--ca-out` path.";
    JournalIo => "EX100", "journal-io", Error,
        "The run folder's journal or lock file cannot be written or read, so the run cannot be recorded safely.",
        "Check that the state folder (`--state-dir`, default `.restoreplan/`) exists, is writable and its disk is not full.";
    JournalCorrupt => "EX101", "journal-corrupt", Error,
        "A line of the run journal other than the last cannot be read: the file was changed or damaged after it was written.",
        "Restore `journal.jsonl` from a backup, or start a new run; never edit a journal by hand.";
    JournalTorn => "EX102", "journal-torn", Warning,
        "The journal's last line is incomplete: the run crashed while writing it. The event it held never took effect.",
        "Nothing to do: the line is cut off and the run resumes from the last complete event.";
    PlanLocked => "EX103", "plan-locked", Error,
        "Another `apply` of this plan is running (or holds its lock on another machine).",
        "Wait for the other run to finish; if it is certainly gone, run again with `--force-unlock`.";
    StaleLock => "EX104", "stale-lock", Warning,
        "The plan's lock belonged to a run that is no longer running, and was taken over.",
        "Nothing to do; the message names the earlier run, which can be resumed from its journal.";
    RunNotStarted => "EX110", "run-not-started", Error,
        "A `run` step's program could not be started: it is not found, not executable, or the step names none.",
        "Install the program on the machine that runs `apply`, or give its path relative to the plan's folder.";
    RunFailed => "EX111", "run-failed", Error,
        "A `run` step's program exited with a non-zero status or was killed; its output is kept in the run folder.",
        "Read `steps/<step>/attempt-<n>/stderr.log` in the run folder; fix the cause and resume the run.";
    CheckInvalid => "EX112", "check-invalid", Error,
        "A `check` step cannot probe: it has neither `http` nor `tcp`, or no HTTP client could be made.",
        "Give the step an `http` URL or a `tcp` address.";
    CheckFailed => "EX113", "check-failed", Error,
        "A `check` step's endpoint did not answer as expected before `within` ran out.",
        "Check that the restored VM started and its network allows the probe; lengthen `within` if it needs more time.";
    StepTimeout => "EX114", "step-timeout", Error,
        "A step did not finish within its `timeout`; a restore's Azure job may still be running.",
        "Look at the Azure job before resuming; lengthen the step's `timeout` if the restore needs longer.";
    ReferenceUnresolved => "EX115", "reference-unresolved", Error,
        "A `${{ steps.<id>.outputs.<name> }}` reference has no value when the step runs.",
        "Reference an output the step produces (`vmId`, `vmName`, `privateIp`, `jobId`; `exitCode`, `stdout`).";
    UnknownRun => "EX116", "unknown-run", Error,
        "There is no run with this id in the state folder.",
        "List the runs with `restoreplan runs list` (and the same `--state-dir`), and copy the id from there.";
    PlanChanged => "EX117", "plan-changed", Error,
        "The plan or its inventory changed since the run started (or since it was reviewed), so it is not the plan that was approved.",
        "Resume with the files the run started with, or review the changed plan with `restoreplan plan` and start a new run.";
    ApprovalTimedOut => "EX118", "approval-timed-out", Error,
        "An `approve` gate was not approved within `--approval-timeout`.",
        "Approve with `restoreplan approve <run-id> <step>` and resume the run, or give a longer `--approval-timeout`.";
    ApprovalRefused => "EX119", "approval-refused", Error,
        "The operator answered no at an `approve` gate's prompt.",
        "Resume the run when the gate may be approved; the steps before it are not run again.";
}
