//! Business methods in the snapshot: what Odoo 19's `api_doc` publishes for each
//! public method (signature, parameters with annotation, default and doc, return
//! annotation, the exceptions it raises, the defining class and module), and
//! the methods file that stands in for it on Odoo 16–18.
//!
//! On 19+, `codegen fetch odoo` reads `/doc-bearer/<model>.json`. Odoo 16–18
//! cannot list methods, so their list comes from a methods file the user keeps
//! beside the snapshot (`schema/odoo-18.json` → `schema/odoo-18.methods.json`),
//! or else from the bundled one ([`bundled`], taken from the Odoo 19 recording
//! and saying so in its `source`). The file has the snapshot's method shape:
//!
//! ```json
//! {
//!   "format": 1,
//!   "kind": "odoo-methods",
//!   "source": "odoo 19.0 api_doc",
//!   "models": {
//!     "sale.order": {
//!       "action_confirm": {
//!         "module": "sale", "model": "sale.order", "signature": "() -> bool",
//!         "return": {"annotation": "bool"},
//!         "raise": {"": "<p>UserError if trying to confirm cancelled SO's</p>"}
//!       }
//!     }
//!   }
//! }
//! ```
//!
//! Private names (a leading `_`) are dropped on reading: Odoo refuses to call them
//! remotely, so they never reach a snapshot or generated code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The methods-file format this codegen writes (one method object per model and name).
pub const METHODS_FORMAT: u32 = 1;
/// The compact format (the bundled file's): each method stored once under `definitions`,
/// models naming theirs by key. This codegen reads both.
pub const METHODS_FORMAT_COMPACT: u32 = 2;
/// `kind` of a methods file.
pub const METHODS_KIND: &str = "odoo-methods";

/// One public method, normalized from an `api_doc` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Method {
    /// `model` (no record ids: an `@api.model` method), `readonly`, ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api: Vec<String>,
    /// The docstring, as HTML (api_doc renders it with docutils).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Keys this codegen does not know, and known keys of an unexpected shape.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, Value>,
    /// The class that defines it: the model itself, a mixin (`mail.thread`),
    /// `base` or `core` (the ORM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The module that defines it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// In the order of the signature (api_doc's own map is alphabetical).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
    /// Exception class (may be empty) → when it is raised, as HTML.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub raise: BTreeMap<String, String>,
    #[serde(default, rename = "return", skip_serializing_if = "Option::is_none")]
    pub returns: Option<Return>,
    /// The Python signature as api_doc prints it, e.g. `(domain, offset=0) -> list[int]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    /// The Python annotation, e.g. `int | None`, `DomainType`, `list[int]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotation: Option<String>,
    /// Present when the parameter has a default (which may be `null`: Python's None).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub default: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// `KEYWORD_ONLY`, `VAR_KEYWORD` (`**kwargs`), `VAR_POSITIONAL` (`*args`);
    /// absent for an ordinary parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Return {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

impl Method {
    /// True for an `@api.model` method: called on the model, without record ids.
    pub fn is_model_method(&self) -> bool {
        self.api.iter().any(|a| a == "model")
    }

