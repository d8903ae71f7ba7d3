//! Runs the stages in order for one plan file. A plan that fails its schema
//! has no typed model, but its graph errors are still reported from the
//! step outlines, so one round of review shows everything. An inventory goes
//! through the same loader and span index, so its errors point at its lines.

use crate::compile::{RestoreGraph, check_outlines, compile, expand};
use crate::diagnostic::{Diagnostic, FileDiagnostics};
use crate::model::{Inventory, Plan, StepOutline};
use crate::schema::{SchemaKind, validate};
use crate::source::{Document, SourceFile, parse, parse_value};
use serde_json::Value;

/// What validating one plan produced.
#[derive(Debug)]
pub struct Validated {
    /// The located, sorted diagnostics of the file.
    pub report: FileDiagnostics,
    /// The compiled graph, when the plan has no errors.
    pub graph: Option<RestoreGraph>,
    /// The typed plan, when it passed the schema.
    pub plan: Option<Plan>,
    /// The parsed document, when the file is YAML: later stages locate their
    /// diagnostics through its span index.
    pub document: Option<Document>,
}

/// Loads, schema-checks and compiles a plan from a source file whose
/// byte-level checks produced `byte_problems`.
pub fn validate_plan(source: SourceFile, byte_problems: Vec<Diagnostic>) -> Validated {
    if !byte_problems.is_empty() {
        return finish(source, None, byte_problems, None, None);
    }
    let document = match parse(&source) {
        Ok(document) => document,
        Err(diagnostics) => return finish(source, None, diagnostics, None, None),
    };
    let mut schema_problems = validate(SchemaKind::Plan, &document.value);
    if !schema_problems.is_empty() {
        // Graph errors are still worth reporting in the same round.
        schema_problems.extend(check_outlines(&StepOutline::read_all(&document.value)));
        return finish(source, Some(&document), schema_problems, None, None);
    }
    let plan = match Plan::from_value(&document.value) {
        Ok(plan) => plan,
        Err(diagnostic) => return finish(source, Some(&document), vec![diagnostic], None, None),
    };
    let compiled = compile(&plan);
    let mut validated = finish(
        source,
        Some(&document),
        compiled.diagnostics,
        compiled.graph,
        Some(plan),
    );
    validated.document = Some(document);
    validated
}

/// Expands a plan that compiled cleanly against an inventory; the
/// diagnostics point into the plan. `None` when the plan has no graph.
pub fn expand_plan(
    validated: &Validated,
    inventory: &Inventory,
) -> Option<(Option<RestoreGraph>, FileDiagnostics)> {
    let (plan, graph) = (validated.plan.as_ref()?, validated.graph.as_ref()?);
    let expanded = expand(plan, graph, inventory);
    let report = FileDiagnostics::new(
        validated.report.source.clone(),
        validated.document.as_ref(),
        expanded.diagnostics,
    );
    Some((expanded.graph, report))
}

fn finish(
    source: SourceFile,
    document: Option<&Document>,
    diagnostics: Vec<Diagnostic>,
    graph: Option<RestoreGraph>,
    plan: Option<Plan>,
) -> Validated {
    Validated {
        report: FileDiagnostics::new(source, document, diagnostics),
        graph,
        plan,
        document: None,
    }
}

/// What loading one inventory produced.
#[derive(Debug)]
pub struct LoadedInventory {
    /// The located, sorted diagnostics of the file.
    pub report: FileDiagnostics,
    /// The typed inventory, when the file has no errors.
    pub inventory: Option<Inventory>,
    /// The tree the inventory was read from, when it loaded: a million small
    /// allocations for a large estate, which a command about to exit may
    /// leave to the operating system rather than free one by one.
    pub value: Option<Value>,
}

/// Loads and schema-checks an inventory from a source file whose byte-level
/// checks produced `byte_problems`, and reads it into the typed model.
///
/// A clean inventory, the common case, is read without a span index (on
/// several cores when large); one with any problem is read again, whole and
/// with spans, so that its diagnostics point at its lines.
pub fn load_inventory(source: SourceFile, byte_problems: Vec<Diagnostic>) -> LoadedInventory {
    if byte_problems.is_empty()
        && let Some((inventory, value)) = load_clean_inventory(&source)
    {
        return LoadedInventory {
            report: FileDiagnostics::new(source, None, Vec::new()),
            inventory: Some(inventory),
            value: Some(value),
        };
    }
    let failed = |source, document: Option<&Document>, diagnostics| LoadedInventory {
        report: FileDiagnostics::new(source, document, diagnostics),
        inventory: None,
        value: None,
    };
    if !byte_problems.is_empty() {
        return failed(source, None, byte_problems);
    }
    let document = match parse(&source) {
        Ok(document) => document,
        Err(diagnostics) => return failed(source, None, diagnostics),
    };
    let schema_problems = validate(SchemaKind::Inventory, &document.value);
    if !schema_problems.is_empty() {
        return failed(source, Some(&document), schema_problems);
    }
    // The schema checks a time's form, not that the day exists: report every
    // impossible one at once rather than the first from the typed read.
    let time_problems = Inventory::check_timestamps(&document.value);
    if !time_problems.is_empty() {
        return failed(source, Some(&document), time_problems);
    }
    match Inventory::from_value(&document.value) {
        Ok(inventory) => LoadedInventory {
            report: FileDiagnostics::new(source, Some(&document), Vec::new()),
            inventory: Some(inventory),
            value: Some(document.value),
        },
        Err(diagnostic) => failed(source, Some(&document), vec![diagnostic]),
    }
}

/// The inventory and its tree, when the file has no problem at all. The
/// schema check and the typed read (with its lookups) run side by side: the
/// typed read of a value the schema refuses is thrown away, never trusted.
fn load_clean_inventory(source: &SourceFile) -> Option<(Inventory, Value)> {
    let value = parse_value(source)?;
    let (schema_problems, inventory) = std::thread::scope(|scope| {
        let schema = scope.spawn(|| validate(SchemaKind::Inventory, &value));
        // Every time the timestamp check reads is a `Timestamp` of the typed
        // model, parsed by the same jiff parser: a typed read that succeeds
        // has no impossible time, and one that fails goes the slow way.
        let inventory = Inventory::from_value(&value).ok();
        if let Some(inventory) = &inventory {
            inventory.build_lookups();
        }
        let schema_problems = schema
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (schema_problems, inventory)
    });
    Some((inventory.filter(|_| schema_problems.is_empty())?, value))
}
