//! Drift checks: do the compiled bindings still match the server?
//!
//! Generated models carry the schema they were generated from as plain static data
//! ([`Model::FIELD_SPECS`]: wire name, Odoo type, relation, required, selection keys), and
//! the generated crate lists every model compiled in ([`ModelSpec`]s, one `MODELS` slice).
//! [`OdooClient::verify`] and [`OdooClient::verify_models`] ask the live server for each
//! model's `fields_get` (only the attributes compared) and report every difference, by model
//! and field, with the comparison `codegen diff OLD NEW` makes ([`snapshot::compare_model`]:
//! the same categories, words and breaking rules), OLD being the bindings, NEW the server:
//!
//! ```text
//! BREAKING sale.order.line.product_uom: field removed (was many2one)
//! BREAKING res.partner.vat: type char -> integer
//!          res.partner.note: type char -> text
//! BREAKING res.partner.kind: selection values removed: "b"
//! ```
//!
//! A `#[derive(Model)]` projection has no specs: for it, verify checks that the model and each
//! of its fields exist on the server (its Rust types were checked at build time against the
//! snapshot named by `schema = "..."`, if any).
//!
//! Any user may run it: it needs `fields_get` and the model-level read probe
//! (`ir.model.access.check`), never a read of `ir.model` (administrators only). A model the
//! user may not read at all is listed apart ([`DriftReport::unreadable_models`]), not compared
//! and not reported as removed. `fields_get` leaves out the fields restricted to groups the
//! user lacks: a field the bindings know as restricted ([`FieldSpec::groups`]) is therefore
//! not reported as removed when it is absent.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use futures_util::future::{BoxFuture, FutureExt as _};
use futures_util::stream::{self, StreamExt as _};
use serde::Deserialize as _;
use serde_json::{Map, Value};
use snapshot::{FieldFacts, ModelFacts, Scope};

use crate::error::{ErrorKind, Result};
use crate::odoo::model::Model;
use crate::odoo::{Client, Exec, OdooClient};

/// `fields_get` calls in flight at once in [`OdooClient::verify_models`].
pub const CONCURRENCY: usize = 8;

/// The attributes a drift check asks `fields_get` for (`name` tells real fields from Odoo
/// ≤18's reified group fields, which have none; `readonly`, `related` and `depends` decide
/// whether a newly required field breaks creates, and with `store` whether writes are kept).
pub const ATTRIBUTES: &[&str] = &[
    "name",
    "type",
    "relation",
    "required",
    "readonly",
    "related",
    "depends",
    "store",
    "selection",
];

/// One field as the bindings were generated: plain static data, no code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// Wire name, e.g. `"partner_id"`.
    pub name: &'static str,
    /// Odoo field type, e.g. `"many2one"`.
    pub ttype: &'static str,
    /// Comodel of a relational field.
    pub relation: Option<&'static str>,
    /// Required in the schema the bindings came from.
    pub required: bool,
    /// The selection's keys (string keys only), in the server's order.
    pub selection: &'static [&'static str],
    /// The groups (xml ids) the field is restricted to, if the schema knew them: a user
    /// outside them does not see the field at all.
    pub groups: &'static [&'static str],
    /// Whether the bindings write it (Odoo keeps the write), when they say: with `None`
    /// a field made read-only on the server is not reported.
    pub writable: Option<bool>,
}

impl FieldSpec {
    /// A field of type `ttype`, neither relational, required nor a selection.
    pub const fn new(name: &'static str, ttype: &'static str) -> FieldSpec {
        FieldSpec {
            name,
            ttype,
            relation: None,
            required: false,
            selection: &[],
            groups: &[],
            writable: None,
        }
    }

    /// With its comodel.
    pub const fn relation(mut self, model: &'static str) -> FieldSpec {
        self.relation = Some(model);
        self
    }

    /// Required.
    pub const fn required(mut self) -> FieldSpec {
        self.required = true;
        self
    }

    /// With its selection keys.
    pub const fn selection(mut self, keys: &'static [&'static str]) -> FieldSpec {
        self.selection = keys;
        self
    }

    /// Restricted to these groups (xml ids).
    pub const fn groups(mut self, groups: &'static [&'static str]) -> FieldSpec {
        self.groups = groups;
        self
    }

    /// Whether a write to it is kept (see [`FieldFacts::writable_when`]).
    pub const fn writable(mut self, writable: bool) -> FieldSpec {
        self.writable = Some(writable);
        self
    }
}