    /// Normalize one raw api_doc method entry. Never fails: a key of an
    /// unexpected shape lands in `extra`.
    pub fn from_api_doc(raw: &Map<String, Value>) -> Method {
        let mut m = Method::default();
        let sorted: BTreeMap<&String, &Value> = raw.iter().collect();
        for (key, value) in sorted {
            let ok = match key.as_str() {
                "api" => match serde_json::from_value::<Vec<String>>(value.clone()) {
                    Ok(a) => {
                        m.api = a;
                        true
                    }
                    Err(_) => false,
                },
                "doc" => opt_text(&mut m.doc, value),
                "model" => opt_text(&mut m.model, value),
                "module" => opt_text(&mut m.module, value),
                "signature" => opt_text(&mut m.signature, value),
                // A snapshot's or methods file's own shape: a list in order.
                "parameters" if value.is_array() => {
                    match serde_json::from_value::<Vec<Parameter>>(value.clone()) {
                        Ok(p) => {
                            m.parameters = p;
                            true
                        }
                        Err(_) => false,
                    }
                }
                "extra" if value.is_object() => {
                    if let Value::Object(extra) = value {
                        m.extra.extend(extra.clone());
                    }
                    true
                }
                "parameters" => match value {
                    Value::Object(params) => {
                        m.parameters = params
                            .iter()
                            .filter_map(|(name, p)| {
                                p.as_object().map(|p| Parameter::from_api_doc(name, p))
                            })
                            .collect();
                        params.values().all(Value::is_object)
                    }
                    _ => false,
                },
                "raise" => match value {
                    Value::Object(r) => {
                        for (exc, doc) in r {
                            let doc = match doc {
                                Value::String(s) => s.clone(),
                                Value::Null | Value::Bool(false) => String::new(),
                                other => other.to_string(),
                            };
                            m.raise.insert(exc.clone(), doc);
                        }
                        true
                    }
                    _ => false,
                },
                "return" => match value {
                    Value::Object(r) => {
                        let mut ret = Return::default();
                        let a = r
                            .get("annotation")
                            .is_none_or(|v| opt_text(&mut ret.annotation, v));
                        let d = r.get("doc").is_none_or(|v| opt_text(&mut ret.doc, v));
                        m.returns = Some(ret);
                        a && d
                    }
                    Value::Null => true,
                    _ => false,
                },
                _ => false,
            };
            if !ok {
                m.extra.insert(key.clone(), value.clone());
            }
        }
        m.order_parameters();
        m
    }

    /// Put the parameters in signature order; names the signature does not
    /// show keep their alphabetical place after the others.
    fn order_parameters(&mut self) {
        let order = self
            .signature
            .as_deref()
            .map(signature_names)
            .unwrap_or_default();
        let rank = |name: &str| order.iter().position(|n| n == name).unwrap_or(usize::MAX);
        self.parameters
            .sort_by(|a, b| rank(&a.name).cmp(&rank(&b.name)).then(a.name.cmp(&b.name)));
    }
}

impl Parameter {
    fn from_api_doc(name: &str, raw: &Map<String, Value>) -> Parameter {
        let mut p = Parameter {
            name: name.to_owned(),
            ..Parameter::default()
        };
        let mut fallback = None;
        for (key, value) in raw {
            match key.as_str() {
                "annotation" => {
                    opt_text(&mut p.annotation, value);
                }
                // Some docstrings' `:type:` lands under this key instead.
                "annotations" => {
                    opt_text(&mut fallback, value);
                }
                "default" => p.default = Some(value.clone()),
                "doc" => {
                    opt_text(&mut p.doc, value);
                }
                "kind" => {
                    opt_text(&mut p.kind, value);
                }
                _ => {}
            }
        }
        if p.annotation.is_none() {
            p.annotation = fallback;
        }
        p
    }

    /// `**kwargs`.
    pub fn is_var_keyword(&self) -> bool {
        self.kind.as_deref() == Some("VAR_KEYWORD")
    }

    /// `*args`.
    pub fn is_var_positional(&self) -> bool {
        self.kind.as_deref() == Some("VAR_POSITIONAL")
    }
}

fn opt_text(slot: &mut Option<String>, value: &Value) -> bool {
    match value {
        Value::String(s) => {
            *slot = Some(s.clone());
            true
        }
        Value::Null => true,
        _ => false,
    }
}

