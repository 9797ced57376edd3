//! `#[model(schema = "...")]`: check fields against a schema snapshot (formats 1 and 2;
//! methods are not read) at compile time, in the spirit of sqlx's offline mode. The
//! snapshot's header, format number and field facts, and the kind of Rust type each Odoo
//! type maps to, are the `snapshot` crate's: the same ones codegen and `client.verify` use.
//!
//! The path is relative to `CARGO_MANIFEST_DIR` (the crate being compiled).
//! Parsed snapshots are cached per path for the whole compiler process, so
//! many derives naming the same multi-megabyte file parse it once; the file's
//! length and mtime are part of the key, so an edited snapshot is re-read.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use snapshot::{FORMAT, FieldFacts, ModelFacts, OdooFacts as Snapshot, RustKind, rust_kind};
use syn::LitStr;

use super::Ctxt;
use super::ast::{Container, Field};
use super::suggest;
use super::ty::{Shape, display};

type Key = (PathBuf, Option<SystemTime>, u64);
type Loaded = Arc<Result<Snapshot, String>>;

fn cache() -> &'static Mutex<HashMap<PathBuf, (Key, Loaded)>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, (Key, Loaded)>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Resolve `lit` against `CARGO_MANIFEST_DIR`.
pub fn resolve(lit: &LitStr) -> PathBuf {
    let rel = PathBuf::from(lit.value());
    match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => Path::new(&dir).join(rel),
        None => rel,
    }
}

/// Load (or reuse) the snapshot at `path`.
pub fn load(path: &Path) -> Loaded {
    let meta = std::fs::metadata(path).ok();
    let key: Key = (
        path.to_owned(),
        meta.as_ref().and_then(|m| m.modified().ok()),
        meta.as_ref().map_or(0, |m| m.len()),
    );
    let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
    if let Some((k, loaded)) = cache.get(path)
        && *k == key
    {
        return loaded.clone();
    }
    let loaded = Arc::new(read(path));
    cache.insert(path.to_owned(), (key, loaded.clone()));
    loaded
}

fn read(path: &Path) -> Result<Snapshot, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    let snapshot: Snapshot = serde_json::from_str(&text)
        .map_err(|e| format!("not a schema snapshot (format {FORMAT}): {e}"))?;
    if let Some(found) = snapshot.header().too_new() {
        return Err(format!(
            "snapshot format {found} is newer than this erpbind understands (format {FORMAT}); update erpbind"
        ));
    }
    Ok(snapshot)
}

/// What a snapshot check found out for the expansion.
#[derive(Default)]
pub struct Checked {
    /// The resolved path (for `include_bytes!` change tracking), when it was read.
    pub path: Option<PathBuf>,
    /// Wire name → related model, for the many2one/one2many/many2many fields
    /// read as records: the expansion checks the record type reads that model.
    pub relations: BTreeMap<String, String>,
}

/// Check every column of `cont` against the snapshot named by `schema`.
pub fn check(cx: &Ctxt, cont: &Container, schema: &LitStr) -> Checked {
    let mut checked = Checked::default();
    checked.path = check_columns(cx, cont, schema, &mut checked.relations);
    checked
}

fn check_columns(
    cx: &Ctxt,
    cont: &Container,
    schema: &LitStr,
    relations: &mut BTreeMap<String, String>,
) -> Option<PathBuf> {
    let path = resolve(schema);
    let loaded = load(&path);
    let snapshot = match &*loaded {
        Ok(s) => s,
        Err(why) => {
            cx.error_spanned_by(
                schema,
                format!(
                    "schema snapshot `{}`: {why}\n  (the path is relative to the crate's CARGO_MANIFEST_DIR; \
                     write one with `codegen import` or `codegen fetch`)",
                    path.display()
                ),
            );
            return None;
        }
    };
    let Some(model_lit) = &cont.attrs.odoo else {
        // Only called for Odoo models: `check` reports `schema` on aiM18 structs.
        return Some(path);
    };
    let header = snapshot.header();
    if header.erp() != "odoo" {
        cx.error_spanned_by(
            schema,
            format!(
                "`{}` is an {} snapshot, but this struct is an Odoo model",
                path.display(),
                header.erp()
            ),
        );
        return Some(path);
    }
    let model_name = model_lit.value();
    let Some(model) = snapshot.models.get(&model_name) else {
        let hint = suggest::did_you_mean(&model_name, snapshot.models.keys().map(String::as_str));
        cx.error_spanned_by(
            model_lit,
            format!(
                "model `{model_name}` is not in the schema snapshot `{}` (Odoo {}){hint}",
                schema.value(),
                snapshot.version
            ),
        );
        return Some(path);
    };
    for field in cont.fields.iter().filter(|f| f.is_column()) {
        check_field(cx, &model_name, model, field);
        let wire = field.wire_name();
        if matches!(
            field.shape.inner(),
            Shape::Ref | Shape::VecOther | Shape::VecRef
        ) && let Some(spec) = model.fields.get(&wire)
            && rust_kind(&spec.ttype).is_some_and(RustKind::is_relational)
            && let Some(rel) = &spec.relation
        {
            relations.insert(wire, rel.clone());
        }
    }
    Some(path)
}