/// One model the bindings know: its name and fields. With `complete` (generated models) every
/// field of the model is listed, so fields the server has beyond them are reported as added;
/// otherwise (projections) only `fields` are checked, and only for existence when their specs
/// are unknown.
#[derive(Debug, Clone, Copy)]
pub struct ModelSpec {
    pub model: &'static str,
    pub fields: &'static [FieldSpec],
    /// Wire names to check for existence when `fields` is empty (a projection's `FIELDS`).
    pub names: &'static [&'static str],
    pub complete: bool,
    /// A typed read of the model's record type, when the spec was made from it
    /// ([`ModelSpec::generated`]): lets code that holds only a list of specs (a generated
    /// crate's `MODELS`) read every model typed, e.g. to check that each one decodes from a
    /// server as the user an integration runs as.
    pub sample: Option<SampleRead>,
}

/// A typed `search_read` of up to `limit` records of one model, type-erased: answers how
/// many records decoded. See [`ModelSpec::sample`].
pub type SampleRead = for<'c> fn(&'c OdooClient, u64) -> BoxFuture<'c, Result<usize>>;

fn sample_read<M: Model>(client: &OdooClient, limit: u64) -> BoxFuture<'_, Result<usize>> {
    sample_rows(client, M::MODEL, M::FIELDS, limit, decode_rows::<M>)
}

/// Only the decoding is generic: one copy of the whole async typed read per model made the
/// generated crate's `verify::MODELS` (400-odd models) half its build time.
fn decode_rows<M: Model>(rows: Value) -> serde_json::Result<usize> {
    serde_json::from_value::<Vec<M>>(rows).map(|records| records.len())
}

/// The typed read of [`sample_read`] (the same field list, narrowed to what the user may
/// read, as `search_read::<M>`), decoded by `decode`.
fn sample_rows<'c>(
    client: &'c OdooClient,
    model: &'static str,
    fields: &'static [&'static str],
    limit: u64,
    decode: fn(Value) -> serde_json::Result<usize>,
) -> BoxFuture<'c, Result<usize>> {
    async move {
        let rows: Vec<Value> = client
            .model(model)
            .search_read(crate::odoo::domain::Domain::all())
            .fields(fields)
            .into_typed::<Value>()
            .readable_only()
            .limit(limit)
            .run()
            .await?;
        decode(Value::Array(rows)).map_err(|e| {
            crate::error::Error::decode(e, "the records do not decode into the bindings' type")
                .with_target(model, "search_read")
        })
    }
    .boxed()
}

/// Specs compare by their data; the sample read is a means, not part of the spec.
impl PartialEq for ModelSpec {
    fn eq(&self, other: &Self) -> bool {
        (self.model, self.fields, self.names, self.complete)
            == (other.model, other.fields, other.names, other.complete)
    }
}
impl Eq for ModelSpec {}

impl ModelSpec {
    /// A generated model: every field, with its specs.
    pub const fn new(model: &'static str, fields: &'static [FieldSpec]) -> ModelSpec {
        ModelSpec {
            model,
            fields,
            names: &[],
            complete: true,
            sample: None,
        }
    }

    /// A generated model's spec from its record type: every field, and its typed read.
    pub const fn generated<M: Model>() -> ModelSpec {
        let mut spec = ModelSpec::new(M::MODEL, M::FIELD_SPECS);
        spec.sample = Some(sample_read::<M>);
        spec
    }

    /// The spec of any [`Model`]: its `FIELD_SPECS` when it has some, else its `FIELDS`.
    pub const fn of<M: Model>() -> ModelSpec {
        if M::FIELD_SPECS.is_empty() {
            ModelSpec {
                model: M::MODEL,
                fields: &[],
                names: M::FIELDS,
                complete: false,
                sample: Some(sample_read::<M>),
            }
        } else {
            ModelSpec::generated::<M>()
        }
    }
}

/// One difference between the bindings and the server: the drift comparison's own type
/// ([`snapshot::Change`]), in `codegen diff`'s categories and words.
pub use snapshot::Change as Mismatch;
/// What differs ([`snapshot::Drift`]).
pub use snapshot::Drift as MismatchKind;
/// Whether two Odoo types decode into the same Rust type: the rule codegen's type map is
/// built on ([`snapshot::same_rust_type`]).
pub use snapshot::same_rust_type;

/// The outcome of a drift check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftReport {
    /// Models compared.
    pub models_checked: usize,
    /// By model, then field, in the order `codegen diff` lists them.
    pub mismatches: Vec<Mismatch>,
    /// Models the server has but the signed-in user may not read at all (sorted): not
    /// compared, and no mismatch; typed reads of them fail with an access error.
    pub unreadable_models: Vec<String>,
}