/// Parameter names of a printed Python signature, in order:
/// `(domain, offset=0, *, limit=None, **kw) -> list[int]` → domain, offset, limit, kw.
pub fn signature_names(signature: &str) -> Vec<String> {
    let Some(start) = signature.find('(') else {
        return Vec::new();
    };
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut parts = Vec::new();
    let mut current = String::new();
    for c in signature[start + 1..].chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            current.push(c);
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                current.push(c);
            }
            '(' | '[' | '{' => {
                depth += 1;
                current.push(c);
            }
            ')' | ']' | '}' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                break;
            }
            ')' | ']' | '}' => {
                depth -= 1;
                current.push(c);
            }
            ',' if depth == 0 => parts.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    parts
        .iter()
        .filter_map(|p| {
            let p = p.trim().trim_start_matches('*');
            let end = p.find(['=', ':']).unwrap_or(p.len());
            let name = p[..end].trim();
            (!name.is_empty() && name != "/").then(|| name.to_owned())
        })
        .collect()
}

/// Public methods of one `/doc-bearer/<model>.json` answer (its `methods` map).
/// Private names are dropped; a method entry that is not an object is skipped.
pub fn from_api_doc(answer: &Value) -> Result<BTreeMap<String, Method>> {
    let Some(methods) = answer.get("methods") else {
        return Ok(BTreeMap::new());
    };
    let Value::Object(methods) = methods else {
        return Err(Error::Input {
            what: "api_doc answer".into(),
            message: "`methods` is not a JSON object".into(),
        });
    };
    Ok(methods
        .iter()
        .filter(|(name, _)| is_public(name))
        .filter_map(|(name, m)| {
            m.as_object()
                .map(|m| (name.clone(), Method::from_api_doc(m)))
        })
        .collect())
}

/// Odoo's rule (`check_method_name`): a leading underscore is private.
pub fn is_public(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('_')
}

/// A methods file: the method lists of Odoo 16–18 models, kept beside a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodsFile {
    pub format: u32,
    #[serde(default = "kind")]
    pub kind: String,
    /// Where the lists come from, e.g. `odoo 19.0 api_doc`: shown in the
    /// generated docs and in `codegen fetch`'s summary.
    pub source: String,
    /// Model → method name → method.
    pub models: BTreeMap<String, BTreeMap<String, Method>>,
}

fn kind() -> String {
    METHODS_KIND.into()
}

/// A methods file as written: methods in either shape (api_doc's, with
/// `parameters` as a map, or the snapshot's, with a list), each in place or, in the
/// compact format, a key of `definitions`.
#[derive(Deserialize)]
struct RawMethodsFile {
    format: u32,
    #[serde(default = "kind")]
    kind: String,
    source: String,
    #[serde(default)]
    definitions: BTreeMap<String, Map<String, Value>>,
    models: BTreeMap<String, BTreeMap<String, Value>>,
}

impl MethodsFile {
    /// Parse a methods file. Each method may be written as `/doc-bearer/<model>.json`
    /// answers it (`parameters` a map, put in signature order here) or as a
    /// snapshot stores it (`parameters` a list).
    pub fn parse(text: &str, origin: &Path) -> Result<MethodsFile> {
        let raw: RawMethodsFile = serde_json::from_str(text).map_err(|source| Error::Json {
            path: origin.to_owned(),
            source,
        })?;
        if raw.format > METHODS_FORMAT_COMPACT {
            return Err(Error::FormatVersion {
                path: origin.to_owned(),
                found: raw.format,
                supported: METHODS_FORMAT_COMPACT,
            });
        }
        let bad = |message: String| Error::Input {
            what: origin.display().to_string(),
            message,
        };
        // Each definition is normalized once, however many models name it.
        let definitions: BTreeMap<&String, Method> = raw
            .definitions
            .iter()
            .map(|(key, m)| (key, Method::from_api_doc(m)))
            .collect();
        let mut models = BTreeMap::new();
        for (model, methods) in raw.models {
            let mut out = BTreeMap::new();
            for (name, m) in methods {
                let method = match m {
                    Value::Object(m) => Method::from_api_doc(&m),
                    Value::String(key) => definitions.get(&key).cloned().ok_or_else(|| {
                        bad(format!(
                            "{model}.{name} names `{key}`, which `definitions` lacks"
                        ))
                    })?,
                    _ => {
                        return Err(bad(format!(
                            "{model}.{name} is neither a method nor a key of `definitions`"
                        )));
                    }
                };
                out.insert(name, method);
            }
            models.insert(model, out);
        }
        let mut file = MethodsFile {
            format: raw.format,
            kind: raw.kind,
            source: raw.source,
            models,
        };
        if file.kind != METHODS_KIND {
            return Err(Error::Input {
                what: origin.display().to_string(),
                message: format!("not a methods file (`kind: {:?}`)", file.kind),
            });
        }
        for methods in file.models.values_mut() {
            methods.retain(|name, _| is_public(name));
        }
        Ok(file)
    }

