//! Step ids, `dependsOn` entries and output references → graph edges. Works
//! on step outlines, so it runs on plans that failed their schema too.

use super::graph::{Edge, EdgeReason};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{StepOutline, outputs_of};
use crate::suggest::did_you_mean;
use std::collections::HashMap;

/// How many unknown step ids get a "did you mean" in one plan.
const MAX_SUGGESTIONS: usize = 200;

/// Reports duplicate ids and bad dependencies; returns the edges, with
/// `from`/`to` as positions in `steps`.
pub(super) fn resolve_edges(
    steps: &[&StepOutline],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Edge> {
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(steps.len());
    for (position, step) in steps.iter().enumerate() {
        if let Some(&first) = by_id.get(step.id.as_str()) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateStepId,
                    format!("two steps have the id `{}`", step.id),
                )
                .at(&format!("/steps/{}/id", step.index), "defined again here")
                .at(
                    &format!("/steps/{}/id", steps[first].index),
                    "first defined here",
                )
                .with_help(Code::DuplicateStepId.info().fix),
            );
        } else {
            by_id.insert(&step.id, position);
        }
    }
    // Each suggestion compares against every id: bound the work for plans
    // with thousands of broken references (a rename gone wrong).
    let suggestions_left = std::cell::Cell::new(MAX_SUGGESTIONS);
    let suggest = |name: &str| {
        let best = if suggestions_left.get() > 0 {
            suggestions_left.set(suggestions_left.get() - 1);
            did_you_mean(name, steps.iter().map(|s| s.id.as_str()))
        } else {
            None
        };
        match best {
            Some(best) => format!("did you mean `{best}`?"),
            None => "use the id of a step in this plan".to_owned(),
        }
    };
    let mut edges = Vec::new();
    for (from, step) in steps.iter().enumerate() {
        for (position, dependency) in &step.depends_on {
            let pointer = format!("/steps/{}/dependsOn/{position}", step.index);
            if *dependency == step.id {
                diagnostics.push(
                    Diagnostic::new(
                        Code::SelfDependency,
                        format!("step `{}` depends on itself", step.id),
                    )
                    .at(&pointer, "this is the step's own id")
                    .with_help(Code::SelfDependency.info().fix),
                );
            } else if let Some(&to) = by_id.get(dependency.as_str()) {
                edges.push(Edge {
                    from,
                    to,
                    reason: EdgeReason::DependsOn,
                    pointer,
                });
            } else {
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownDependency,
                        format!(
                            "step `{}` depends on `{dependency}`, which does not exist",
                            step.id
                        ),
                    )
                    .at(&pointer, "no step has this id")
                    .with_help(suggest(dependency)),
                );
            }
        }
        for malformed in &step.malformed_references {
            diagnostics.push(
                Diagnostic::new(
                    Code::BadReference,
                    format!(
                        "malformed expression `{}`: {}",
                        malformed.expression, malformed.reason
                    ),
                )
                .at(&malformed.pointer, "in this string")
                .with_help(Code::BadReference.info().fix),
            );
        }
        for reference in &step.references {
            if reference.step == step.id {
                diagnostics.push(
                    Diagnostic::new(
                        Code::SelfDependency,
                        format!(
                            "step `{}` refers to its own output `{}`",
                            step.id, reference.output
                        ),
                    )
                    .at(
                        &reference.pointer,
                        format!("`{}` refers to this step", reference.expression),
                    )
                    .with_help(
                        "a step's outputs exist only after it has run; refer to an earlier step",
                    ),
                );
                continue;
            }
            let Some(&to) = by_id.get(reference.step.as_str()) else {
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownReferenceStep,
                        format!(
                            "`{}` refers to step `{}`, which does not exist",
                            reference.expression, reference.step
                        ),
                    )
                    .at(&reference.pointer, "unknown step in this reference")
                    .with_help(suggest(&reference.step)),
                );
                continue;
            };
            // A step whose kind is unreadable was reported by the schema; its outputs are unknown.
            if let Some(kind) = steps[to].kind {
                let outputs = outputs_of(kind);
                if !outputs.contains(&reference.output.as_str()) {
                    diagnostics.push(unknown_output(reference, kind, outputs));
                    continue;
                }
            }
            edges.push(Edge {
                from,
                to,
                reason: EdgeReason::Reference {
                    output: reference.output.clone(),
                },
                pointer: reference.pointer.clone(),
            });
        }
    }
    edges
}

fn unknown_output(reference: &crate::model::Reference, kind: &str, outputs: &[&str]) -> Diagnostic {
    let help = if outputs.is_empty() {
        format!("a `{kind}` step has no outputs; refer to a `restore` or `run` step")
    } else {
        match did_you_mean(&reference.output, outputs.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "a `{kind}` step has the outputs {}",
                outputs
                    .iter()
                    .map(|o| format!("`{o}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    };
    Diagnostic::new(
        Code::UnknownOutput,
        format!(
            "step `{}` is a `{kind}` step and has no output `{}`",
            reference.step, reference.output
        ),
    )
    .at(&reference.pointer, format!("in `{}`", reference.expression))
    .with_help(help)
}