impl DriftReport {
    /// Nothing differs (models the user may not read are not differences).
    pub fn is_clean(&self) -> bool {
        self.mismatches.is_empty()
    }

    /// Some difference breaks code using the bindings.
    pub fn is_breaking(&self) -> bool {
        self.mismatches.iter().any(|m| m.breaking)
    }

    /// The differences of one model.
    pub fn model(&self, model: &str) -> impl Iterator<Item = &Mismatch> {
        self.mismatches.iter().filter(move |m| m.model == model)
    }

    /// The differences of one field.
    pub fn field(&self, model: &str, field: &str) -> Vec<&Mismatch> {
        self.model(model)
            .filter(|m| m.field.as_deref() == Some(field))
            .collect()
    }
}

/// A summary line, then the mismatches grouped by model.
impl fmt::Display for DriftReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let breaking = self.mismatches.iter().filter(|m| m.breaking).count();
        let models: BTreeSet<&str> = self.mismatches.iter().map(|m| m.model.as_str()).collect();
        let unreadable = |f: &mut fmt::Formatter<'_>| {
            if self.unreadable_models.is_empty() {
                return Ok(());
            }
            write!(
                f,
                "\nnot readable by this user ({}): {}",
                self.unreadable_models.len(),
                self.unreadable_models.join(", ")
            )
        };
        if self.mismatches.is_empty() {
            write!(
                f,
                "{} models checked: the bindings match the server",
                self.models_checked
            )?;
            return unreadable(f);
        }
        write!(
            f,
            "{} models checked: {} mismatches ({breaking} breaking) in {} models",
            self.models_checked,
            self.mismatches.len(),
            models.len()
        )?;
        let mut current = None;
        for m in &self.mismatches {
            if current != Some(m.model.as_str()) {
                current = Some(m.model.as_str());
                write!(f, "\n{}:", m.model)?;
            }
            write!(f, "\n  {m}")?;
        }
        unreadable(f)
    }
}

impl FieldSpec {
    /// The facts the drift comparison reads from the bindings' side.
    pub fn facts(&self) -> FieldFacts {
        FieldFacts {
            ttype: self.ttype.to_owned(),
            relation: self.relation.map(str::to_owned),
            required: self.required,
            writable: self.writable,
            // Only string keys are listed; none listed means none known.
            selection: Some(self.selection.iter().map(|k| k.to_string()).collect()),
            restricted: !self.groups.is_empty(),
            ..FieldFacts::default()
        }
    }
}

impl ModelSpec {
    /// The facts the drift comparison reads from the bindings' side: every field with its
    /// specs, or (a projection without specs) the fields it names, known to exist.
    pub fn facts(&self) -> ModelFacts {
        let mut fields: BTreeMap<String, FieldFacts> = self
            .names
            .iter()
            .map(|n| (n.to_string(), FieldFacts::exists()))
            .collect();
        fields.extend(self.fields.iter().map(|f| (f.name.to_owned(), f.facts())));
        ModelFacts {
            module: None,
            fields,
            one_users_view: false,
        }
    }
}

/// A `fields_get` answer as facts, as the user who asked sees them (see
/// [`ModelFacts::one_users_view`]). Odoo ≤18's reified group fields have no `name`: not real
/// fields.
pub fn server_facts(server: &Map<String, Value>) -> ModelFacts {
    let fields = server
        .iter()
        .filter(|(_, v)| v.get("name").is_some_and(Value::is_string))
        .map(|(k, v)| {
            let facts = FieldFacts::deserialize(v).unwrap_or_else(|_| FieldFacts::exists());
            (k.clone(), facts)
        })
        .collect();
    ModelFacts {
        module: None,
        fields,
        one_users_view: true,
    }
}

/// Compare one model's specs with its `fields_get` answer (`None`: the model is missing),
/// with the drift comparison `codegen diff` uses ([`snapshot::compare_model`]). Pure, for
/// tests and for callers that got the answer some other way. The answer is one user's view:
/// a field restricted to groups is not reported missing (the user may lack the groups).
pub fn compare(spec: &ModelSpec, server: Option<&Map<String, Value>>) -> Vec<Mismatch> {
    compare_view(spec, server, true)
}

/// [`compare`] with an answer known to list every field (an administrator's `fields_get`,
/// as a snapshot holds it): a restricted field absent from it was removed.
pub fn compare_full_view(spec: &ModelSpec, server: Option<&Map<String, Value>>) -> Vec<Mismatch> {
    compare_view(spec, server, false)
}

