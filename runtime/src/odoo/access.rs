//! Reading as the signed-in user: which fields of a typed read that user may read.
//!
//! Odoo refuses a whole `read` / `search_read` / `web_read` when it asks for one field the
//! user may not read: a field restricted to groups the user lacks, or a one2many/many2many
//! whose comodel the user may not read at all. The generated types ask for every field the
//! schema had, so a least-privileged user would be refused. Before the first typed read of
//! a model the client therefore asks the server, once, as the user:
//!
//! * `fields_get(attributes=["type", "relation"])` on the model: the fields the user may read
//!   (Odoo leaves the others out, on 16–19, over every transport) and the comodel of each
//!   x2many;
//! * `ir.model.access.check(model=<comodel>, mode="read", raise_exception=False)` for each
//!   comodel of an x2many the read asks for (a model-level right, answered `true`/`false`
//!   without raising; asked once per comodel, whichever model led to it). A one2many reads its
//!   lines through the comodel on every version; a many2many only from Odoo 19 on (16–18 read
//!   the relation table under record rules: recorded, `sale.order.transaction_ids` reads as a
//!   salesman who may not read `payment.transaction` on 18), so there only 19+ checks it.
//!
//! The answers are cached in the client (shared by its clones) until
//! [`Client::refresh_read_access`]. Error messages are never parsed: they are
//! translated into the user's language. A field left out comes back absent, which the
//! generated types decode as `None`, an empty list or the type's default. An admin bot that
//! wants no extra request turns the check off with
//! [`ClientBuilder::check_read_access(false)`](super::ClientBuilder::check_read_access).
//!
//! A field the server does not have at all is left out too (its `fields_get` does not list
//! it); that is drift, which [`Client::verify`] reports.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};
use tokio::sync::OnceCell;

use super::client::{CallSpec, Client};
use super::mode::Exec;
use crate::error::{Error, Result};
use crate::odoo::model::Model;

/// What one model's `fields_get` told the signed-in user.
#[derive(Debug, Default)]
struct ModelRights {
    /// Every field the user may read, with the comodel it reads through (x2many fields whose
    /// read needs the comodel's read right).
    readable: HashMap<String, Option<String>>,
}

type Slot<T> = Arc<OnceCell<T>>;

/// The client's cache: one probe per model, one per comodel, each run once even when
/// several reads start together.
#[derive(Default)]
pub(crate) struct AccessCache {
    models: Mutex<HashMap<String, Slot<Arc<ModelRights>>>>,
    comodels: Mutex<HashMap<String, Slot<bool>>>,
    /// Models whose left-out fields were logged (once each).
    logged: Mutex<HashSet<String>>,
}

fn slot<T>(map: &Mutex<HashMap<String, Slot<T>>>, key: &str) -> Slot<T> {
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    map.entry(key.to_owned()).or_default().clone()
}

impl AccessCache {
    fn clear(&self) {
        self.models
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.comodels
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.logged
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

/// Whether reading a field of this type on Odoo `major` needs its comodel's read right.
fn reads_through_comodel(ttype: Option<&str>, major: u32) -> bool {
    match ttype {
        Some("one2many") => true,
        Some("many2many") => major >= 19,
        _ => false,
    }
}

fn rights_from(fields: Map<String, Value>, major: u32) -> ModelRights {
    let readable = fields
        .into_iter()
        .map(|(name, desc)| {
            let comodel = reads_through_comodel(desc.get("type").and_then(Value::as_str), major)
                .then(|| desc.get("relation").and_then(Value::as_str))
                .flatten()
                .map(str::to_owned);
            (name, comodel)
        })
        .collect();
    ModelRights { readable }
}

/// `requested` split into the fields to ask for and those left out, given the model's rights
/// and which comodels may be read. `id` is always kept: Odoo always sends it, and a list of
/// no fields would make Odoo read every field.
fn split<'f>(
    rights: &ModelRights,
    comodel_readable: &HashMap<&str, bool>,
    requested: &'f [String],
) -> (Vec<String>, Vec<&'f str>) {
    let mut keep = Vec::with_capacity(requested.len());
    let mut left_out = Vec::new();
    for field in requested {
        let ok = field == "id"
            || match rights.readable.get(field.as_str()) {
                None => false,
                Some(None) => true,
                Some(Some(comodel)) => comodel_readable
                    .get(comodel.as_str())
                    .copied()
                    .unwrap_or(false),
            };
        if ok {
            keep.push(field.clone());
        } else {
            left_out.push(field.as_str());
        }
    }
    if keep.is_empty() {
        keep.push("id".to_owned());
    }
    (keep, left_out)
}

impl<X: Exec> Client<X> {
    /// THE field-list decision of every typed read (`read`, `search_read`, pages, streams,
    /// nested reads and their specification, async and blocking): the fields of `requested`
    /// that the signed-in user may read on `model`, in their order. With the check turned
    /// off, `requested` as is, without a request.
    pub(crate) async fn readable_fields(
        &self,
        model: &str,
        requested: &[String],
    ) -> Result<Vec<String>> {
        let Some(cache) = self.access_cache() else {
            return Ok(requested.to_vec());
        };
        let rights = self.model_rights(cache, model).await?;
        let comodels: BTreeSet<&str> = requested
            .iter()
            .filter_map(|f| rights.readable.get(f.as_str())?.as_deref())
            .collect();
        // One after the other, on the connection the client already holds: probes in flight
        // together would each open a connection (and a TLS handshake), which costs about what
        // it saves and loads the server's workers; most comodels are cached after a few models.
        let mut comodel_readable: HashMap<&str, bool> = HashMap::new();
        for comodel in comodels {
            comodel_readable.insert(comodel, self.comodel_readable(cache, comodel).await?);
        }
        let (keep, left_out) = split(&rights, &comodel_readable, requested);
        if !left_out.is_empty()
            && cache
                .logged
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(model.to_owned())
        {
            tracing::debug!(
                model,
                left_out = %left_out.join(","),
                "typed reads leave out the fields this user may not read"
            );
        }
        Ok(keep)
    }

