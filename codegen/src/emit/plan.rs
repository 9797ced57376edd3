//! Whole-schema analysis before emission: every name and type is decided
//! here, so the `gen_*` functions only print decisions and name collisions
//! surface as errors before any code exists.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};
use crate::naming::{self, Case, Name};
use crate::schema::methods::{Method, Parameter};
use crate::schema::{Field, Model, Schema};
use crate::typemap::annotations::{self as method_types, ParamType, ReturnType};
use crate::typemap::odoo::{self as typemap, RustType};

use super::Settings;

pub struct SchemaPlan<'a> {
    pub schema: &'a Schema,
    /// Sorted by technical name.
    pub models: Vec<ModelPlan<'a>>,
    /// Technical name → index in `models`.
    pub index: BTreeMap<&'a str, usize>,
    /// Long selection key lists that several fields' drift specs share (the
    /// models of a reference field, `tz`, `lang`) → the const in the `verify`
    /// module that holds them once.
    pub shared_keys: BTreeMap<Vec<&'a str>, String>,
    /// Business methods several models share (a mixin's, the ORM's), each emitted
    /// once as a trait the models implement (see [`super::mixins`]).
    pub mixins: Vec<super::mixins::MixinPlan<'a>>,
}

/// A key list this long, found in two fields or more, is written once.
const SHARED_KEYS_MIN: usize = 16;

impl<'a> FieldPlan<'a> {
    /// The selection's string keys, as the drift spec lists them.
    pub fn selection_keys(&self) -> Vec<&'a str> {
        self.field
            .selection
            .iter()
            .flatten()
            .filter_map(|(k, _)| k.as_str())
            .collect()
    }
}

/// `KEYS_<FNV-1a of the keys>`: named by content, so that adding a model
/// renames nothing; two lists with one hash are both left inline.
fn shared_keys<'a>(models: &[ModelPlan<'a>]) -> BTreeMap<Vec<&'a str>, String> {
    let mut count: BTreeMap<Vec<&'a str>, usize> = BTreeMap::new();
    for f in models.iter().flat_map(|m| &m.fields) {
        let keys = f.selection_keys();
        if keys.len() >= SHARED_KEYS_MIN && !f.field.reified {
            *count.entry(keys).or_default() += 1;
        }
    }
    let mut by_name: BTreeMap<String, Vec<Vec<&'a str>>> = BTreeMap::new();
    for (keys, n) in count {
        if n < 2 {
            continue;
        }
        let hash = naming::fnv1a(keys.iter().flat_map(|k| k.bytes().chain([0])));
        by_name
            .entry(format!("KEYS_{hash:08X}"))
            .or_default()
            .push(keys);
    }
    by_name
        .into_iter()
        .filter(|(_, lists)| lists.len() == 1)
        .filter_map(|(name, mut lists)| lists.pop().map(|keys| (keys, name)))
        .collect()
}

pub struct ModelPlan<'a> {
    pub name: &'a str,
    pub model: &'a Model,
    /// Module name (`res_partner`).
    pub module: Name,
    /// Record struct (`ResPartner`); create/update types add a suffix.
    pub ty: Name,
    pub create_ty: String,
    pub update_ty: String,
    /// The one values type behind both (`ResPartnerValues<K>`).
    pub values_ty: String,
    /// False when another model's record struct already has that name in
    /// the prelude (e.g. a model `x.create` next to a model `x`).
    pub prelude_create: bool,
    pub prelude_update: bool,
    /// Sorted by wire name.
    pub fields: Vec<FieldPlan<'a>>,
    /// The cargo feature gating the module, when features are on.
    pub feature: Option<String>,
    /// Needs `allow(non_snake_case)`/`allow(non_camel_case_types)`.
    pub verbatim_names: bool,
    /// Some identifier is one of clippy's placeholder names (`foo`, `baz`,
    /// `quux`): needs `allow(clippy::disallowed_names)`.
    pub placeholder_names: bool,
    /// Business-method wrappers of this model alone, sorted by wire name.
    pub methods: Vec<MethodPlan<'a>>,
    /// The mixin traits whose wrappers the record struct gets by implementing
    /// them, sorted; `mixin_methods` counts those wrappers.
    pub mixins: Vec<super::mixins::MixinUse>,
    pub mixin_methods: usize,
    /// The snapshot's `methods_source`.
    pub methods_source: Option<&'a str>,
}