    pub fn load(path: &Path) -> Result<MethodsFile> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        MethodsFile::parse(&text, path)
    }

    /// Stable, pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a MethodsFile always serializes");
        s.push('\n');
        s
    }

    /// The compact form (format 2): each method written once under `definitions`, keyed
    /// `<defining model>::<name>` (or `<model>::<name>` for a copy that differs from the one
    /// already under that key, in model order), and each model listing its methods by key.
    /// One method per line keeps diffs readable.
    pub fn to_compact_json(&self) -> String {
        let mut definitions: BTreeMap<String, &Method> = BTreeMap::new();
        let mut models: BTreeMap<&str, BTreeMap<&str, String>> = BTreeMap::new();
        for (model, methods) in &self.models {
            let listed = models.entry(model).or_default();
            for (name, m) in methods {
                let class = m.model.as_deref().unwrap_or(model);
                let mut key = format!("{class}::{name}");
                if definitions.get(&key).is_some_and(|d| *d != m) {
                    key = format!("{model}::{name}");
                }
                while definitions.get(&key).is_some_and(|d| *d != m) {
                    key.insert(0, '+');
                }
                definitions.entry(key.clone()).or_insert(m);
                listed.insert(name, key);
            }
        }
        let line = |v: &dyn erased::Json| v.json();
        let mut s = String::new();
        s.push_str(&format!(
            "{{\n  \"format\": {METHODS_FORMAT_COMPACT},\n  \"kind\": {},\n  \"source\": {},\n  \"definitions\": {{\n",
            line(&self.kind),
            line(&self.source)
        ));
        let n = definitions.len();
        for (i, (key, m)) in definitions.iter().enumerate() {
            let comma = if i + 1 < n { "," } else { "" };
            s.push_str(&format!("    {}: {}{comma}\n", line(key), line(*m)));
        }
        s.push_str("  },\n  \"models\": {\n");
        let n = models.len();
        for (i, (model, methods)) in models.iter().enumerate() {
            let comma = if i + 1 < n { "," } else { "" };
            s.push_str(&format!("    {}: {}{comma}\n", line(model), line(methods)));
        }
        s.push_str("  }\n}\n");
        s
    }
}

/// One-line JSON of anything serializable, behind a trait object (for `to_compact_json`).
mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize + ?Sized> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).expect("serializes")
        }
    }
}

/// The methods file a user keeps beside `snapshot`: `x.json` → `x.methods.json`.
pub fn beside(snapshot: &Path) -> PathBuf {
    let stem = snapshot
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    snapshot.with_file_name(format!("{stem}.methods.json"))
}

/// Where the bundled file sits in the repository (for its test and README).
pub const BUNDLED_PATH: &str = "codegen/data/odoo-methods.json";

/// The bundled methods file: the business methods of every model Odoo 19.0's
/// `api_doc` lists (467 models on the recorded server with its apps,
/// `tests/fixtures/odoo-19/api_doc/methods-all.json`; [`bundle_all`] builds it,
/// in the compact format). Only methods a caller runs as business logic are
/// kept: the ORM's own (`core`) and the web client's plumbing (`base`) are left
/// out, except `copy`, `action_archive`, `action_unarchive` and `name_create`.
pub fn bundled() -> MethodsFile {
    MethodsFile::parse(
        include_str!("../../data/odoo-methods.json"),
        Path::new(BUNDLED_PATH),
    )
    .expect("the bundled methods file parses (checked by its test)")
}