fn compare_view(
    spec: &ModelSpec,
    server: Option<&Map<String, Value>>,
    one_users_view: bool,
) -> Vec<Mismatch> {
    let scope = if spec.complete {
        Scope::Complete
    } else {
        Scope::Listed
    };
    let theirs = server.map(|s| ModelFacts {
        one_users_view,
        ..server_facts(s)
    });
    snapshot::compare_model(spec.model, Some(&spec.facts()), theirs.as_ref(), scope)
}

impl<X: Exec> Client<X> {
    /// Compare the bindings of `M` with the server's `fields_get`: one `fields_get` call and
    /// one model-level read probe, as any user. For a generated model every field is compared (type, relation,
    /// required, selection keys, fields the server has beyond the bindings); for a
    /// `#[derive(Model)]` projection, the existence of the model and of each of its fields.
    ///
    /// ```no_run
    /// # async fn f(client: runtime::OdooClient) -> runtime::Result<()> {
    /// # #[derive(runtime::Model)] #[model(odoo = "res.partner")] struct ResPartner { id: i64 }
    /// let report = client.verify::<ResPartner>().await?;
    /// if !report.is_clean() {
    ///     eprintln!("{report}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn verify<M: Model>(&self) -> X::Output<'_, DriftReport> {
        self.mode.finish(Box::pin(async move {
            self.verify_models_async(&[ModelSpec::of::<M>()]).await
        }))
    }

    /// Compare many models (a generated crate's `MODELS`: every model compiled in), with
    /// [`CONCURRENCY`] models in flight: each one `fields_get` and, when the model exists, one
    /// model-level read probe (shared with typed reads' cache). A model the server does not
    /// have (`fields_get` answers Odoo's unknown-model error: a `UserError` over JSON-RPC, 404
    /// over JSON-2) is a mismatch; one the user may not read is listed in
    /// [`DriftReport::unreadable_models`]; any other failure ends the check with its error.
    pub fn verify_models<'a>(&'a self, models: &'a [ModelSpec]) -> X::Output<'a, DriftReport> {
        self.mode.finish(Box::pin(self.verify_models_async(models)))
    }

    async fn verify_models_async(&self, models: &[ModelSpec]) -> Result<DriftReport> {
        // Boxed: a `Send` future that the generated `verify_all` can return as is.
        let checks: Vec<BoxFuture<'_, Result<Checked>>> = models
            .iter()
            .map(|spec| self.check_model(spec).boxed())
            .collect();
        let answers: Vec<Result<Checked>> = stream::iter(checks)
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let mut mismatches = Vec::new();
        let mut unreadable_models = Vec::new();
        for answer in answers {
            match answer? {
                Checked::Compared(m) => mismatches.extend(m),
                Checked::Unreadable(model) => unreadable_models.push(model.to_owned()),
            }
        }
        // By model (stable: within a model, the order `compare` gives, fields in name order).
        mismatches.sort_by(|a: &Mismatch, b: &Mismatch| a.model.cmp(&b.model));
        unreadable_models.sort();
        unreadable_models.dedup();
        Ok(DriftReport {
            models_checked: models.len(),
            mismatches,
            unreadable_models,
        })
    }

    async fn check_model(&self, spec: &ModelSpec) -> Result<Checked> {
        let fields = self
            .model(spec.model)
            .fields_get()
            .attributes(ATTRIBUTES.iter().copied())
            .run()
            .await;
        let fields = match fields {
            Ok(fields) => fields,
            Err(e) if matches!(e.kind(), ErrorKind::User | ErrorKind::NotFound) => {
                return Ok(Checked::Compared(compare(spec, None)));
            }
            Err(e) => return Err(e),
        };
        if !self.may_read_model(spec.model).await? {
            return Ok(Checked::Unreadable(spec.model));
        }
        Ok(Checked::Compared(compare(spec, Some(&fields))))
    }
}