/// One business-method wrapper: an associated function of the record struct.
#[derive(Clone)]
pub struct MethodPlan<'a> {
    pub wire: &'a str,
    pub method: &'a Method,
    pub name: Name,
    /// Takes record ids (false for `@api.model` methods).
    pub on_records: bool,
    /// Named parameters, in signature order.
    pub params: Vec<ParamPlan<'a>>,
    /// `**kwargs`, as an optional map of extra keyword arguments.
    pub var_keyword: Option<Name>,
    /// `*args` parameters, which cannot be sent by name: left out.
    pub var_positional: Vec<&'a str>,
    pub returns: ReturnType,
    pub returns_nullable: bool,
}

#[derive(Clone)]
pub struct ParamPlan<'a> {
    pub param: &'a Parameter,
    pub name: Name,
    pub ty: ParamType,
    /// Has a default: `Option`, and `None` leaves it to the server.
    pub optional: bool,
    /// No default, but `None` is a value: `Option`, sent as `null`.
    pub nullable: bool,
}

impl ModelPlan<'_> {
    /// The record struct implements `Model` (it has an `id` to return).
    pub fn has_model_impl(&self) -> bool {
        self.fields.iter().any(|f| f.wire == "id" && f.in_record())
    }
}

pub struct FieldPlan<'a> {
    pub wire: &'a str,
    pub field: &'a Field,
    /// Struct field, handle function and setter name.
    pub name: Name,
    pub ty: RustType,
    /// For `RustType::Selection`: the enum and its variant names.
    pub enum_name: Option<Name>,
    pub variants: Vec<Name>,
    /// Why the field is not in the record struct, if it is not.
    pub skipped: Option<&'static str>,
    /// In `Model::FIELDS` ([`reads_by_default`]).
    pub read_by_default: bool,
    /// Has a setter on create/update values.
    pub writable: bool,
    /// A parameter of the create constructor.
    pub create_arg: bool,
    /// The setter method name (differs from `name` only when that is taken
    /// by a method of the values types: `new`, `clear`, `values`).
    pub setter: Name,
}

impl FieldPlan<'_> {
    pub fn in_record(&self) -> bool {
        self.skipped.is_none()
    }
    /// In the record struct, but read only when asked: a `Computed<T>` field, left out of
    /// `Model::FIELDS` (see [`reads_by_default`]).
    pub fn on_demand(&self) -> bool {
        self.in_record() && !self.read_by_default
    }
    pub fn has_handle(&self) -> bool {
        !self.field.reified
    }
}

/// Computed fields a default read still asks for: every caller wants a record's name, and it
/// costs what a stored field costs (`_compute_display_name` builds it from stored fields the
/// same read already fetched, with no query of its own).
const CHEAP_COMPUTED: &[&str] = &["display_name"];

/// The one rule for what a typed read of a generated model asks for by default: what a stored
/// read costs. Non-stored computed fields are computed per record in Python on every read (on
/// Odoo 18, res.partner's 69 cost more than its 107 stored ones together, some more than a
/// millisecond a record), so they are read only when asked. Kept:
/// - stored fields (an unknown `store` counts as stored, as fields_get's default);
/// - `CHEAP_COMPUTED`, below;
/// - company-dependent fields, which Odoo 16/17 report as not stored but read from
///   `ir.property` with one batched query per field, not per record (18+ stores them);
/// - related fields one stored many2one away from a field of the above kinds: every field a
///   model gets through `_inherits` (a product variant's `name`, a user's `email`) and the
///   like, read as the target's stored column for the whole batch (prefetch), which leaving
///   out would empty most of `product.product` and `res.users`.
pub fn reads_by_default(schema: &Schema, model: &Model, wire: &str, field: &Field) -> bool {
    let plain = |wire: &str, f: &Field| {
        f.store != Some(false)
            || f.company_dependent == Some(true)
            || CHEAP_COMPUTED.contains(&wire)
    };
    if plain(wire, field) {
        return true;
    }
    let Some((hop, target_field)) = field.related.as_deref().and_then(|r| r.split_once('.')) else {
        return false;
    };
    let Some(link) = model.fields.get(hop) else {
        return false;
    };
    !target_field.contains('.')
        && link.ttype == "many2one"
        && link.store != Some(false)
        && link
            .relation
            .as_deref()
            .and_then(|t| schema.models.get(t))
            .and_then(|t| t.fields.get(target_field))
            .is_some_and(|f| plain(target_field, f))
}

