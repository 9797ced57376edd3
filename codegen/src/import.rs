//! `codegen import odoo`: a snapshot from raw answers saved by any client, so
//! bindings can come from a server the generator cannot reach.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::schema::{IrModelRow, Schema};

/// Read `fields_get` answers from files named `<model>.fields_get.json` or
/// `<model>.json`, or from directories of them, plus (optionally) the
/// `ir.model` `search_read` answer for names, modules and order.
///
/// Each file may hold the bare answer or a JSON-RPC envelope (`{"result": ...}`).
pub fn import_odoo(version: &str, paths: &[PathBuf], ir_model: Option<&Path>) -> Result<Schema> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| Error::io(path, e))?;
            for entry in entries {
                let p = entry.map_err(|e| Error::io(path, e))?.path();
                if p.extension().is_some_and(|x| x == "json") {
                    files.push(p);
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    let mut fields_get = BTreeMap::new();
    for file in files {
        let model = model_of(&file)?;
        let answer = unwrap_envelope(read_json(&file)?);
        if fields_get.insert(model.clone(), answer).is_some() {
            return Err(Error::Input {
                what: file.display().to_string(),
                message: format!("a second fields_get answer for {model}"),
            });
        }
    }
    if fields_get.is_empty() {
        return Err(Error::Input {
            what: "import".into(),
            message: "no fields_get files found".into(),
        });
    }
    let rows = match ir_model {
        Some(p) => read_ir_model(p)?,
        None => Vec::new(),
    };
    Schema::from_odoo(version, &rows, fields_get)
}

/// `res.partner.fields_get.json` or `res.partner.json` → `res.partner`.
fn model_of(file: &Path) -> Result<String> {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Input {
            what: file.display().to_string(),
            message: "file name is not UTF-8".into(),
        })?;
    let stem = name.strip_suffix(".json").unwrap_or(name);
    let model = stem.strip_suffix(".fields_get").unwrap_or(stem);
    if model.is_empty() {
        return Err(Error::Input {
            what: file.display().to_string(),
            message: "cannot tell the model from the file name".into(),
        });
    }
    Ok(model.to_owned())
}

pub(crate) fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&text).map_err(|source| Error::Json {
        path: path.to_owned(),
        source,
    })
}

fn unwrap_envelope(v: Value) -> Value {
    match v {
        Value::Object(mut m) if m.contains_key("jsonrpc") && m.contains_key("result") => {
            m.remove("result").unwrap_or(Value::Null)
        }
        other => other,
    }
}

/// The `ir.model` answer: a list of rows, bare or in an envelope.
pub fn read_ir_model(path: &Path) -> Result<Vec<IrModelRow>> {
    let v = unwrap_envelope(read_json(path)?);
    let v = match v {
        Value::Object(mut m) if m.contains_key("records") => {
            m.remove("records").unwrap_or(Value::Null)
        }
        other => other,
    };
    serde_json::from_value(v).map_err(|e| Error::Input {
        what: path.display().to_string(),
        message: format!("not an ir.model search_read answer: {e}"),
    })
}
