//! The schemas keep the promises editors and diagnostics rely on: valid
//! draft 2020-12, closed objects, a description on every property, examples
//! on every enum and pattern (hover docs and "write it like …" help), and
//! only the `oneOf` form that the diagnostics know how to explain.

use restoreplan::schema::SchemaKind;
use serde_json::Value;

fn schemas() -> [(&'static str, &'static Value); 2] {
    [
        ("restore-plan", SchemaKind::Plan.value()),
        ("inventory", SchemaKind::Inventory.value()),
    ]
}

/// Visits every subschema with its JSON pointer.
fn walk<'a>(node: &'a Value, pointer: String, visit: &mut dyn FnMut(&str, &'a Value)) {
    visit(&pointer, node);
    let Some(members) = node.as_object() else {
        return;
    };
    for key in ["properties", "$defs"] {
        if let Some(children) = members.get(key).and_then(Value::as_object) {
            for (name, child) in children {
                walk(child, format!("{pointer}/{key}/{name}"), visit);
            }
        }
    }
    for key in [
        "items",
        "additionalProperties",
        "propertyNames",
        "then",
        "else",
        "if",
    ] {
        if let Some(child) = members.get(key).filter(|c| c.is_object()) {
            walk(child, format!("{pointer}/{key}"), visit);
        }
    }
}

#[test]
fn schemas_are_valid_draft_2020_12() {
    for (name, schema) in schemas() {
        assert!(
            jsonschema::draft202012::meta::is_valid(schema),
            "{name} is not a valid 2020-12 schema"
        );
    }
}

#[test]
fn every_object_is_closed_and_every_property_described() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (name, schema) in schemas() {
        walk(schema, String::new(), &mut |pointer, node| {
            if let Some(properties) = node.get("properties").and_then(Value::as_object) {
                checked += properties.len();
                if node.get("additionalProperties") != Some(&Value::Bool(false)) {
                    problems.push(format!(
                        "{name}{pointer}: object without additionalProperties: false"
                    ));
                }
                for (property, schema) in properties {
                    if schema
                        .get("description")
                        .and_then(Value::as_str)
                        .is_none_or(str::is_empty)
                    {
                        problems.push(format!(
                            "{name}{pointer}/properties/{property}: no description"
                        ));
                    }
                }
            }
            if node.get("type") == Some(&Value::String("object".into()))
                && node.get("properties").is_none()
                && node.get("additionalProperties").is_none()
            {
                problems.push(format!("{name}{pointer}: open object"));
            }
        });
    }
    assert!(checked > 150, "the walk reached only {checked} properties");
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_enum_and_pattern_has_matching_examples() {
    let mut problems = Vec::new();
    for (name, schema) in schemas() {
        let validator_root = schema.clone();
        walk(schema, String::new(), &mut |pointer, node| {
            let constrained = node.get("enum").is_some() || node.get("pattern").is_some();
            if !constrained {
                return;
            }
            let Some(examples) = node
                .get("examples")
                .and_then(Value::as_array)
                .filter(|e| !e.is_empty())
            else {
                problems.push(format!("{name}{pointer}: enum or pattern without examples"));
                return;
            };
            // Each example must itself be valid under the node (with the root's $defs in reach).
            let mut local = node.clone();
            if let Some(defs) = validator_root.get("$defs") {
                local["$defs"] = defs.clone();
            }
            local.as_object_mut().map(|o| o.remove("examples"));
            let validator = jsonschema::draft202012::new(&local).expect("subschema compiles");
            for example in examples {
                if !validator.is_valid(example) {
                    problems.push(format!("{name}{pointer}: example {example} does not match"));
                }
            }
        });
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn one_of_is_only_used_for_exactly_one_of_these_keys() {
    let mut problems = Vec::new();
    for (name, schema) in schemas() {
        walk(schema, String::new(), &mut |pointer, node| {
            if node.get("anyOf").is_some() || node.get("allOf").is_some() {
                problems.push(format!(
                    "{name}{pointer}: anyOf/allOf give poor diagnostics"
                ));
            }
            if let Some(branches) = node.get("oneOf").and_then(Value::as_array) {
                let simple = branches.iter().all(|b| {
                    b.as_object().is_some_and(|o| o.len() == 1)
                        && b.get("required")
                            .and_then(Value::as_array)
                            .is_some_and(|r| r.len() == 1)
                });
                if !simple {
                    problems.push(format!(
                        "{name}{pointer}: oneOf other than the required-key form"
                    ));
                }
            }
        });
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
