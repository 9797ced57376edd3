//! Loading the recorded Odoo fixtures at run time (not `include_str!`, to keep compile times
//! low), parsed once per process and shared by every fake server of the same version.
//!
//! `fields_get` files (about 500 per version) are parsed lazily, one model at a time, because a
//! test that starts a server usually touches a handful of models.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Map, Value};

use super::OdooVersion;

pub(crate) type Obj = Map<String, Value>;

/// Environment variable that overrides the fixture root (the folder holding `odoo-<version>/`).
pub const FIXTURES_ENV: &str = "ERPBIND_FAKE_ODOO_FIXTURES";

/// Where fixtures are read from unless a builder overrides it.
pub(crate) fn default_root() -> PathBuf {
    match std::env::var_os(FIXTURES_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures")),
    }
}

/// Demo records, already normalized for the store (many2one pairs reduced to ids), plus the
/// display names those pairs carried, so that `[233, "United States"]` still reads back the same
/// even though `res.country` itself has no recorded records.
pub(crate) struct Demo {
    pub records: BTreeMap<String, Vec<Obj>>,
    pub names: Vec<(String, i64, String)>,
}

/// Everything recorded for one Odoo version.
pub(crate) struct Fixtures {
    pub version: OdooVersion,
    pub dir: PathBuf,
    /// `common.version` as answered.
    pub server_version: Value,
    /// Rows of `ir.model.search_read.json` for the models this fake knows (those with a
    /// recorded `fields_get`).
    pub ir_models: Vec<Obj>,
    /// Model name -> `ir.model` row index.
    pub ir_model_index: HashMap<String, usize>,
    /// Models with a recorded `fields_get` file: the models this fake server has.
    pub model_names: BTreeSet<String>,
    /// `rpc/<name>.json`, keyed by file stem, and `access/<name>.json` keyed `access/<stem>`.
    pub rpc: BTreeMap<String, Value>,
    fields_get: Mutex<HashMap<String, Arc<Obj>>>,
    demo: OnceLock<Arc<Demo>>,
    ir_model_fields: OnceLock<Arc<Vec<Obj>>>,
}

static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<Fixtures>>>> = OnceLock::new();

/// The fixtures of `version` under `root`, parsed once per process.
pub(crate) fn load(root: &Path, version: OdooVersion) -> Result<Arc<Fixtures>, String> {
    let dir = root.join(format!("odoo-{}", version.major()));
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&dir) {
        return Ok(found.clone());
    }
    let loaded = Arc::new(Fixtures::read(dir.clone(), version)?);
    let mut guard = cache.lock().unwrap_or_else(|e| e.into_inner());
    Ok(guard.entry(dir).or_insert(loaded).clone())
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("fake Odoo: cannot read fixture {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("fake Odoo: fixture {} is not JSON: {e}", path.display()))
}