/// Fields the ORM maintains itself: never written by a client.
const LOG_ACCESS: &[&str] = &[
    "id",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
    "__last_update",
    "display_name",
];

/// clippy's default `disallowed_names`.
const CLIPPY_PLACEHOLDERS: &[&str] = &["foo", "baz", "quux"];

fn placeholder(n: &Name) -> bool {
    CLIPPY_PLACEHOLDERS.contains(&n.text.as_str())
}

impl MethodPlan<'_> {
    /// Some name is kept verbatim by the collision ladder.
    pub fn verbatim_names(&self) -> bool {
        self.name.verbatim
            || self.params.iter().any(|p| p.name.verbatim)
            || self.var_keyword.as_ref().is_some_and(|k| k.verbatim)
    }

    /// Some name is one of clippy's placeholders.
    pub fn placeholder_names(&self) -> bool {
        placeholder(&self.name)
            || self.params.iter().any(|p| placeholder(&p.name))
            || self.var_keyword.as_ref().is_some_and(placeholder)
    }
}

/// Method names of the generated create/update types.
const VALUES_METHODS: &[&str] = &["new", "clear", "values", "into_values", "default"];

impl<'a> SchemaPlan<'a> {
    pub fn new(schema: &'a Schema, settings: &Settings) -> Result<SchemaPlan<'a>> {
        let selection = settings.selection();
        selection.check_all_used(
            "model selection",
            schema
                .models
                .iter()
                .map(|(n, m)| (n.as_str(), m.modules.as_slice())),
        )?;
        let selected: Vec<(&'a String, &'a Model)> = schema
            .models
            .iter()
            .filter(|(name, m)| selection.selects(name, &m.modules))
            .collect();
        let names: Vec<&str> = selected.iter().map(|(n, _)| n.as_str()).collect();
        // Module names live next to `rel` and `prelude`; a model module
        // holds a `fields` module, which must not share its name.
        let modules = naming::unique(
            "schema",
            "model module",
            &names,
            Case::Snake,
            &["rel", "prelude", "fields", "verify", "mixins"],
            "_model",
        )?;
        // A model called `Option` or `string` must not shadow the prelude
        // names its own module's code uses.
        let types = naming::unique(
            "schema",
            "model type",
            &names,
            Case::UpperCamel,
            naming::PRELUDE_TYPES,
            "Model",
        )?;
        let record_types: BTreeSet<String> = types.iter().map(|t| t.text.clone()).collect();

        let mut models = Vec::with_capacity(selected.len());
        let mut index = BTreeMap::new();
        for (i, ((name, model), (module, ty))) in selected
            .into_iter()
            .zip(modules.into_iter().zip(types))
            .enumerate()
        {
            // `Self_` + `Create` must not keep the keyword guard's underscore.
            let base = ty.text.trim_end_matches('_');
            let create_ty = format!("{base}Create");
            let update_ty = format!("{base}Update");
            let values_ty = format!("{base}Values");
            let fields = plan_fields(schema, name, model, &ty, settings)?;
            let methods = plan_methods(name, model)?;
            let verbatim_names = module.verbatim
                || ty.verbatim
                || fields.iter().any(|f| {
                    f.name.verbatim
                        || f.enum_name.as_ref().is_some_and(|e| e.verbatim)
                        || f.variants.iter().any(|v| v.verbatim)
                });
            let placeholder_names = fields
                .iter()
                .any(|f| placeholder(&f.name) || placeholder(&f.setter));
            index.insert(name.as_str(), i);
            models.push(ModelPlan {
                name,
                model,
                // Field-less models get no values types at all.
                prelude_create: !model.fields.is_empty() && !record_types.contains(&create_ty),
                prelude_update: !model.fields.is_empty() && !record_types.contains(&update_ty),
                module,
                ty,
                create_ty,
                update_ty,
                values_ty,
                fields,
                feature: settings.features.then(|| model.module.clone()),
                verbatim_names,
                placeholder_names,
                methods,
                mixins: Vec::new(),
                mixin_methods: 0,
                methods_source: schema.methods_source.as_deref(),
            });
        }
        let mixins = super::mixins::split(&mut models)?;
        for m in &mut models {
            // Only the wrappers left in the model's own module count for its lints.
            m.verbatim_names |= m.methods.iter().any(MethodPlan::verbatim_names);
            m.placeholder_names |= m.methods.iter().any(MethodPlan::placeholder_names);
        }
        let shared_keys = shared_keys(&models);
        Ok(SchemaPlan {
            schema,
            models,
            index,
            shared_keys,
            mixins,
        })
    }

    pub fn get(&self, model: &str) -> Option<&ModelPlan<'a>> {
        self.index.get(model).map(|&i| &self.models[i])
    }
}

