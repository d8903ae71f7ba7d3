//! Turns jsonschema's validation errors into diagnostics a person can act on:
//! the offending key rather than its parent, the allowed values, examples
//! from the schema, and a "did you mean" drawn from the schema itself.

use super::wording::{count, flow, json_type, listed, show, type_names, what};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::escape_pointer_token;
use crate::suggest::did_you_mean;
use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind as Kind;
use serde_json::Value;

/// What one error is about.
struct Context<'a> {
    schema: &'a Value,
    instance: &'a Value,
    /// The instance pointer.
    pointer: String,
    /// The schema object that holds the failing keyword.
    subschema: Option<&'a Value>,
    /// The failing value.
    value: &'a Value,
}

impl Context<'_> {
    fn what(&self) -> String {
        what(self.instance, &self.pointer)
    }

    fn help_or(&self, fallback: Code) -> String {
        examples_help(self.schema, self.subschema).unwrap_or_else(|| fallback.info().fix.to_owned())
    }
}

/// The diagnostics for one validation error.
pub fn describe(schema: &Value, instance: &Value, error: &ValidationError<'_>) -> Vec<Diagnostic> {
    let pointer = error.instance_path().as_str().to_owned();
    let keyword_path = error.schema_path().as_str();
    let cx = Context {
        schema,
        instance,
        subschema: parent_schema(schema, keyword_path),
        value: instance.pointer(&pointer).unwrap_or(&Value::Null),
        pointer,
    };
    let diagnostic = match error.kind() {
        Kind::AdditionalProperties { unexpected } => {
            return unexpected
                .iter()
                .map(|name| unknown_property(&cx, name))
                .collect();
        }
        Kind::Required { property } => missing(&cx, property.as_str().unwrap_or_default()),
        Kind::Type { .. } => {
            let expected = cx
                .subschema
                .and_then(|s| s.get("type"))
                .map(type_names)
                .unwrap_or_default();
            Diagnostic::new(
                Code::WrongType,
                format!(
                    "{} must be {expected}, but it is {}",
                    cx.what(),
                    json_type(cx.value)
                ),
            )
            .at(&cx.pointer, format!("expected {expected}"))
            .with_help(type_help(&cx, &expected))
        }
        Kind::Enum { options } => not_allowed(
            &cx,
            options.as_array().map(Vec::as_slice).unwrap_or_default(),
        ),
        Kind::Constant { expected_value } => Diagnostic::new(
            Code::NotAllowedValue,
            format!(
                "{} must be {}, but it is {}",
                cx.what(),
                show(expected_value),
                show(cx.value)
            ),
        )
        .at(&cx.pointer, format!("expected {}", show(expected_value)))
        .with_help(format!("write {}", show(expected_value))),
        Kind::Pattern { .. } => {
            let noun = noun_of(keyword_path);
            Diagnostic::new(
                Code::BadFormat,
                format!("{} is not a valid {noun} for {}", show(cx.value), cx.what()),
            )
            .at(&cx.pointer, format!("not a valid {noun}"))
            .with_help(cx.help_or(Code::BadFormat))
        }
        Kind::PropertyNames { error: inner } => {
            // The error's keyword path is the inner keyword's: its parent is the names' schema.
            let name = inner.instance().as_str().unwrap_or_default().to_owned();
            let noun = noun_of(keyword_path);
            let member = format!("{}/{}", cx.pointer, escape_pointer_token(&name));
            Diagnostic::new(
                Code::BadFormat,
                format!("`{name}` is not a valid {noun} in {}", cx.what()),
            )
            .at_key(&member, format!("not a valid {noun}"))
            .with_help(cx.help_or(Code::BadFormat))
        }
        Kind::OneOfNotValid { .. } | Kind::OneOfMultipleValid { .. } => {
            exactly_one_of(&cx, keyword_path, error)
        }
        Kind::UniqueItems => {
            let items = cx.value.as_array().map(Vec::as_slice).unwrap_or_default();
            let repeated: Vec<String> = items
                .iter()
                .enumerate()
                .filter(|(i, item)| items[..*i].contains(item))
                .map(|(_, item)| flow(item))
                .collect();
            Diagnostic::new(
                Code::OutOfRange,
                format!(
                    "{} lists {} more than once",
                    cx.what(),
                    listed(repeated.iter().map(String::as_str))
                ),
            )
            .at(&cx.pointer, "repeated entries")
            .with_help("list each entry once")
        }
        kind => out_of_range(&cx, kind, error),
    };
    vec![diagnostic]
}

