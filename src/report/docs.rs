//! The reference documentation that is generated, never written by hand:
//! `docs/plan-language.md` from the schema's descriptions and
//! `docs/diagnostics.md` from the code catalogue and the fixtures. Tests
//! regenerate both and fail when the committed files are stale.

use crate::diagnostic::{CATALOGUE, Code};
use serde_json::Value;
use std::fmt::Write;

/// One worked example of a diagnostic: the broken file and what restoreplan says.
#[derive(Debug, Clone)]
pub struct Example {
    /// The code the example shows.
    pub code: Code,
    /// Where the example lives, relative to the repository root.
    pub path: String,
    /// The file's text.
    pub text: String,
    /// The human rendering of its diagnostics.
    pub rendered: String,
}

fn def_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/$defs/")
}

fn code_list(values: &[Value]) -> String {
    values
        .iter()
        .map(|v| match v {
            Value::String(s) => format!("`{s}`"),
            other => format!("`{other}`"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A short Markdown description of a schema node's type.
fn type_of(node: &Value) -> String {
    if let Some(name) = node.get("$ref").and_then(Value::as_str).and_then(def_name) {
        return format!("[{name}](#{})", name.to_ascii_lowercase());
    }
    if let Some(value) = node.get("const") {
        return code_list(std::slice::from_ref(value));
    }
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        return format!("one of {}", code_list(values));
    }
    let kinds: Vec<String> = match node.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    let describe = |kind: &str| match kind {
        "array" => match node.get("items") {
            Some(items) => format!("list of {}", type_of(items)),
            None => "list".to_owned(),
        },
        "object" => match node.get("additionalProperties") {
            Some(values @ Value::Object(_)) => format!("map of name → {}", type_of(values)),
            _ => "mapping".to_owned(),
        },
        other => other.to_owned(),
    };
    if kinds.is_empty() {
        "any".to_owned()
    } else {
        kinds
            .iter()
            .map(|k| describe(k))
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn constraints(node: &Value) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(pattern) = node.get("pattern").and_then(Value::as_str) {
        found.push(format!("pattern `{}`", pattern.replace('|', "\\|")));
    }
    for (key, label) in [
        ("minimum", "minimum"),
        ("maximum", "maximum"),
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("minItems", "min items"),
        ("maxItems", "max items"),
    ] {
        if let Some(value) = node.get(key) {
            found.push(format!("{label} {value}"));
        }
    }
    if let Some(default) = node.get("default") {
        found.push(format!("default `{default}`"));
    }
    if let Some(examples) = node.get("examples").and_then(Value::as_array) {
        found.push(format!("e.g. {}", code_list(examples)));
    }
    found
}

fn properties_table(out: &mut String, node: &Value) {
    let Some(properties) = node.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = node
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    out.push_str("| property | type | required | description |\n|---|---|---|---|\n");
    for (name, property) in properties {
        let mut description = one_line(
            property
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or(""),
        );
        let extra = constraints(property);
        if !extra.is_empty() {
            let _ = write!(description, " ({})", extra.join("; "));
        }
        let _ = writeln!(
            out,
            "| `{name}` | {} | {} | {description} |",
            type_of(property),
            if required.contains(&name.as_str()) {
                "yes"
            } else {
                ""
            }
        );
    }
    out.push('\n');
}

fn exactly_one_of(node: &Value) -> Option<String> {
    let branches = node.get("oneOf")?.as_array()?;
    let names: Option<Vec<String>> = branches
        .iter()
        .map(|b| {
            b.get("required")?
                .as_array()?
                .first()?
                .as_str()
                .map(|n| format!("`{n}`"))
        })
        .collect();
    names.map(|n| format!("Exactly one of {} must be set.\n\n", n.join(", ")))
}

/// The Markdown reference of a schema: its top level, then every definition.
pub fn schema_reference(schema: &Value, title: &str, source_path: &str) -> String {
    let mut out = format!(
        "# {title}\n\n<!-- Generated from `{source_path}` by `UPDATE_DOCS=1 cargo test --test docs`. Do not edit by hand. -->\n\n"
    );
    if let Some(description) = schema.get("description").and_then(Value::as_str) {
        let _ = writeln!(out, "{}\n", one_line(description));
    }
    out.push_str("## Top level\n\n");
    properties_table(&mut out, schema);
    if let Some(defs) = schema.get("$defs").and_then(Value::as_object) {
        out.push_str("## Definitions\n\n");
        for (name, def) in defs {
            let _ = writeln!(out, "### {name}\n");
            if let Some(description) = def.get("description").and_then(Value::as_str) {
                let _ = writeln!(out, "{}\n", one_line(description));
            }
            let _ = writeln!(out, "Type: {}.\n", type_of(def));
            let extra = constraints(def);
            if !extra.is_empty() {
                let _ = writeln!(out, "{}.\n", extra.join("; "));
            }
            if let Some(rule) = exactly_one_of(def) {
                out.push_str(&rule);
            }
            properties_table(&mut out, def);
        }
    }
    out
}

/// An example: the broken file, then what restoreplan says of it.
fn write_example(out: &mut String, example: &Example) {
    let _ = writeln!(
        out,
        "Example (`{}`):\n\n```yaml\n{}\n```\n\n```text\n{}\n```\n",
        example.path,
        printable(example.text.trim_end()),
        printable(example.rendered.trim_end())
    );
}

fn printable(text: &str) -> String {
    text.replace('\0', "␀")
}

/// The Markdown reference of every diagnostic code, with an example of each that has one.
pub fn diagnostics_reference(examples: &[Example]) -> String {
    let mut out = String::from(
        "# Diagnostics\n\n<!-- Generated from the code catalogue (`src/diagnostic/codes.rs`) and `tests/fixtures/invalid/` by `UPDATE_DOCS=1 cargo test --test docs`. Do not edit by hand. -->\n\n",
    );
    out.push_str(concat!(
        "Every problem restoreplan reports has a stable code: `RP0xx` for the plan language ",
        "(this page), `AZ0xx` for Azure restore limitations, `EX0xx` for run-time errors. ",
        "Codes never change meaning; a retired code is not reused.\n\n",
        "## Output formats\n\n",
        "`restoreplan validate --format human|json|sarif|github`. `json` prints one array over all files; ",
        "each item has exactly these fields:\n\n",
        "| field | type | meaning |\n|---|---|---|\n",
        "| `code` | string | the stable code, e.g. `RP021` |\n",
        "| `severity` | string | `error` or `warning` |\n",
        "| `message` | string | one sentence naming the facts |\n",
        "| `file` | string | the path as given on the command line (`<stdin>` for `-`) |\n",
        "| `line`, `column` | number or null | 1-based start of the marked source; columns count Unicode characters |\n",
        "| `endLine`, `endColumn` | number or null | 1-based end, exclusive |\n",
        "| `pointer` | string or null | RFC 6901 JSON pointer of the node in the plan |\n",
        "| `help` | string or null | how to fix it |\n",
        "| `related` | array | the other places the diagnostic marks (the first of two duplicates, the other edges of a cycle), each `{line, column, endLine, endColumn, message}` |\n",
        "| `rule`, `link` | string | only on dry-run findings (`AZ0xx`): the id in the catalogue of Azure restore limitations, and the Microsoft Learn page (see `docs/rules.md`) |\n\n",
        "Exit codes: `0` no errors (warnings allowed; `--strict` makes them fail), `1` errors found, ",
        "`2` the command could not run (missing file, bad arguments).\n\n",
        "## Index\n\n| code | name | severity | summary |\n|---|---|---|---|\n",
    ));
    for info in CATALOGUE {
        let _ = writeln!(
            out,
            "| [{}](#{}) | `{}` | {} | {} |",
            info.id,
            info.id.to_ascii_lowercase(),
            info.name,
            info.severity.as_str(),
            info.summary
        );
    }
    out.push('\n');
    for info in CATALOGUE {
        let _ = writeln!(
            out,
            "<a id=\"{}\"></a>\n## {}: {}\n\n{} ({})\n\n**Fix:** {}\n",
            info.id.to_ascii_lowercase(),
            info.id,
            info.name,
            info.summary,
            info.severity.as_str(),
            info.fix
        );
        if let Some(example) = examples.iter().find(|e| e.code == info.code) {
            write_example(&mut out, example);
        }
    }
    out
}

/// The Markdown reference of every dry-run rule: code, catalogue id, what
/// it checks, the fix, the source, and an example finding where one exists.
pub fn rules_reference(rules: &[&crate::diagnostic::RuleInfo], examples: &[Example]) -> String {
    let mut out = String::from(
        "# Dry-run rules\n\n<!-- Generated from the rule tables in `src/check/` and `tests/fixtures/rules/` by `UPDATE_DOCS=1 cargo test --test docs`. Do not edit by hand. -->\n\n",
    );
    out.push_str(concat!(
        "The dry run checks each restore against the facts of the estate (the inventory) and the ",
        "catalogue of Azure Backup's documented restore limitations. Sections A–K follow the ",
        "catalogue; `-` marks checks of restoreplan's own (backups, recovery point objective, ",
        "consistency window). Each finding carries its code, the catalogue id in `rule`, the plan ",
        "line it is about, the fix and the Microsoft Learn page.\n\n",
        "## Index\n\n| code | rule | section | severity | what it checks |\n|---|---|---|---|---|\n",
    ));
    for rule in rules {
        let _ = writeln!(
            out,
            "| [{}](#{}) | `{}` | {} | {} | {} |",
            rule.id,
            rule.id.to_ascii_lowercase(),
            rule.rule,
            rule.section,
            rule.severity.as_str(),
            rule.summary
        );
    }
    out.push('\n');
    for rule in rules {
        let _ = writeln!(
            out,
            "<a id=\"{}\"></a>\n## {}: {}\n\n{} ({}, section {})\n\n**Fix:** {}\n\n**Source:** <{}>\n",
            rule.id.to_ascii_lowercase(),
            rule.id,
            rule.rule,
            rule.summary,
            rule.severity.as_str(),
            rule.section,
            rule.fix,
            rule.link
        );
        if let Some(example) = examples
            .iter()
            .find(|e| e.code.rule().is_some_and(|r| r.id == rule.id))
        {
            write_example(&mut out, example);
        }
    }
    out
}