    /// The fields of `M` a typed read leaves out for the signed-in user (restricted to groups
    /// the user lacks, x2many fields whose comodel the user may not read, fields the server
    /// does not have), among every field the type holds: the default ones and the computed
    /// ones `.with(..)` / `.all_fields()` add. They come back as `None`, an empty list or the
    /// type's default (a computed one stays `NotRead`). Asks the server only if no read of `M`
    /// has yet; empty when the check is turned off.
    pub fn left_out_fields<M: Model>(&self) -> X::Output<'_, Vec<&'static str>> {
        self.mode
            .finish(Box::pin(self.left_out_fields_async::<M>()))
    }

    async fn left_out_fields_async<M: Model>(&self) -> Result<Vec<&'static str>> {
        let held = || M::FIELDS.iter().chain(M::COMPUTED).copied();
        let requested: Vec<String> = held().map(str::to_owned).collect();
        let keep: HashSet<String> = self
            .readable_fields(M::MODEL, &requested)
            .await?
            .into_iter()
            .collect();
        Ok(held().filter(|f| !keep.contains(*f)).collect())
    }

    /// Forget what the client learnt about the user's rights (after an administrator changed
    /// the user's groups or the access rules): the next typed read of each model asks again.
    pub fn refresh_read_access(&self) {
        if let Some(cache) = self.access_cache() {
            cache.clear();
        }
    }

    /// Whether the signed-in user may read `model` at all (its model-level right; `fields_get`
    /// answers even for a model the user may not read). Cached like the comodel probes.
    pub(crate) async fn may_read_model(&self, model: &str) -> Result<bool> {
        match self.access_cache() {
            Some(cache) => self.comodel_readable(cache, model).await,
            None => probe_model_read(self, model).await,
        }
    }

    async fn model_rights(&self, cache: &AccessCache, model: &str) -> Result<Arc<ModelRights>> {
        let cell = slot(&cache.models, model);
        cell.get_or_try_init(|| async {
            let fields = self
                .model(model)
                .fields_get()
                .attributes(["type", "relation"])
                .run()
                .await?;
            let major = self.server_version().major;
            Ok::<_, Error>(Arc::new(rights_from(fields, major)))
        })
        .await
        .cloned()
    }

    async fn comodel_readable(&self, cache: &AccessCache, model: &str) -> Result<bool> {
        let cell = slot(&cache.comodels, model);
        cell.get_or_try_init(|| probe_model_read(self, model))
            .await
            .copied()
    }
}

/// `ir.model.access.check(model, "read", raise_exception=False)`: answered on 16–19 with a
/// boolean, never an error, for any user. Named arguments, which every transport takes.
async fn probe_model_read<X: Exec>(client: &Client<X>, model: &str) -> Result<bool> {
    let spec = CallSpec::new("ir.model.access", "check", vec![])
        .kwarg("model", model)
        .kwarg("mode", "read")
        .kwarg("raise_exception", false);
    client.run_as(spec, "true or false").await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn keeps_readable_fields_in_order_and_drops_the_rest() {
        let rights = rights_from(
            json!({
                "name": {"type": "char"},
                "partner_id": {"type": "many2one", "relation": "res.partner"},
                "order_line": {"type": "one2many", "relation": "sale.order.line"},
                "purchase_line_ids": {"type": "one2many", "relation": "purchase.order.line"},
                "tag_ids": {"type": "many2many", "relation": "crm.tag"},
            })
            .as_object()
            .unwrap()
            .clone(),
            19,
        );
        let comodels: HashMap<&str, bool> = [
            ("sale.order.line", true),
            ("purchase.order.line", false),
            ("crm.tag", true),
        ]
        .into_iter()
        .collect();
        let requested = names(&[
            "id",
            "mrp_production_count",
            "name",
            "order_line",
            "partner_id",
            "purchase_line_ids",
            "tag_ids",
        ]);
        let (keep, left_out) = split(&rights, &comodels, &requested);
        assert_eq!(
            keep,
            names(&["id", "name", "order_line", "partner_id", "tag_ids"])
        );
        assert_eq!(left_out, ["mrp_production_count", "purchase_line_ids"]);
        // A comodel nobody probed counts as unreadable, never as readable.
        let (keep, _) = split(&rights, &HashMap::new(), &names(&["tag_ids"]));
        assert_eq!(keep, ["id"]);
    }

    #[test]
    fn many2many_needs_its_comodel_from_19_on() {
        let fields = json!({
            "transaction_ids": {"type": "many2many", "relation": "payment.transaction"},
            "order_line": {"type": "one2many", "relation": "sale.order.line"},
        });
        let fields = fields.as_object().unwrap();
        let on_18 = rights_from(fields.clone(), 18);
        assert_eq!(on_18.readable["transaction_ids"], None);
        assert_eq!(
            on_18.readable["order_line"].as_deref(),
            Some("sale.order.line")
        );
        let on_19 = rights_from(fields.clone(), 19);
        assert_eq!(
            on_19.readable["transaction_ids"].as_deref(),
            Some("payment.transaction")
        );
    }

    #[test]
    fn never_asks_for_no_fields() {
        let requested = names(&["x"]);
        let (keep, left_out) = split(&ModelRights::default(), &HashMap::new(), &requested);
        assert_eq!(keep, ["id"], "fields=[] would read every field");
        assert_eq!(left_out, ["x"]);
    }
}
