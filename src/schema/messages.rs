//! Turns jsonschema's validation errors into diagnostics a person can act on:
//! the offending key rather than its parent, the allowed values, and a
//! "did you mean" drawn from the schema itself.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::escape_pointer_token;
use crate::suggest::did_you_mean;
use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind as Kind;
use serde_json::Value;

/// The diagnostics for one validation error.
pub fn describe(schema: &Value, instance: &Value, error: &ValidationError<'_>) -> Vec<Diagnostic> {
    let pointer = error.instance_path().as_str().to_owned();
    let keyword_path = error.schema_path().as_str();
    let subschema = parent_schema(schema, keyword_path);
    let at_value = instance.pointer(&pointer).unwrap_or(&Value::Null);
    let field = field_name(&pointer);
    match error.kind() {
        Kind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|name| unknown_property(instance, subschema, &pointer, name))
            .collect(),
        Kind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let description = subschema
                .and_then(|s| s.get("properties"))
                .and_then(|p| p.get(name))
                .and_then(|p| describe_property(schema, p));
            let mut diagnostic = Diagnostic::new(
                Code::MissingProperty,
                format!(
                    "{} is missing the required property `{name}`",
                    what(instance, &pointer)
                ),
            )
            .at(&pointer, format!("`{name}` is missing here"));
            diagnostic.help = Some(match description {
                Some(text) => format!("add `{name}`: {text}"),
                None => format!("add `{name}`"),
            });
            vec![diagnostic]
        }
        Kind::Type { .. } => {
            let expected = subschema
                .and_then(|s| s.get("type"))
                .map(type_names)
                .unwrap_or_default();
            vec![
                Diagnostic::new(
                    Code::WrongType,
                    format!(
                        "{field} must be {expected}, but it is {}",
                        json_type(at_value)
                    ),
                )
                .at(&pointer, format!("expected {expected}"))
                .with_help(
                    examples_help(schema, subschema)
                        .unwrap_or_else(|| Code::WrongType.info().fix.to_owned()),
                ),
            ]
        }
        Kind::Enum { options } => {
            let allowed: Vec<String> = options
                .as_array()
                .map(|values| values.iter().map(show).collect())
                .unwrap_or_default();
            let candidates: Vec<&str> = options
                .as_array()
                .map(|values| values.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut diagnostic = Diagnostic::new(
                Code::NotAllowedValue,
                format!("{} is not an allowed value of {field}", show(at_value)),
            )
            .at(&pointer, format!("allowed: {}", allowed.join(", ")));
            let suggestion = at_value
                .as_str()
                .and_then(|v| did_you_mean(v, candidates.iter().copied()));
            diagnostic.help = Some(match suggestion {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("use one of {}", allowed.join(", ")),
            });
            vec![diagnostic]
        }
        Kind::Constant { expected_value } => vec![
            Diagnostic::new(
                Code::NotAllowedValue,
                format!(
                    "{field} must be {}, but it is {}",
                    show(expected_value),
                    show(at_value)
                ),
            )
            .at(&pointer, format!("expected {}", show(expected_value)))
            .with_help(format!("write {}", show(expected_value))),
        ],
        Kind::Pattern { .. } => {
            let noun = noun_of(keyword_path).unwrap_or_else(|| "value".to_owned());
            vec![
                Diagnostic::new(
                    Code::BadFormat,
                    format!("{} is not a valid {noun} for {field}", show(at_value)),
                )
                .at(&pointer, format!("not a valid {noun}"))
                .with_help(
                    examples_help(schema, subschema)
                        .unwrap_or_else(|| Code::BadFormat.info().fix.to_owned()),
                ),
            ]
        }
        Kind::PropertyNames { error: inner } => {
            let name = inner.instance().as_str().unwrap_or_default().to_owned();
            let noun = noun_of(inner.schema_path().as_str()).unwrap_or_else(|| "name".to_owned());
            let member = format!("{pointer}/{}", escape_pointer_token(&name));
            let names_schema = subschema.and_then(|s| s.get("propertyNames"));
            vec![
                Diagnostic::new(
                    Code::BadFormat,
                    format!(
                        "`{name}` is not a valid {noun} in {}",
                        what(instance, &pointer)
                    ),
                )
                .at_key(&member, format!("not a valid {noun}"))
                .with_help(
                    examples_help(schema, names_schema)
                        .unwrap_or_else(|| Code::BadFormat.info().fix.to_owned()),
                ),
            ]
        }
        Kind::OneOfNotValid { .. } | Kind::OneOfMultipleValid { .. } => {
            exactly_one_of(schema, instance, keyword_path, at_value, &pointer, error)
        }
        _ => vec![
            Diagnostic::new(
                Code::OutOfRange,
                format!("{field}: {}", plain_message(error)),
            )
            .at(&pointer, "")
            .with_help(
                examples_help(schema, subschema)
                    .unwrap_or_else(|| Code::OutOfRange.info().fix.to_owned()),
            ),
        ],
    }
}