impl MethodsFile {
    /// This file without the methods of Odoo modules the schema shows as not
    /// installed (no model of the schema is defined or extended by them): a
    /// list taken from another database (the bundled one comes from an Odoo 19
    /// with more apps) must not offer wrappers the server cannot answer.
    /// `core` (the ORM) and `base` are always there; a schema that records no
    /// modules keeps everything.
    pub fn only_installed(&self, schema: &crate::schema::Schema) -> MethodsFile {
        let installed: std::collections::BTreeSet<&str> = schema
            .models
            .values()
            .flat_map(|m| {
                std::iter::once(m.module.as_str()).chain(m.modules.iter().map(String::as_str))
            })
            .filter(|m| !m.is_empty())
            .collect();
        let mut out = self.clone();
        if installed.is_empty() {
            return out;
        }
        for methods in out.models.values_mut() {
            methods.retain(|_, m| match m.module.as_deref() {
                None | Some("core" | "base") => true,
                Some(module) => installed.contains(module),
            });
        }
        out
    }
}

/// ORM methods the bundled file keeps although `core` defines them.
pub const BUNDLED_CORE_KEPT: &[&str] =
    &["action_archive", "action_unarchive", "copy", "name_create"];

/// Keep a method in the bundled file: the ORM's (`core`) only where [`BUNDLED_CORE_KEPT`]
/// lists it, the web client's (`base`) never.
fn bundled_keeps(name: &str, m: &Method) -> bool {
    match m.model.as_deref() {
        Some("core") => BUNDLED_CORE_KEPT.contains(&name),
        Some("base") => false,
        _ => true,
    }
}

/// Build the bundled file's content from the recording of every model's methods
/// (`methods-all.json`: `definitions` by key, `models.<model>.methods` name → key).
/// A model left with no method is left out.
pub fn bundle_all(methods_all: &Value, source: &str) -> Result<MethodsFile> {
    let bad = |message: String| Error::Input {
        what: "methods-all recording".into(),
        message,
    };
    let definitions = methods_all
        .get("definitions")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("no `definitions` object".into()))?;
    let listed = methods_all
        .get("models")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("no `models` object".into()))?;
    let mut models = BTreeMap::new();
    for (model, entry) in listed {
        let mut methods = BTreeMap::new();
        for (name, key) in entry
            .get("methods")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !is_public(name) {
                continue;
            }
            let key = key.as_str().unwrap_or_default();
            let raw = definitions
                .get(key)
                .and_then(Value::as_object)
                .ok_or_else(|| bad(format!("{model}.{name}: no definition `{key}`")))?;
            let m = Method::from_api_doc(raw);
            if bundled_keeps(name, &m) {
                methods.insert(name.clone(), m);
            }
        }
        if !methods.is_empty() {
            models.insert(model.clone(), methods);
        }
    }
    Ok(MethodsFile {
        format: METHODS_FORMAT_COMPACT,
        kind: METHODS_KIND.into(),
        source: source.to_owned(),
        models,
    })
}

