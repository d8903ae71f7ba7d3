//! The JSON Schemas of the plan language and the inventory, embedded at build
//! time. They are the single source of truth for the shape of both files:
//! nothing else re-checks what they say.

mod messages;
mod wording;

use crate::diagnostic::{Code, Diagnostic};
use jsonschema::Validator;
use serde_json::Value;
use std::sync::OnceLock;

/// Which embedded schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// `schemas/restore-plan.schema.json`.
    Plan,
    /// `schemas/inventory.schema.json`.
    Inventory,
}

const PLAN_SCHEMA: &str = include_str!("../../schemas/restore-plan.schema.json");
const INVENTORY_SCHEMA: &str = include_str!("../../schemas/inventory.schema.json");

struct Compiled {
    schema: Value,
    validator: Validator,
}

impl SchemaKind {
    /// The schema text exactly as shipped.
    pub fn text(self) -> &'static str {
        match self {
            SchemaKind::Plan => PLAN_SCHEMA,
            SchemaKind::Inventory => INVENTORY_SCHEMA,
        }
    }

    /// The parsed schema.
    pub fn value(self) -> &'static Value {
        &self.compiled().schema
    }

    /// Compiles the schema now rather than on first use, so that a caller can
    /// pay for it on one thread while another is still parsing the document.
    pub fn prepare(self) {
        self.compiled();
    }

    fn compiled(self) -> &'static Compiled {
        static PLAN: OnceLock<Compiled> = OnceLock::new();
        static INVENTORY: OnceLock<Compiled> = OnceLock::new();
        let cell = match self {
            SchemaKind::Plan => &PLAN,
            SchemaKind::Inventory => &INVENTORY,
        };
        cell.get_or_init(|| {
            // Both schemas are part of the binary and tested; failing here is a build defect.
            let schema: Value = serde_json::from_str(self.text())
                .expect("invariant: the embedded schema is valid JSON");
            let validator = jsonschema::draft202012::options()
                .build(&schema)
                .expect("invariant: the embedded schema compiles");
            Compiled { schema, validator }
        })
    }
}

/// Validates a document against a schema; one diagnostic per problem.
pub fn validate(kind: SchemaKind, instance: &Value) -> Vec<Diagnostic> {
    let compiled = kind.compiled();
    let mut found: Vec<Diagnostic> = compiled
        .validator
        .iter_errors(instance)
        .flat_map(|error| messages::describe(&compiled.schema, instance, &error))
        .collect();
    // A value with a bad form often breaks a size limit too (`"5"` as a
    // duration is also too short); the form is what the user needs to know.
    let formats: Vec<Option<String>> = found
        .iter()
        .filter(|d| {
            matches!(
                d.code,
                Code::BadFormat | Code::NotAllowedValue | Code::WrongType
            )
        })
        .map(|d| d.pointer.clone())
        .collect();
    found.retain(|d| d.code != Code::OutOfRange || !formats.contains(&d.pointer));
    found
}