fn unknown_property(
    instance: &Value,
    subschema: Option<&Value>,
    pointer: &str,
    name: &str,
) -> Diagnostic {
    let known: Vec<&str> = subschema
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let member = format!("{pointer}/{}", escape_pointer_token(name));
    let diagnostic = Diagnostic::new(
        Code::UnknownProperty,
        format!("unknown property `{name}` in {}", what(instance, pointer)),
    )
    .at_key(&member, "unknown property");
    match did_you_mean(name, known.iter().copied()) {
        Some(best) => diagnostic.with_help(format!("did you mean `{best}`?")),
        None if known.is_empty() => diagnostic.with_help("remove it"),
        None => diagnostic.with_help(format!(
            "remove it; allowed here: {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn exactly_one_of(
    schema: &Value,
    instance: &Value,
    keyword_path: &str,
    at_value: &Value,
    pointer: &str,
    error: &ValidationError<'_>,
) -> Vec<Diagnostic> {
    let branches = schema.pointer(keyword_path).and_then(Value::as_array);
    let names: Option<Vec<&str>> = branches.and_then(|branches| {
        branches
            .iter()
            .map(
                |branch| match branch.get("required").and_then(Value::as_array) {
                    Some(required)
                        if required.len() == 1
                            && branch.as_object().is_some_and(|o| o.len() == 1) =>
                    {
                        required[0].as_str()
                    }
                    _ => None,
                },
            )
            .collect()
    });
    let Some(names) = names else {
        return vec![
            Diagnostic::new(
                Code::ExactlyOneOf,
                format!("{}: {}", field_name(pointer), plain_message(error)),
            )
            .at(pointer, ""),
        ];
    };
    let listed = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let present: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| at_value.get(n).is_some())
        .collect();
    let diagnostic = if present.len() > 1 {
        let mut d = Diagnostic::new(
            Code::ExactlyOneOf,
            format!(
                "{} has both {}, but may have only one of {listed}",
                what(instance, pointer),
                present
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        );
        for name in &present {
            d = d.at_key(&format!("{pointer}/{}", escape_pointer_token(name)), "");
        }
        d.with_help("split it into one step per kind, or keep only one")
    } else {
        Diagnostic::new(
            Code::ExactlyOneOf,
            format!("{} needs exactly one of {listed}", what(instance, pointer)),
        )
        .at(pointer, format!("none of {listed}"))
        .with_help(format!("add one of {listed}"))
    };
    vec![diagnostic]
}

/// The schema object that holds the keyword at `keyword_path`.
fn parent_schema<'s>(schema: &'s Value, keyword_path: &str) -> Option<&'s Value> {
    let cut = keyword_path.rfind('/')?;
    schema.pointer(&keyword_path[..cut])
}

/// Follows a local `$ref` once.
fn deref<'s>(schema: &'s Value, node: &'s Value) -> &'s Value {
    node.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|p| schema.pointer(p))
        .unwrap_or(node)
}

fn describe_property(schema: &Value, node: &Value) -> Option<String> {
    node.get("description")
        .or_else(|| deref(schema, node).get("description"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn examples_help(schema: &Value, subschema: Option<&Value>) -> Option<String> {
    let node = subschema?;
    let examples = node
        .get("examples")
        .or_else(|| deref(schema, node).get("examples"))
        .and_then(Value::as_array)?;
    let shown: Vec<String> = examples.iter().take(4).map(show).collect();
    (!shown.is_empty()).then(|| format!("write it like {}", shown.join(", ")))
}

/// A noun for the `$defs` entry a keyword belongs to: `/$defs/stepId/pattern` → "step id".
fn noun_of(keyword_path: &str) -> Option<String> {
    let rest = keyword_path.split("/$defs/").nth(1)?;
    let name = rest.split('/').next()?;
    let mut noun = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            noun.push(' ');
            noun.push(c.to_ascii_lowercase());
        } else {
            noun.push(c);
        }
    }
    Some(noun.replace(" i d", " id"))
}

fn field_name(pointer: &str) -> String {
    match pointer.rsplit('/').next() {
        Some(last) if !pointer.is_empty() && last.parse::<usize>().is_err() => {
            format!("`{}`", last.replace("~1", "/").replace("~0", "~"))
        }
        _ if pointer.is_empty() => "the document".to_owned(),
        _ => format!("item `{pointer}`"),
    }
}

/// Names the object at a pointer for a message: "step `web`", "`restore` of step `web`".
fn what(instance: &Value, pointer: &str) -> String {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    let step_name = |index: &str| match instance
        .pointer(&format!("/steps/{index}/id"))
        .and_then(Value::as_str)
    {
        Some(id) => format!("step `{id}`"),
        None => format!("step #{}", index.parse::<usize>().map_or(0, |i| i + 1)),
    };
    match tokens.as_slice() {
        [] => "the document".to_owned(),
        ["steps", index] => step_name(index),
        ["steps", index, rest @ ..] => format!("`{}` of {}", rest.join("."), step_name(index)),
        _ => format!("`{}`", tokens.join(".")),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn type_names(types: &Value) -> String {
    let name = |t: &str| match t {
        "object" => "a mapping",
        "array" => "a list",
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean (`true` or `false`)",
        "null" => "empty",
        _ => "a value",
    };
    match types {
        Value::String(t) => name(t).to_owned(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(name)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "a value".to_owned(),
    }
}

/// A value as written in YAML, for messages.
fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
        other => format!("`{other}`"),
    }
}

/// jsonschema's own message, which quotes the instance as JSON: fine for
/// range and size errors, which are about a number.
fn plain_message(error: &ValidationError<'_>) -> String {
    error.to_string()
}