fn check_field(cx: &Ctxt, model_name: &str, model: &ModelFacts, field: &Field) {
    let wire = field.wire_name();
    let Some(spec) = model.fields.get(&wire) else {
        if wire == "id" {
            return; // every model has it, whether fields_get listed it or not
        }
        let custom = [format!("x_studio_{wire}"), format!("x_{wire}")]
            .into_iter()
            .find(|n| model.fields.contains_key(n));
        let hint = match (custom, field.rename()) {
            (Some(c), None) => {
                format!("; did you mean the custom field `{c}`? add `#[model(rename = \"{c}\")]`")
            }
            _ => suggest::did_you_mean(&wire, model.fields.keys().map(String::as_str)),
        };
        cx.syn_error(syn::Error::new(
            field.wire_span(),
            format!("unknown field `{wire}` on {model_name}{hint}"),
        ));
        return;
    };
    let shape = &field.shape;
    let inner = shape.inner();
    let Some(kind) = rust_kind(&spec.ttype) else {
        // A field type newer than the type map.
        return;
    };
    if matches!(inner, Shape::Unsupported(_) | Shape::Other) {
        // Already reported, or an alias/enum only the trait bound can judge.
        return;
    }
    let expected = expected(kind, spec);
    if !holds(kind, inner) {
        let what = match &spec.relation {
            Some(rel) if kind.is_relational() => format!("{} `{wire}` ({rel})", spec.ttype),
            _ => format!("{} `{wire}`", spec.ttype),
        };
        cx.error_spanned_by(
            field.ty,
            format!(
                "`{}` cannot hold {what}; use `{expected}`",
                display(inner_ty(field.ty))
            ),
        );
        return;
    }
    // `serde_json::Value` holds `false` itself.
    if kind.nullable() && !spec.required && !shape.is_option() && *inner != Shape::Json {
        cx.error_spanned_by(
            field.ty,
            format!(
                "`{wire}` may be empty (false) on the server: use `Option<{}>`",
                display(field.ty)
            ),
        );
    }
}

/// `T` of `Option<T>`, for messages about the held type.
fn inner_ty(ty: &syn::Type) -> &syn::Type {
    if let syn::Type::Path(p) = ty
        && let Some(last) = p.path.segments.last()
        && last.ident == "Option"
        && let syn::PathArguments::AngleBracketed(a) = &last.arguments
        && let Some(syn::GenericArgument::Type(t)) = a.args.first()
    {
        return t;
    }
    ty
}

/// Which Rust types hold a value of `kind`: the type map's, widened where a Rust type holds
/// the value losslessly: `i32` for `integer` (PostgreSQL `int4`), `NaiveDateTime` for
/// `datetime` (UTC), `String` for `reference`, and `serde_json::Value` for anything.
fn holds(kind: RustKind, shape: &Shape) -> bool {
    if *shape == Shape::Json {
        return true;
    }
    match kind {
        RustKind::String | RustKind::Selection => *shape == Shape::String,
        RustKind::Integer => *shape == Shape::Int,
        // a many2one_reference or reference read as a record of the model it points to
        RustKind::Many2OneReference => matches!(shape, Shape::Int | Shape::Ref),
        RustKind::Float => *shape == Shape::Float,
        RustKind::Bool => *shape == Shape::Bool,
        RustKind::Date => *shape == Shape::Date,
        RustKind::DateTime => matches!(shape, Shape::DateTime | Shape::NaiveDateTime),
        RustKind::Many2One => matches!(shape, Shape::Many2One | Shape::Ref),
        RustKind::X2Many => matches!(
            shape,
            Shape::X2Many | Shape::VecI64 | Shape::VecOther | Shape::VecRef
        ),
        RustKind::Binary => *shape == Shape::Binary,
        RustKind::Reference => matches!(shape, Shape::Reference | Shape::String | Shape::Ref),
        RustKind::Json => false,
    }
}

/// The type to suggest.
fn expected(kind: RustKind, spec: &FieldFacts) -> String {
    let base = match kind {
        RustKind::String | RustKind::Selection => "String",
        RustKind::Integer | RustKind::Many2OneReference => "i64",
        RustKind::Float => "f64",
        RustKind::Bool => "bool",
        RustKind::Date => "NaiveDate",
        RustKind::DateTime => "DateTime<Utc>",
        RustKind::Many2One => "Many2One<..>",
        RustKind::X2Many => {
            return "Vec<i64>` or `X2Many<..>` (the ids), or `Vec<T>` (the records) of a projection `T"
                .into();
        }
        RustKind::Binary => "Binary",
        RustKind::Reference => "Reference",
        RustKind::Json => "serde_json::Value",
    };
    if kind.nullable() && !spec.required {
        format!("Option<{base}>")
    } else {
        base.to_owned()
    }
}
