//! Swagger 2.0 definitions → draft 7 JSON Schema (see the parent module's doc).

use serde_json::{Map, Value, json};

use super::{SchemaOptions, SpecFile, Specs};

/// Builds the `definitions` of one output schema.
pub(super) struct Converter<'a> {
    pub(super) specs: &'a Specs,
    pub(super) options: SchemaOptions,
    pub(super) definitions: Map<String, Value>,
}

impl Converter<'_> {
    /// A `$ref` to definition `name` of `file`, dispatching on the discriminator when it has subtypes.
    pub(super) fn reference(&mut self, file: SpecFile, name: &str) -> Value {
        let key = format!("{}.{name}", file.key());
        let subtypes = self.subtypes(file, name);
        if let Some(discriminator) = self
            .discriminator(file, name)
            .filter(|_| !subtypes.is_empty())
        {
            let poly_key = format!("{key}@polymorphic");
            if !self.definitions.contains_key(&poly_key) {
                self.definitions.insert(poly_key.clone(), Value::Null);
                let mut values = Vec::new();
                let mut branches = Vec::new();
                for subtype in std::iter::once(name.to_owned()).chain(subtypes) {
                    let value = self.discriminator_value(file, &subtype);
                    let concrete = self.concrete(file, &subtype);
                    branches.push(json!({
                        "if": { "properties": { discriminator.clone(): { "const": value } } },
                        "then": concrete
                    }));
                    values.push(Value::String(value));
                }
                let schema = json!({
                    "type": "object",
                    "required": [discriminator.clone()],
                    "properties": { discriminator: { "enum": values } },
                    "allOf": branches
                });
                self.definitions.insert(poly_key.clone(), schema);
            }
            return json!({ "$ref": format!("#/definitions/{poly_key}") });
        }
        self.concrete(file, name)
    }

    /// A `$ref` to the definition itself, its `allOf` parents merged in.
    fn concrete(&mut self, file: SpecFile, name: &str) -> Value {
        let key = format!("{}.{name}", file.key());
        if !self.definitions.contains_key(&key) {
            self.definitions.insert(key.clone(), Value::Null);
            let definition = self.specs.definition(file, name).clone();
            let mut schema = self.convert(file, &definition);
            if let (Some(discriminator), Some(properties)) = (
                self.discriminator(file, name),
                schema.get_mut("properties").and_then(Value::as_object_mut),
            ) {
                properties.insert(
                    discriminator,
                    json!({ "const": self.discriminator_value(file, name) }),
                );
            }
            self.definitions.insert(key.clone(), schema);
        }
        json!({ "$ref": format!("#/definitions/{key}") })
    }

    /// The discriminator property of `name` or of its nearest ancestor that has one.
    fn discriminator(&self, file: SpecFile, name: &str) -> Option<String> {
        let definition = self.specs.definition(file, name);
        if let Some(discriminator) = definition.get("discriminator").and_then(Value::as_str) {
            return Some(discriminator.to_owned());
        }
        self.parents(file, definition)
            .into_iter()
            .find_map(|(parent_file, parent)| self.discriminator(parent_file, &parent))
    }

    fn discriminator_value(&self, file: SpecFile, name: &str) -> String {
        let definition = self.specs.definition(file, name);
        definition
            .get("x-ms-discriminator-value")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .to_owned()
    }

    /// The definitions named by `allOf` `$ref`s.
    fn parents(&self, file: SpecFile, definition: &Value) -> Vec<(SpecFile, String)> {
        let all_of = definition
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        all_of
            .filter_map(|parent| parent.get("$ref").and_then(Value::as_str))
            .map(|reference| {
                let (target, pointer) = self.specs.split_reference(file, reference);
                (
                    target,
                    pointer.trim_start_matches("/definitions/").to_owned(),
                )
            })
            .collect()
    }

    /// Every definition of `file` that inherits from `name`, directly or not.
    fn subtypes(&self, file: SpecFile, name: &str) -> Vec<String> {
        let definitions = self.specs.raw(file)["definitions"]
            .as_object()
            .expect("spec has definitions");
        let mut found: Vec<String> = Vec::new();
        let mut frontier = vec![name.to_owned()];
        while let Some(parent) = frontier.pop() {
            for (child, definition) in definitions {
                let inherits = self
                    .parents(file, definition)
                    .iter()
                    .any(|(f, p)| *f == file && *p == parent);
                if inherits && !found.contains(child) {
                    found.push(child.clone());
                    frontier.push(child.clone());
                }
            }
        }
        found
    }

    /// Converts one swagger schema (a definition or an inline schema).
    fn convert(&mut self, file: SpecFile, schema: &Value) -> Value {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let (target, pointer) = self.specs.split_reference(file, reference);
            let name = pointer.trim_start_matches("/definitions/").to_owned();
            return self.reference(target, &name);
        }
        let mut out = Map::new();
        let has_object_shape = schema.get("properties").is_some() || schema.get("allOf").is_some();
        if has_object_shape {
            let mut properties = Map::new();
            let mut required: Vec<Value> = Vec::new();
            for (parent_file, parent) in self.parents(file, schema) {
                let definition = self.specs.definition(parent_file, &parent).clone();
                let merged = self.convert(parent_file, &definition);
                if let Some(parent_properties) = merged.get("properties").and_then(Value::as_object)
                {
                    properties.extend(parent_properties.clone());
                }
                required.extend(
                    merged
                        .get("required")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default(),
                );
            }
            for (name, property) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let read_only = property
                    .get("readOnly")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if self.options.request && read_only {
                    properties.remove(name);
                    continue;
                }
                properties.insert(name.clone(), self.convert(file, property));
            }
            required.extend(
                schema
                    .get("required")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
            );
            required.retain(|name| {
                name.as_str()
                    .is_some_and(|name| properties.contains_key(name))
            });
            let mut seen = std::collections::BTreeSet::new();
            required.retain(|name| seen.insert(name.to_string()));
            out.insert("type".into(), json!("object"));
            out.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                out.insert("required".into(), Value::Array(required));
            }
            if self.options.closed {
                out.insert("additionalProperties".into(), json!(false));
                return Value::Object(out);
            }
        }
        for (keyword, value) in schema.as_object().into_iter().flatten() {
            match keyword.as_str() {
                "type" if !has_object_shape => {
                    let nullable = schema
                        .get("x-nullable")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    out.insert(
                        "type".into(),
                        if nullable {
                            json!([value, "null"])
                        } else {
                            value.clone()
                        },
                    );
                }
                "enum" => {
                    let open = schema
                        .pointer("/x-ms-enum/modelAsString")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    if self.options.closed || !open {
                        out.insert("enum".into(), value.clone());
                    }
                }
                "format" => match value.as_str() {
                    Some("date-time") => {
                        out.insert("format".into(), value.clone());
                    }
                    Some("int32") => {
                        out.insert("minimum".into(), json!(i32::MIN));
                        out.insert("maximum".into(), json!(i32::MAX));
                    }
                    _ => {}
                },
                "items" => {
                    out.insert("items".into(), self.convert(file, value));
                }
                "additionalProperties" if !has_object_shape || !self.options.closed => {
                    let converted = if value.is_object() {
                        self.convert(file, value)
                    } else {
                        value.clone()
                    };
                    out.insert("additionalProperties".into(), converted);
                }
                "minimum" | "maximum" | "minLength" | "maxLength" | "pattern" | "minItems"
                | "maxItems" | "uniqueItems" => {
                    out.insert(keyword.clone(), value.clone());
                }
                _ => {}
            }
        }
        Value::Object(out)
    }
}