/// The help of a type error: the usual YAML slips first, then the schema's examples.
fn type_help(cx: &Context<'_>, expected: &str) -> String {
    let text = cx.value.as_str();
    if expected.starts_with("a string") && (cx.value.is_number() || cx.value.is_boolean()) {
        format!(
            "quote it, so YAML reads it as a string: \"{}\"",
            flow(cx.value)
        )
    } else if expected.starts_with("a boolean") && text.is_some() {
        let meant = matches!(
            text,
            Some("yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y")
        );
        format!(
            "YAML 1.2 reads `{}` as text; write `{}`",
            text.unwrap_or_default(),
            if meant { "true" } else { "true` or `false" }
        )
    } else if expected == "a list" && text.is_some() {
        format!("write it as a list: `[{}]`", text.unwrap_or_default())
    } else {
        cx.help_or(Code::WrongType)
    }
}

fn missing(cx: &Context<'_>, name: &str) -> Diagnostic {
    let description = cx
        .subschema
        .and_then(|s| s.get("properties"))
        .and_then(|p| p.get(name))
        .and_then(|p| describe_property(cx.schema, p));
    let diagnostic = Diagnostic::new(
        Code::MissingProperty,
        format!("{} is missing the required property `{name}`", cx.what()),
    )
    .at_key(&cx.pointer, format!("`{name}` is missing here"));
    diagnostic.with_help(match description {
        Some(text) => format!("add `{name}`: {text}"),
        None => format!("add `{name}`"),
    })
}

fn not_allowed(cx: &Context<'_>, options: &[Value]) -> Diagnostic {
    let allowed = options.iter().map(show).collect::<Vec<_>>().join(", ");
    let suggestion = cx
        .value
        .as_str()
        .and_then(|v| did_you_mean(v, options.iter().filter_map(Value::as_str)));
    Diagnostic::new(
        Code::NotAllowedValue,
        format!(
            "{} is not an allowed value of {}",
            show(cx.value),
            cx.what()
        ),
    )
    .at(&cx.pointer, format!("allowed: {allowed}"))
    .with_help(match suggestion {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("use one of {allowed}"),
    })
}

fn out_of_range(cx: &Context<'_>, kind: &Kind, error: &ValidationError<'_>) -> Diagnostic {
    let subject = cx.what();
    let (message, label) = match kind {
        Kind::Minimum { limit } => (
            format!(
                "{subject} must be at least {limit}, but it is {}",
                flow(cx.value)
            ),
            format!("less than {limit}"),
        ),
        Kind::Maximum { limit } => (
            format!(
                "{subject} must be at most {limit}, but it is {}",
                flow(cx.value)
            ),
            format!("more than {limit}"),
        ),
        Kind::ExclusiveMinimum { limit } => (
            format!(
                "{subject} must be more than {limit}, but it is {}",
                flow(cx.value)
            ),
            format!("not more than {limit}"),
        ),
        Kind::ExclusiveMaximum { limit } => (
            format!(
                "{subject} must be less than {limit}, but it is {}",
                flow(cx.value)
            ),
            format!("not less than {limit}"),
        ),
        Kind::MinLength { limit } => (
            format!(
                "{subject} must be at least {} long",
                count(*limit, "character")
            ),
            "too short".to_owned(),
        ),
        Kind::MaxLength { limit } => (
            format!(
                "{subject} must be at most {} long",
                count(*limit, "character")
            ),
            "too long".to_owned(),
        ),
        Kind::MinItems { limit } => (
            format!("{subject} needs at least {}", count(*limit, "item")),
            "too few items".to_owned(),
        ),
        Kind::MaxItems { limit } => (
            format!("{subject} may have at most {}", count(*limit, "item")),
            "too many items".to_owned(),
        ),
        Kind::MinProperties { limit } => {
            let known = cx
                .subschema
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
                .map(|p| listed(p.keys().map(String::as_str)))
                .unwrap_or_default();
            (
                format!(
                    "{subject} needs at least {} of {known}",
                    count(*limit, "property").replace("propertys", "properties")
                ),
                "empty".to_owned(),
            )
        }
        _ => (format!("{subject}: {error}"), String::new()),
    };
    Diagnostic::new(Code::OutOfRange, message)
        .at(&cx.pointer, label)
        .with_help(cx.help_or(Code::OutOfRange))
}