/// One model's outcome.
enum Checked {
    Compared(Vec<Mismatch>),
    Unreadable(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SPECS: &[FieldSpec] = &[
        FieldSpec::new("id", "integer"),
        FieldSpec::new("kind", "selection").selection(&["a", "b"]),
        FieldSpec::new("name", "char"),
        FieldSpec::new("note", "char"),
        FieldSpec::new("parent_id", "many2one").relation("res.partner"),
        FieldSpec::new("ref", "char").required(),
        FieldSpec::new("vat", "char"),
    ];

    fn server(v: Value) -> Map<String, Value> {
        let mut m = v.as_object().unwrap().clone();
        for (k, f) in m.iter_mut() {
            f.as_object_mut()
                .unwrap()
                .insert("name".into(), k.clone().into());
        }
        m
    }

    #[test]
    fn reports_every_category_like_codegen_diff() {
        let spec = ModelSpec::new("res.partner", SPECS);
        let got = compare(
            &spec,
            Some(&server(json!({
                "id": {"type": "integer"},
                "kind": {"type": "selection", "selection": [["a", "A"], ["c", "C"]]},
                "name": {"type": "char", "required": true},
                "note": {"type": "text"},
                "parent_id": {"type": "many2one", "relation": "res.users"},
                "vat": {"type": "integer"},
                "email": {"type": "char"},
                "in_group_7": {"type": "boolean"}
            }))),
        );
        let lines: Vec<String> = got.iter().map(ToString::to_string).collect();
        // `in_group_7` has a name here; a reified field has none and is skipped.
        assert_eq!(
            lines,
            [
                "         res.partner.email: field added (char)",
                "         res.partner.in_group_7: field added (boolean)",
                "         res.partner.kind: selection values added: \"c\"",
                "BREAKING res.partner.kind: selection values removed: \"b\"",
                "BREAKING res.partner.name: made required",
                "         res.partner.note: type char -> text",
                "BREAKING res.partner.parent_id: relation res.partner -> res.users",
                "BREAKING res.partner.ref: field removed (was char)",
                "BREAKING res.partner.vat: type char -> integer",
            ]
        );
        let mut reified = server(json!({"id": {"type": "integer"}}));
        reified.insert("sel_groups_1_2".into(), json!({"type": "selection"}));
        let only_id = ModelSpec::new("x", &SPECS[..1]);
        assert!(compare(&only_id, Some(&reified)).is_empty());
    }

    #[test]
    fn missing_model_and_projection() {
        let spec = ModelSpec::new("res.partner", SPECS);
        let got = compare(&spec, None);
        assert_eq!(got[0].to_string(), "BREAKING res.partner: model removed");
        let projection = ModelSpec {
            model: "res.partner",
            fields: &[],
            names: &["id", "x_gone"],
            complete: false,
            sample: None,
        };
        let got = compare(
            &projection,
            Some(&server(
                json!({"id": {"type": "integer"}, "name": {"type": "char"}}),
            )),
        );
        let lines: Vec<String> = got.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            ["BREAKING res.partner.x_gone: field removed (was unknown)"]
        );
    }

    #[test]
    fn report_display_groups_by_model() {
        let report = DriftReport {
            models_checked: 3,
            mismatches: [
                compare(&ModelSpec::new("a.b", &SPECS[..1]), None),
                compare(
                    &ModelSpec::new("c.d", &SPECS[2..3]),
                    Some(&server(json!({"name": {"type": "text"}}))),
                ),
            ]
            .concat(),
            unreadable_models: vec![],
        };
        assert_eq!(
            report.to_string(),
            "3 models checked: 2 mismatches (1 breaking) in 2 models\n\
             a.b:\n  BREAKING a.b: model removed\n\
             c.d:\n           c.d.name: type char -> text"
        );
        assert!(report.is_breaking());
        assert_eq!(
            DriftReport {
                models_checked: 2,
                mismatches: vec![],
                unreadable_models: vec![],
            }
            .to_string(),
            "2 models checked: the bindings match the server"
        );
        let least_privileged = DriftReport {
            models_checked: 3,
            mismatches: vec![],
            unreadable_models: vec!["ir.model".into(), "purchase.order.line".into()],
        };
        assert!(least_privileged.is_clean());
        assert_eq!(
            least_privileged.to_string(),
            "3 models checked: the bindings match the server\n\
             not readable by this user (2): ir.model, purchase.order.line"
        );
    }

    #[test]
    fn fields_restricted_to_groups_may_be_absent() {
        const SPECS: &[FieldSpec] = &[
            FieldSpec::new("id", "integer"),
            FieldSpec::new("mrp_production_count", "integer").groups(&["mrp.group_mrp_user"]),
            FieldSpec::new("ref", "char"),
        ];
        let spec = ModelSpec::new("sale.order", SPECS);
        // The salesman's fields_get: the restricted field is absent, and that is no drift.
        let got = compare(&spec, Some(&server(json!({"id": {"type": "integer"}}))));
        let lines: Vec<String> = got.iter().map(ToString::to_string).collect();
        assert_eq!(lines, ["BREAKING sale.order.ref: field removed (was char)"]);
        // Present (as admin), it is compared like any other field.
        let got = compare(
            &spec,
            Some(&server(json!({
                "id": {"type": "integer"},
                "mrp_production_count": {"type": "float"},
                "ref": {"type": "char"}
            }))),
        );
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].to_string(),
            "BREAKING sale.order.mrp_production_count: type integer -> float"
        );
    }
}
