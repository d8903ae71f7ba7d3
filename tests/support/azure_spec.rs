//! The Azure Backup OpenAPI specs as test oracles: loads the verbatim specs
//! from the shared folder (never copied into the repository), turns a named
//! swagger 2.0 definition into a JSON Schema that `jsonschema` compiles, and
//! matches a request's method and URL to the spec's operation.
//!
//! Swagger → JSON Schema: `allOf` parents are merged into the child (so an
//! object can be closed with `additionalProperties: false` and a misspelled
//! field fails), a `$ref` to a type of a `discriminator` hierarchy validates
//! against the subtype its discriminator value names, `readOnly` properties
//! are left out of request schemas, `x-nullable` admits `null`, and formats
//! become what draft 7 checks (`date-time`; `int32` as bounds).

use std::collections::BTreeMap;
use std::path::PathBuf;

mod schema;

use serde_json::{Map, Value, json};

use schema::Converter;

/// One of the three spec files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SpecFile {
    /// Azure Backup 2026-02-01.
    Backup,
    /// Cross Region Restore 2023-01-15.
    Crr,
    /// ARM common types v3.
    Common,
}

impl SpecFile {
    fn relative_path(self) -> &'static str {
        match self {
            SpecFile::Backup => "azure-specs/recoveryservicesbackup/2026-02-01/bms.json",
            SpecFile::Crr => "azure-specs/recoveryservicesbackup/crr-2023-01-15/bms.json",
            SpecFile::Common => "azure-specs/common-types/resource-management/v3/types.json",
        }
    }

    fn key(self) -> &'static str {
        match self {
            SpecFile::Backup => "backup",
            SpecFile::Crr => "crr",
            SpecFile::Common => "common",
        }
    }
}

/// How a definition becomes a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaOptions {
    /// Objects accept no property the spec does not declare.
    pub closed: bool,
    /// The instance is a request body: read-only properties are not accepted.
    pub request: bool,
}

impl SchemaOptions {
    /// Closed request bodies: what the client sends must be exactly what the spec declares.
    pub const REQUEST: SchemaOptions = SchemaOptions {
        closed: true,
        request: true,
    };
    /// Open responses: what the spec declares must have the declared shape; more is tolerated.
    pub const RESPONSE: SchemaOptions = SchemaOptions {
        closed: false,
        request: false,
    };
}

/// The loaded spec files.
pub struct Specs {
    files: BTreeMap<SpecFile, Value>,
}

/// The folder holding `azure-specs/`: `RESTOREPLAN_SHARED`, else `../shared` beside the repository, else `/work/shared`.
pub fn shared_dir() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = std::env::var_os("RESTOREPLAN_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([manifest.join("../shared"), PathBuf::from("/work/shared")]);
    let mut tried = Vec::new();
    for candidate in candidates {
        if candidate.join(SpecFile::Backup.relative_path()).is_file() {
            return candidate;
        }
        tried.push(candidate.display().to_string());
    }
    panic!(
        "the Azure specs are not in any of {tried:?}; set RESTOREPLAN_SHARED to the shared folder"
    );
}

impl Specs {
    /// Loads the three spec files.
    pub fn load() -> Specs {
        let dir = shared_dir();
        let files = [SpecFile::Backup, SpecFile::Crr, SpecFile::Common]
            .into_iter()
            .map(|file| {
                let path = dir.join(file.relative_path());
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                (file, value)
            })
            .collect();
        Specs { files }
    }

    /// The raw spec of a file.
    pub fn raw(&self, file: SpecFile) -> &Value {
        &self.files[&file]
    }

    pub(crate) fn definition(&self, file: SpecFile, name: &str) -> &Value {
        self.files[&file]
            .pointer(&format!(
                "/definitions/{}",
                name.replace('~', "~0").replace('/', "~1")
            ))
            .unwrap_or_else(|| panic!("{} has no definition {name}", file.key()))
    }

    /// A self-contained JSON Schema (draft 7) for definition `name` of `file`.
    pub fn schema(&self, file: SpecFile, name: &str, options: SchemaOptions) -> Value {
        let mut converter = Converter {
            specs: self,
            options,
            definitions: Map::new(),
        };
        let root = converter.reference(file, name);
        json!({ "$schema": "http://json-schema.org/draft-07/schema#", "allOf": [root], "definitions": converter.definitions })
    }