fn unknown_property(cx: &Context<'_>, name: &str) -> Diagnostic {
    let known: Vec<&str> = cx
        .subschema
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let member = format!("{}/{}", cx.pointer, escape_pointer_token(name));
    let diagnostic = Diagnostic::new(
        Code::UnknownProperty,
        format!("unknown property `{name}` in {}", cx.what()),
    )
    .at_key(&member, "unknown property");
    match did_you_mean(name, known.iter().copied()) {
        Some(best) => diagnostic.with_help(format!("did you mean `{best}`?")),
        None if known.is_empty() => diagnostic.with_help("remove it"),
        None => diagnostic.with_help(format!("remove it; allowed here: {}", listed(known))),
    }
}

fn exactly_one_of(cx: &Context<'_>, keyword_path: &str, error: &ValidationError<'_>) -> Diagnostic {
    let branches = cx.schema.pointer(keyword_path).and_then(Value::as_array);
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
        return Diagnostic::new(Code::ExactlyOneOf, format!("{}: {error}", cx.what()))
            .at(&cx.pointer, "");
    };
    let all = listed(names.iter().copied());
    let present: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| cx.value.get(n).is_some())
        .collect();
    if present.len() > 1 {
        let is_step = cx.pointer.split('/').count() == 3 && cx.pointer.starts_with("/steps/");
        let mut diagnostic = Diagnostic::new(
            Code::ExactlyOneOf,
            format!(
                "{} has {}, but may have only one of {all}",
                cx.what(),
                present
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        );
        for name in &present {
            diagnostic = diagnostic.at_key(
                &format!("{}/{}", cx.pointer, escape_pointer_token(name)),
                format!("`{name}`"),
            );
        }
        diagnostic.with_help(if is_step {
            "a step does one thing: split it into one step per kind, joined by `dependsOn`"
                .to_owned()
        } else {
            format!("keep only one of {}", listed(present.iter().copied()))
        })
    } else {
        Diagnostic::new(
            Code::ExactlyOneOf,
            format!("{} needs exactly one of {all}", cx.what()),
        )
        .at_key(&cx.pointer, format!("none of {all}"))
        .with_help(format!("add one of {all}"))
    }
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

/// A noun for what a keyword constrains: the `$defs` entry when the keyword
/// sits on it directly (`/$defs/stepId/pattern` → "step id"), else "value".
fn noun_of(keyword_path: &str) -> String {
    let tokens: Vec<&str> = keyword_path.split('/').collect();
    match tokens.as_slice() {
        ["", "$defs", name, _keyword] => {
            let mut noun = String::new();
            for c in name.chars() {
                if c.is_ascii_uppercase() {
                    noun.push(' ');
                    noun.push(c.to_ascii_lowercase());
                } else {
                    noun.push(c);
                }
            }
            noun.replace(" i d", " id")
        }
        _ => "value".to_owned(),
    }
}