/// Build a methods file from `api_doc` answers (model → answer), keeping what the
/// bundled file keeps.
pub fn bundle(answers: &BTreeMap<String, Value>, source: &str) -> Result<MethodsFile> {
    let mut models = BTreeMap::new();
    for (model, answer) in answers {
        let mut methods = from_api_doc(answer)?;
        methods.retain(|name, m| bundled_keeps(name, m));
        models.insert(model.clone(), methods);
    }
    Ok(MethodsFile {
        format: METHODS_FORMAT,
        kind: METHODS_KIND.into(),
        source: source.to_owned(),
        models,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn signature_order() {
        assert_eq!(
            signature_names("(domain, offset=0, limit=None, order=None) -> list[int]"),
            ["domain", "offset", "limit", "order"]
        );
        assert_eq!(
            signature_names("(a: dict[str, int] = {'x': (1, 2)}, *, b='a,b)', **kw)"),
            ["a", "b", "kw"]
        );
        assert_eq!(signature_names("()"), Vec::<String>::new());
        assert_eq!(signature_names("garbage"), Vec::<String>::new());
    }

    #[test]
    fn api_doc_entry_normalizes() {
        let answer = json!({"methods": {
            "search": {
                "api": ["model", "readonly"], "model": "core", "module": "core",
                "parameters": {
                    "limit": {"annotation": "int | None", "default": null},
                    "domain": {"annotation": "DomainType"},
                    "offset": {"annotation": "int", "default": 0}
                },
                "return": {"annotation": "list[int]"},
                "signature": "(domain, offset=0, limit=None) -> list[int]",
                "surprise": 1
            },
            "_private": {"parameters": {}},
            "odd": 3
        }});
        let methods = from_api_doc(&answer).unwrap();
        assert_eq!(methods.keys().collect::<Vec<_>>(), ["search"]);
        let s = &methods["search"];
        assert!(s.is_model_method());
        let names: Vec<&str> = s.parameters.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["domain", "offset", "limit"]);
        assert_eq!(s.parameters[2].default, Some(Value::Null));
        assert_eq!(s.parameters[0].default, None);
        assert_eq!(s.extra["surprise"], json!(1));
        // Round trip keeps `default: null` apart from no default.
        let text = serde_json::to_string(s).unwrap();
        let back: Method = serde_json::from_str(&text).unwrap();
        assert_eq!(&back, s);
    }

    #[test]
    fn bundled_file_parses_and_says_where_it_comes_from() {
        let b = bundled();
        assert!(b.source.contains("19.0"), "{}", b.source);
        assert!(b.models["sale.order"].contains_key("action_confirm"));
        assert!(!b.models["sale.order"].contains_key("search"));
        assert!(
            b.models
                .values()
                .all(|m| m.keys().all(|name| is_public(name)))
        );
        assert_eq!(
            beside(Path::new("s/odoo-18.json")),
            Path::new("s/odoo-18.methods.json")
        );
    }

    #[test]
    fn bundled_methods_of_modules_not_installed_are_left_out() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/schema/odoo-18.json");
        let schema = crate::schema::Schema::load(&path).unwrap();
        let b = bundled();
        // Recorded on 19, whose database has these two apps; the 18 one has not.
        assert!(b.models["res.partner"].contains_key("get_worklocation"));
        assert!(b.models["res.users"].contains_key("action_create_passkey"));
        let kept = b.only_installed(&schema);
        assert!(!kept.models["res.partner"].contains_key("get_worklocation"));
        assert!(!kept.models["res.users"].contains_key("action_create_passkey"));
        // Only methods of modules the 18 snapshot lacks go; the ORM's own (`core`) stay.
        let count = |f: &MethodsFile| f.models.values().map(BTreeMap::len).sum::<usize>();
        assert!(count(&kept) < count(&b));
        let installed: std::collections::BTreeSet<&str> = schema
            .models
            .values()
            .flat_map(|m| {
                std::iter::once(m.module.as_str()).chain(m.modules.iter().map(String::as_str))
            })
            .collect();
        for (model, methods) in &b.models {
            for (name, m) in methods {
                let module = m.module.as_deref().unwrap_or("core");
                let expected = matches!(module, "core" | "base") || installed.contains(module);
                assert_eq!(
                    kept.models[model].contains_key(name),
                    expected,
                    "{model}.{name} ({module})"
                );
            }
        }
        assert!(kept.models["sale.order"].contains_key("action_confirm"));
        assert!(kept.models["res.partner"].contains_key("action_archive"));
        // A schema that records no modules keeps everything.
        let mut bare = schema.clone();
        for m in bare.models.values_mut() {
            m.module.clear();
            m.modules.clear();
        }
        assert_eq!(count(&b.only_installed(&bare)), count(&b));
    }
}