    /// A compiled validator for definition `name` of `file`.
    pub fn validator(
        &self,
        file: SpecFile,
        name: &str,
        options: SchemaOptions,
    ) -> jsonschema::Validator {
        let schema = self.schema(file, name, options);
        jsonschema::draft7::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("the schema of {name} does not compile: {e}"))
    }

    /// Every error of `instance` against definition `name` (empty when valid).
    pub fn errors(
        &self,
        file: SpecFile,
        name: &str,
        options: SchemaOptions,
        instance: &Value,
    ) -> Vec<String> {
        let validator = self.validator(file, name, options);
        validator
            .iter_errors(instance)
            .map(|error| format!("{}: {error}", error.instance_path()))
            .collect()
    }

    /// The spec file whose `info.version` is `api_version`.
    pub fn file_for_api_version(&self, api_version: &str) -> Option<SpecFile> {
        [SpecFile::Backup, SpecFile::Crr].into_iter().find(|file| {
            self.files[file]
                .pointer("/info/version")
                .and_then(Value::as_str)
                == Some(api_version)
        })
    }

    /// The operation of the spec that serves `method` on `path_and_query`: the spec is the one of the
    /// query's `api-version`, the path must fit a template (literal segments compared without regard
    /// to case, as ARM does), and every query parameter must be one the operation declares.
    pub fn match_request(
        &self,
        method: &str,
        path_and_query: &str,
    ) -> Result<MatchedOperation, String> {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let query: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let api_version = query
            .iter()
            .find(|(name, _)| name == "api-version")
            .map(|(_, value)| value.as_str())
            .ok_or_else(|| format!("{path_and_query}: no api-version"))?;
        let file = self.file_for_api_version(api_version).ok_or_else(|| {
            format!("{path_and_query}: api-version {api_version} is not one of the bundled specs")
        })?;
        let paths = self.files[&file]["paths"]
            .as_object()
            .expect("spec has paths");
        let method = method.to_ascii_lowercase();
        let mut best: Option<(usize, MatchedOperation)> = None;
        for (template, item) in paths {
            let Some(operation) = item.get(&method) else {
                continue;
            };
            let Some(literals) = template_match(template, path) else {
                continue;
            };
            if best.as_ref().is_some_and(|(score, _)| *score >= literals) {
                continue;
            }
            let operation_id = operation["operationId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let declared = self.query_parameters(file, item, operation);
            let matched = MatchedOperation {
                file,
                operation_id,
                template: template.clone(),
                declared_query: declared,
            };
            best = Some((literals, matched));
        }
        let (_, matched) = best.ok_or_else(|| {
            format!(
                "{} {path} fits no path of the {} spec",
                method.to_uppercase(),
                file.key()
            )
        })?;
        for (name, _) in &query {
            if !matched.declared_query.contains(name) {
                return Err(format!(
                    "{}: query parameter {name} is not declared by {}",
                    path_and_query, matched.operation_id
                ));
            }
        }
        Ok(matched)
    }

    fn query_parameters(&self, file: SpecFile, item: &Value, operation: &Value) -> Vec<String> {
        let shared = item
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        let own = operation
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        shared
            .chain(own)
            .filter_map(|parameter| {
                let parameter = match parameter.get("$ref").and_then(Value::as_str) {
                    Some(reference) => {
                        let (target, pointer) = self.split_reference(file, reference);
                        self.files[&target].pointer(&pointer)?
                    }
                    None => parameter,
                };
                (parameter.get("in")?.as_str()? == "query")
                    .then(|| parameter.get("name")?.as_str().map(str::to_owned))?
            })
            .collect()
    }

    /// Resolves a `$ref` seen in `file` to the file and JSON pointer it names.
    pub(crate) fn split_reference(&self, file: SpecFile, reference: &str) -> (SpecFile, String) {
        let (document, pointer) = reference.split_once('#').unwrap_or((reference, ""));
        let target = if document.is_empty() {
            file
        } else if document.ends_with("common-types/resource-management/v3/types.json") {
            SpecFile::Common
        } else {
            panic!("unexpected $ref document {document}");
        };
        (target, pointer.to_owned())
    }
}

/// The operation a request was matched to.
#[derive(Debug, Clone)]
pub struct MatchedOperation {
    /// The spec file.
    pub file: SpecFile,
    /// The operation's `operationId`.
    pub operation_id: String,
    /// The path template as the spec writes it.
    pub template: String,
    /// The query parameters the operation declares.
    pub declared_query: Vec<String>,
}

/// Whether `path` fits `template` (the test of an operation outside the bundled specs).
pub fn fits_template(template: &str, path: &str) -> bool {
    template_match(template, path).is_some()
}

/// How many literal segments of `template` match `path`, or `None` when it does not fit.
fn template_match(template: &str, path: &str) -> Option<usize> {
    let template: Vec<&str> = template.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    if template.len() != path.len() {
        return None;
    }
    let mut literals = 0;
    for (expected, actual) in template.iter().zip(&path) {
        if expected.starts_with('{') && expected.ends_with('}') {
            let decoded = percent_encoding::percent_decode_str(actual)
                .decode_utf8()
                .ok()?;
            if decoded.is_empty() || decoded.contains('/') {
                return None;
            }
        } else if expected.eq_ignore_ascii_case(actual) {
            literals += 1;
        } else {
            return None;
        }
    }
    Some(literals)
}