fn objects(v: Value) -> Vec<Obj> {
    match v {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| match item {
                Value::Object(o) => Some(o),
                _ => None,
            })
            .collect(),
        Value::Object(mut o) => match o.remove("records") {
            Some(records) => objects(records),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

impl Fixtures {
    fn read(dir: PathBuf, version: OdooVersion) -> Result<Self, String> {
        let server = read_json(&dir.join("server.json"))?;
        let server_version = server.get("server_version").cloned().unwrap_or(Value::Null);

        let mut model_names = BTreeSet::new();
        let fg_dir = dir.join("fields_get");
        let entries = std::fs::read_dir(&fg_dir)
            .map_err(|e| format!("fake Odoo: cannot list {}: {e}", fg_dir.display()))?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(model) = name.strip_suffix(".json") {
                model_names.insert(model.to_string());
            }
        }

        let ir_models: Vec<Obj> = objects(read_json(&dir.join("ir.model.search_read.json"))?)
            .into_iter()
            .filter(|row| {
                row.get("model")
                    .and_then(Value::as_str)
                    .is_some_and(|m| model_names.contains(m))
            })
            .collect();
        let ir_model_index = ir_models
            .iter()
            .enumerate()
            .filter_map(|(i, row)| Some((row.get("model")?.as_str()?.to_string(), i)))
            .collect();

        let mut rpc = BTreeMap::new();
        let rpc_dir = dir.join("rpc");
        if let Ok(entries) = std::fs::read_dir(&rpc_dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some(stem) = name.strip_suffix(".json") {
                    rpc.insert(stem.to_string(), read_json(&entry.path())?);
                }
            }
        }
        // the answers recorded as a least-privileged user: envelopes of the access errors
        if let Ok(entries) = std::fs::read_dir(dir.join("access")) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some(stem) = name.strip_suffix(".json")
                    && stem != "rights"
                    && !stem.starts_with("fields_get.")
                {
                    rpc.insert(format!("access/{stem}"), read_json(&entry.path())?);
                }
            }
        }

        Ok(Fixtures {
            version,
            dir,
            server_version,
            ir_models,
            ir_model_index,
            model_names,
            rpc,
            fields_get: Mutex::new(HashMap::new()),
            demo: OnceLock::new(),
            ir_model_fields: OnceLock::new(),
        })
    }

    /// The recorded `fields_get()` of `model` (all attributes), if the model exists.
    pub fn fields_get(&self, model: &str) -> Option<Arc<Obj>> {
        if !self.model_names.contains(model) {
            return None;
        }
        if let Some(found) = self
            .fields_get
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(model)
        {
            return Some(found.clone());
        }
        let path = self.dir.join("fields_get").join(format!("{model}.json"));
        let parsed = match read_json(&path) {
            Ok(Value::Object(o)) => o,
            _ => Obj::new(),
        };
        let parsed = Arc::new(parsed);
        let mut guard = self.fields_get.lock().unwrap_or_else(|e| e.into_inner());
        Some(guard.entry(model.to_string()).or_insert(parsed).clone())
    }

    /// These fixtures plus `n` synthetic models `x_synthetic.model_<i>` (for benchmarks of
    /// schema readers against a server with many models): each has the `fields_get` of a
    /// recorded model, taken in turn, and an `ir.model` row of its own.
    pub fn with_synthetic_models(&self, n: usize) -> Fixtures {
        let recorded: Vec<String> = self.model_names.iter().cloned().collect();
        let mut ir_models = self.ir_models.clone();
        let mut model_names = self.model_names.clone();
        let mut fields_get = HashMap::new();
        let first_id = ir_models
            .iter()
            .filter_map(|r| r.get("id").and_then(Value::as_i64))
            .max()
            .unwrap_or(0)
            + 1;
        for (i, id) in (0..n).zip(first_id..) {
            let Some(template) = recorded.get(i % recorded.len().max(1)) else {
                break;
            };
            let model = format!("x_synthetic.model_{i:04}");
            let mut row = self.ir_model(template).cloned().unwrap_or_default();
            row.insert("id".into(), id.into());
            row.insert("model".into(), model.clone().into());
            row.insert("name".into(), format!("Synthetic {i} ({template})").into());
            row.insert("modules".into(), "x_synthetic".into());
            row.insert("state".into(), "manual".into());
            ir_models.push(row);
            if let Some(fields) = self.fields_get(template) {
                fields_get.insert(model.clone(), fields);
            }
            model_names.insert(model);
        }
        let ir_model_index = ir_models
            .iter()
            .enumerate()
            .filter_map(|(i, row)| Some((row.get("model")?.as_str()?.to_string(), i)))
            .collect();
        Fixtures {
            version: self.version,
            dir: self.dir.clone(),
            server_version: self.server_version.clone(),
            ir_models,
            ir_model_index,
            model_names,
            rpc: self.rpc.clone(),
            fields_get: Mutex::new(fields_get),
            demo: OnceLock::new(),
            ir_model_fields: OnceLock::new(),
        }
    }

    /// These fixtures with some `fields_get` entries changed and some models removed (see
    /// [`FakeOdooBuilder::alter_field`](super::FakeOdooBuilder::alter_field)): an object is
    /// merged key by key over the field's description (a new field when there was none), `null`
    /// removes the field.
    pub fn with_changes(&self, alters: &[(String, String, Value)], removed: &[String]) -> Fixtures {
        let mut changed: HashMap<String, Arc<Obj>> = HashMap::new();
        for (model, field, change) in alters {
            let fields = match changed.get(model) {
                Some(f) => f.clone(),
                None => self.fields_get(model).unwrap_or_default(),
            };
            let mut fields = (*fields).clone();
            match change {
                Value::Object(patch) => {
                    let entry = fields
                        .entry(field.clone())
                        .or_insert_with(|| serde_json::json!({"name": field}));
                    if let Value::Object(desc) = entry {
                        for (k, v) in patch {
                            if v.is_null() {
                                desc.remove(k);
                            } else {
                                desc.insert(k.clone(), v.clone());
                            }
                        }
                    }
                }
                _ => {
                    fields.remove(field);
                }
            }
            changed.insert(model.clone(), Arc::new(fields));
        }
        let keep = |m: &str| !removed.iter().any(|r| r == m);
        let mut cache = self
            .fields_get
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        cache.extend(changed);
        let ir_models: Vec<Obj> = self
            .ir_models
            .iter()
            .filter(|r| r.get("model").and_then(Value::as_str).is_some_and(keep))
            .cloned()
            .collect();
        let ir_model_index = ir_models
            .iter()
            .enumerate()
            .filter_map(|(i, row)| Some((row.get("model")?.as_str()?.to_string(), i)))
            .collect();
        Fixtures {
            version: self.version,
            dir: self.dir.clone(),
            server_version: self.server_version.clone(),
            ir_models,
            ir_model_index,
            model_names: self
                .model_names
                .iter()
                .filter(|m| keep(m))
                .cloned()
                .collect(),
            rpc: self.rpc.clone(),
            fields_get: Mutex::new(cache),
            demo: OnceLock::new(),
            ir_model_fields: OnceLock::new(),
        }
    }

    /// The `ir.model` row of `model`.
    pub fn ir_model(&self, model: &str) -> Option<&Obj> {
        self.ir_model_index.get(model).map(|&i| &self.ir_models[i])
    }

    /// The model's label (`ir.model.name`, Odoo's `_description`).
    pub fn model_description(&self, model: &str) -> String {
        self.ir_model(model)
            .and_then(|row| row.get("name"))
            .and_then(Value::as_str)
            .unwrap_or(model)
            .to_string()
    }

    /// The model's default order (`ir.model.order`), `id` when unknown.
    pub fn model_order(&self, model: &str) -> String {
        self.ir_model(model)
            .and_then(|row| row.get("order"))
            .and_then(Value::as_str)
            .filter(|o| !o.trim().is_empty())
            .unwrap_or("id")
            .to_string()
    }

    /// One recording of `rpc/`.
    pub fn recording(&self, name: &str) -> Option<&Value> {
        self.rpc.get(name)
    }

    /// The recorded demo records, normalized for the store.
    pub fn demo(&self) -> Arc<Demo> {
        self.demo.get_or_init(|| Arc::new(self.read_demo())).clone()
    }

    fn read_demo(&self) -> Demo {
        let mut records = BTreeMap::new();
        let mut names = Vec::new();
        let dir = self.dir.join("records");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|entries| entries.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for path in files {
            let file = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let Some(model) = file.strip_suffix(".search_read.json") else {
                continue; // e.g. res.partner.read.image_128.json: a single field of one record
            };
            let Ok(value) = read_json(&path) else {
                continue;
            };
            let fields = self.fields_get(model).unwrap_or_default();
            let mut rows = Vec::new();
            for mut row in objects(value) {
                normalize_record(&fields, &mut row, &mut names);
                if row.get("id").and_then(Value::as_i64).is_some() {
                    rows.push(row);
                }
            }
            records.insert(model.to_string(), rows);
        }
        Demo { records, names }
    }

    /// `ir.model.fields` rows for every known model: the recorded rows where they exist
    /// (`ir.model.fields.search_read.json` covers a few models with every column), and rows
    /// synthesized from `fields_get` for the others, so that a generator can read the schema of
    /// all models in a few batched calls.
    pub fn ir_model_fields(&self) -> Arc<Vec<Obj>> {
        self.ir_model_fields
            .get_or_init(|| Arc::new(self.build_ir_model_fields()))
            .clone()
    }

    fn build_ir_model_fields(&self) -> Vec<Obj> {
        let recorded = read_json(&self.dir.join("ir.model.fields.search_read.json"))
            .map(objects)
            .unwrap_or_default();
        let mut recorded_models = BTreeSet::new();
        let mut next_id = 1;
        let mut rows = Vec::new();
        for row in recorded {
            if let Some(m) = row.get("model").and_then(Value::as_str) {
                recorded_models.insert(m.to_string());
            }
            if let Some(id) = row.get("id").and_then(Value::as_i64) {
                next_id = next_id.max(id + 1);
            }
            let mut row = row;
            let mut names = Vec::new();
            let fields = self.fields_get("ir.model.fields").unwrap_or_default();
            normalize_record(&fields, &mut row, &mut names);
            rows.push(row);
        }
        for model in &self.model_names {
            if recorded_models.contains(model) {
                continue;
            }
            let Some(fields) = self.fields_get(model) else {
                continue;
            };
            let model_id = self
                .ir_model(model)
                .and_then(|r| r.get("id"))
                .and_then(Value::as_i64);
            let model_label = self.model_description(model);
            for (name, desc) in fields.iter() {
                let get = |k: &str| desc.get(k).cloned().unwrap_or(Value::Bool(false));
                let text = |k: &str| match desc.get(k) {
                    Some(Value::String(s)) if !s.is_empty() => Value::String(s.clone()),
                    _ => Value::Bool(false),
                };
                let label = desc.get("string").and_then(Value::as_str).unwrap_or(name);
                let mut row = Obj::new();
                row.insert("id".into(), next_id.into());
                next_id += 1;
                row.insert("name".into(), name.clone().into());
                row.insert("model".into(), model.clone().into());
                row.insert(
                    "model_id".into(),
                    model_id.map(Value::from).unwrap_or(false.into()),
                );
                row.insert("ttype".into(), get("type"));
                row.insert("relation".into(), text("relation"));
                row.insert("relation_field".into(), text("relation_field"));
                row.insert("required".into(), get("required"));
                row.insert("readonly".into(), get("readonly"));
                row.insert("store".into(), get("store"));
                row.insert("field_description".into(), label.into());
                row.insert("help".into(), text("help"));
                row.insert("related".into(), text("related"));
                row.insert(
                    "translate".into(),
                    Value::Bool(
                        desc.get("translate")
                            .is_some_and(|t| t != &Value::Bool(false)),
                    ),
                );
                row.insert("company_dependent".into(), get("company_dependent"));
                row.insert("selectable".into(), get("searchable"));
                row.insert("size".into(), desc.get("size").cloned().unwrap_or(0.into()));
                row.insert(
                    "state".into(),
                    if desc.get("manual") == Some(&Value::Bool(true)) {
                        "manual"
                    } else {
                        "base"
                    }
                    .into(),
                );
                row.insert("modules".into(), Value::Bool(false));
                row.insert(
                    "display_name".into(),
                    format!("{label} ({model_label})").into(),
                );
                rows.push(row);
            }
        }
        rows
    }
}

/// Reduce wire-format values to what the store keeps: many2one `[id, "name"]` pairs become the
/// id (the name is remembered in `names` so reads can give it back).
pub(crate) fn normalize_record(
    fields: &Obj,
    row: &mut Obj,
    names: &mut Vec<(String, i64, String)>,
) {
    for (field, value) in row.iter_mut() {
        let Some(desc) = fields.get(field) else {
            continue;
        };
        if desc.get("type").and_then(Value::as_str) != Some("many2one") {
            continue;
        }
        if let Value::Array(pair) = value
            && let Some(id) = pair.first().and_then(Value::as_i64)
        {
            if let (Some(name), Some(rel)) = (
                pair.get(1).and_then(Value::as_str),
                desc.get("relation").and_then(Value::as_str),
            ) {
                names.push((rel.to_string(), id, name.to_string()));
            }
            *value = Value::from(id);
        }
    }
}
