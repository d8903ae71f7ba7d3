//! How schema diagnostics name things: fields, steps, types and values, the
//! way a person reading the YAML would name them.

use serde_json::Value;

/// Names the node at a pointer: "step `web`", "`restore` of step `web`",
/// "item 3 of `run` of step `notify`", "`metadata.labels`".
pub fn what(instance: &Value, pointer: &str) -> String {
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    if let Some((last, parent)) = tokens.split_last()
        && let Ok(index) = last.parse::<usize>()
        && !(parent.is_empty() || (parent.len() == 1 && parent[0] == "steps"))
    {
        let parent_pointer = pointer.rsplit_once('/').map_or("", |(p, _)| p);
        return format!("item {} of {}", index + 1, what(instance, parent_pointer));
    }
    let step_name = |index: &str| match instance
        .pointer(&format!("/steps/{index}/id"))
        .and_then(Value::as_str)
    {
        Some(id) => format!("step `{id}`"),
        None => format!("step #{}", index.parse::<usize>().map_or(0, |i| i + 1)),
    };
    match tokens.as_slice() {
        [] => "the document".to_owned(),
        [steps, index] if steps == "steps" => step_name(index),
        [steps, index, rest @ ..] if steps == "steps" => {
            format!("`{}` of {}", rest.join("."), step_name(index))
        }
        _ => format!("`{}`", tokens.join(".")),
    }
}

/// The type of a value, for "must be …, but it is …".
pub fn json_type(value: &Value) -> &'static str {
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

/// The types a schema's `type` allows.
pub fn type_names(types: &Value) -> String {
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

/// A value as YAML flow text, in backticks: `` `new-vm` ``, `` `[az, vm, list]` ``.
pub fn show(value: &Value) -> String {
    format!("`{}`", flow(value))
}

/// A value as YAML flow text.
pub fn flow(value: &Value) -> String {
    match value {
        Value::String(s) if s.is_empty() => "\"\"".to_owned(),
        Value::String(s) => s.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(k, v)| format!("{k}: {}", flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// A list of names in backticks: "`a`, `b`, `c`".
pub fn listed<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "1 character", "2 items".
pub fn count(n: u64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