/// ORM methods the typed CRUD API already covers (`client.search_read::<M>`,
/// `create`, `write`, ...): no wrapper is generated for them.
pub const COVERED_BY_CRUD: &[&str] = &[
    "create",
    "fields_get",
    "name_search",
    "read",
    "read_group",
    "search",
    "search_count",
    "search_read",
    "unlink",
    "web_read",
    "web_search_read",
    "write",
];

/// Names a wrapper must not take: methods of the traits the record struct
/// implements (a same-named associated function would make `SaleOrder::id`
/// ambiguous to read). A method landing on one gets the suffix `_method`.
pub(crate) const RECORD_ITEMS: &[&str] = &[
    "clone",
    "clone_from",
    "default",
    "deserialize",
    "fmt",
    "from_record",
    "id",
];

/// Parameter names the wrapper's own arguments and locals already use.
const WRAPPER_LOCALS: &[&str] = &["client", "ids", "method_args"];

fn plan_methods<'a>(model_name: &str, model: &'a Model) -> Result<Vec<MethodPlan<'a>>> {
    let kept: Vec<(&'a String, &'a Method)> = model
        .methods
        .iter()
        .filter(|(name, _)| {
            crate::schema::methods::is_public(name) && !COVERED_BY_CRUD.contains(&name.as_str())
        })
        .collect();
    let wires: Vec<&str> = kept.iter().map(|(n, _)| n.as_str()).collect();
    let names = naming::unique(
        model_name,
        "method",
        &wires,
        Case::Snake,
        RECORD_ITEMS,
        "_method",
    )?;
    let has_values = !model.fields.is_empty();
    let mut out = Vec::with_capacity(kept.len());
    for ((wire, method), name) in kept.into_iter().zip(names) {
        let owner = format!("{model_name}.{wire}");
        // A Python signature cannot name a parameter twice; a list that does keeps the first.
        let mut seen = BTreeSet::new();
        let named: Vec<&Parameter> = method
            .parameters
            .iter()
            .filter(|p| !p.is_var_positional() && seen.insert(p.name.as_str()))
            .collect();
        // Several `**kwargs` cannot exist in Python; keep the first, treat others as named.
        let var_kw_index = named.iter().position(|p| p.is_var_keyword());
        let sources: Vec<&str> = named.iter().map(|p| p.name.as_str()).collect();
        let pnames = naming::unique(
            &owner,
            "parameter",
            &sources,
            Case::Snake,
            WRAPPER_LOCALS,
            "_",
        )?;
        let mut params = Vec::new();
        let mut var_keyword = None;
        for (i, (p, pname)) in named.into_iter().zip(pnames).enumerate() {
            if Some(i) == var_kw_index {
                var_keyword = Some(pname);
                continue;
            }
            let (mut ty, nullable) = method_types::param(p.annotation.as_deref());
            if !has_values && matches!(ty, ParamType::Values | ParamType::ValuesList) {
                ty = ParamType::Json;
            }
            let optional = p.default.is_some();
            params.push(ParamPlan {
                param: p,
                name: pname,
                ty,
                optional,
                nullable: nullable && !optional,
            });
        }
        let var_positional = method
            .parameters
            .iter()
            .filter(|p| p.is_var_positional())
            .map(|p| p.name.as_str())
            .collect();
        let (returns, returns_nullable) = method_types::returns(
            wire,
            method
                .returns
                .as_ref()
                .and_then(|r| r.annotation.as_deref()),
        );
        out.push(MethodPlan {
            wire,
            method,
            name,
            on_records: !method.is_model_method(),
            params,
            var_keyword,
            var_positional,
            returns,
            returns_nullable,
        });
    }
    Ok(out)
}

fn plan_fields<'a>(
    schema: &Schema,
    model_name: &str,
    model: &'a Model,
    ty: &Name,
    settings: &Settings,
) -> Result<Vec<FieldPlan<'a>>> {
    let wires: Vec<&str> = model.fields.keys().map(String::as_str).collect();
    let names = naming::unique(model_name, "field", &wires, Case::Snake, &[], "_")?;

    // Selection enums share the module's type namespace with the model's
    // own types and must not shadow prelude names used by the generated code.
    let selection_fields: Vec<&str> = model
        .fields
        .iter()
        .filter(|(_, f)| f.ttype == "selection")
        .map(|(w, _)| w.as_str())
        .collect();
    let mut reserved: Vec<String> = naming::PRELUDE_TYPES
        .iter()
        .map(|s| s.to_string())
        .collect();
    let base = ty.text.trim_end_matches('_');
    reserved.extend([
        ty.text.clone(),
        format!("{base}Create"),
        format!("{base}Update"),
        format!("{base}Values"),
    ]);
    let reserved_refs: Vec<&str> = reserved.iter().map(String::as_str).collect();
    let enum_names = naming::unique(
        model_name,
        "selection enum",
        &selection_fields,
        Case::UpperCamel,
        &reserved_refs,
        "Selection",
    )?;
    let mut enum_by_field: BTreeMap<&str, Name> =
        selection_fields.iter().copied().zip(enum_names).collect();

    let taken: BTreeSet<String> = names.iter().map(|n| n.text.clone()).collect();
    let mut out = Vec::with_capacity(wires.len());
    for ((wire, field), name) in model.fields.iter().zip(names) {
        // Generated code reads `id` as the record id (`Model::id() -> i64`).
        if wire == "id" && field.ttype != "integer" {
            return Err(Error::Input {
                what: format!("model {model_name}, field id"),
                message: format!(
                    "has type `{}`, but Odoo's record id is always an integer",
                    field.ttype
                ),
            });
        }
        let mut ty = typemap::map(model_name, wire, field)?;
        if let RustType::Selection(values) = &ty
            && values.len() > settings.max_selection_variants
        {
            ty = RustType::SelectionString;
        }
        let (enum_name, variants) = match &ty {
            RustType::Selection(values) => {
                let wire_values: Vec<&str> = values.iter().map(|(v, _)| v.as_str()).collect();
                let owner = format!("{model_name}.{wire}");
                let variants = naming::unique(
                    &owner,
                    "selection value",
                    &wire_values,
                    Case::UpperCamel,
                    &["Unknown"],
                    "Value",
                )?;
                (enum_by_field.remove(wire.as_str()), variants)
            }
            _ => (None, Vec::new()),
        };
        let skipped = if field.reified {
            Some("reified group field: exists in fields_get only, not readable by search_read")
        } else if ty == RustType::Binary {
            Some("binary: left out of reads so that listing records does not download images")
        } else {
            None
        };
        let computed = field.is_computed();
        // `readonly` in fields_get is a UI hint: stored plain fields (a
        // sale order's `state`) are still written over RPC. Computed fields
        // without `readonly: false` have no inverse to write through.
        let writable = !field.reified
            && !LOG_ACCESS.contains(&wire.as_str())
            && (!field.readonly || (field.store == Some(true) && !computed));
        let path = format!("{model_name}.{wire}");
        let create_arg = field.required
            && !field.readonly
            && !computed
            && !matches!(ty, RustType::X2Many { .. })
            && writable
            && !settings.is_create_optional(&path, wire);
        let setter = if VALUES_METHODS.contains(&name.text.as_str()) {
            let s = format!("set_{}", name.text);
            if taken.contains(&s) {
                return Err(Error::NameCollision {
                    model: model_name.to_owned(),
                    kind: "setter",
                    names: format!("{wire:?} (setter {s}) and the field named {s}"),
                });
            }
            Name {
                text: s,
                raw: false,
                verbatim: name.verbatim,
            }
        } else {
            name.clone()
        };
        out.push(FieldPlan {
            wire,
            field,
            name,
            ty,
            enum_name,
            variants,
            skipped,
            read_by_default: reads_by_default(schema, model, wire, field),
            writable,
            create_arg,
            setter,
        });
    }
    Ok(out)
}
