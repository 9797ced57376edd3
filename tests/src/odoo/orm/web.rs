//! `web_search_read` and `web_read` (17+): the web client's nested reads by specification.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::odoo::access::Mode;
use crate::odoo::errors::OdooError;
use crate::odoo::fixtures::Obj;
use crate::odoo::schema::{FType, FieldInfo};
use crate::odoo::store::Db;
use crate::odoo::{OdooVersion, domain, pyrepr};

use super::search::sort_ids;
use super::{Orm, obj};

impl Orm<'_> {
    pub(super) fn web_search_read(
        &mut self,
        model: &str,
        p: &Obj,
        active_test: bool,
    ) -> Result<Value, OdooError> {
        let domain = p.get("domain").cloned().unwrap_or(Value::Array(vec![]));
        let offset = p.get("offset").and_then(Value::as_i64).unwrap_or(0);
        let limit = p.get("limit").and_then(Value::as_i64);
        let order = p.get("order").and_then(Value::as_str).map(str::to_string);
        let count_limit = p.get("count_limit").and_then(Value::as_i64);
        let ids = self.search(model, &domain, order.as_deref(), offset, limit, active_test)?;
        let records = if self.version() == OdooVersion::V16 {
            let fields = self.field_list(model, p.get("fields"))?;
            if !ids.is_empty() {
                self.check_read_fields("search_read", model, &fields, true)?;
            }
            self.read(model, &ids, &fields, true)
        } else {
            let spec = obj(p.get("specification").cloned().unwrap_or(Value::Null));
            match self.web_read(model, &ids, &spec)? {
                Value::Array(r) => r,
                _ => Vec::new(),
            }
        };
        if records.is_empty() && offset == 0 {
            return Ok(json!({"length": 0, "records": []}));
        }
        let current = records.len() as i64 + offset;
        let limit_reached = limit.is_some_and(|l| records.len() as i64 == l);
        let count_limit_reached = count_limit.is_some_and(|c| c <= current);
        let length = if limit.is_some() && limit_reached && !count_limit_reached {
            let all = self.search_all(model, &domain, None, active_test)?;
            let all = self.visible(model, all).len() as i64;
            count_limit.map_or(all, |c| all.min(c))
        } else {
            current
        };
        Ok(json!({"length": length, "records": records}))
    }

    /// `web_read(specification)`: nested reads of relational fields in one call, as
    /// `addons/web/models/models.py` does it on 17-19:
    ///
    /// - a many2one sub-specification reads the related record's other fields as the caller
    ///   (a record hidden from the caller fails the whole call, as `read` does) and its
    ///   `display_name` as superuser;
    /// - an x2many `limit` reads the first `limit` ids of every record at once, so an id past
    ///   one record's limit that another record has within its limit comes back whole; records
    ///   hidden from the caller are left out of the list on 18+ (`_filtered_access`) and fail
    ///   the call on 17;
    /// - a reference or many2one_reference sub-specification on a record hidden from the caller
    ///   gives Odoo's placeholder `{"id": .., "display_name": "You don't have access to this
    ///   record"}` on 18+, and fails the call on 17.
    pub(super) fn web_read(
        &mut self,
        model: &str,
        ids: &[i64],
        spec: &Obj,
    ) -> Result<Value, OdooError> {
        let schema = self
            .schema(model)
            .ok_or_else(|| self.errors().unknown_model(self.env.via, model))?;
        let mut fields = Vec::new();
        for (name, sub) in spec {
            let Some(f) = schema.field(name) else {
                return Err(self.errors().value_error(&format!(
                    "Invalid field {} on model {}",
                    pyrepr::str_repr(name),
                    pyrepr::str_repr(model)
                )));
            };
            fields.push((f, obj(sub.clone())));
        }
        // a nested read reads the comodel as the caller (the top level was checked already)
        if !self.model_allowed(model, Mode::Read) {
            return Err(self.model_denied("web_read", model, Mode::Read));
        }
        let infos: Vec<FieldInfo> = fields.iter().map(|(f, _)| f.clone()).collect();
        let has_records = ids.iter().any(|id| self.store.get(model, *id).is_some());
        self.check_read_fields("web_read", model, &infos, has_records)?;
        if ids.iter().any(|id| self.read_denied(model, *id)) {
            return Err(self.errors().access_error(model));
        }
        let v18 = self.version() >= OdooVersion::V18;
        // x2many fields read as records: every record's ids in order, and the ids read in full
        let mut lists: BTreeMap<(String, i64), Vec<i64>> = BTreeMap::new();
        let mut read_whole: BTreeMap<String, std::collections::HashSet<i64>> = BTreeMap::new();
        for (f, sub) in &fields {
            if !matches!(f.ftype, FType::One2many | FType::Many2many) || !sub.contains_key("fields")
            {
                continue;
            }
            let comodel = f.relation.clone().unwrap_or_default();
            let limit = sub
                .get("limit")
                .and_then(Value::as_u64)
                .map_or(usize::MAX, |l| l as usize);
            for id in ids {
                let Some(rec) = self.store.get(model, *id) else {
                    continue;
                };
                let mut rids = domain::related_ids(rec.get(&f.name));
                if let Some(order) = sub.get("order").and_then(Value::as_str)
                    && let Some(cs) = self.schema(&comodel)
                {
                    let terms = self.parse_order(&cs, order)?;
                    let db = Db {
                        fx: self.env.fx,
                        store: self.store,
                    };
                    sort_ids(&db, &comodel, &terms, &mut rids);
                }
                if rids.iter().any(|rid| self.read_denied(&comodel, *rid)) {
                    if !v18 {
                        return Err(self.errors().access_error(&comodel));
                    }
                    rids.retain(|rid| !self.read_denied(&comodel, *rid));
                }
                read_whole
                    .entry(f.name.clone())
                    .or_default()
                    .extend(rids.iter().take(limit).copied());
                lists.insert((f.name.clone(), *id), rids);
            }
        }
        let mut out = Vec::new();
        for id in ids {
            let Some(rec) = self.store.get(model, *id).cloned() else {
                continue;
            };
            let mut row = Obj::new();
            row.insert("id".into(), Value::from(*id));
            for (f, sub) in &fields {
                let sub_fields = sub.get("fields").and_then(Value::as_object).cloned();
                let value = match (f.ftype, sub_fields) {
                    (FType::Many2one, Some(sub_spec)) => {
                        match rec.get(&f.name).and_then(domain::first_id) {
                            Some(rid) => {
                                let comodel = f.relation.clone().unwrap_or_default();
                                self.nested_one(&comodel, rid, &sub_spec)?
                            }
                            None => Value::Bool(false),
                        }
                    }
                    (FType::Many2one, None) => rec
                        .get(&f.name)
                        .and_then(domain::first_id)
                        .map(Value::from)
                        .unwrap_or(Value::Bool(false)),
                    (FType::One2many | FType::Many2many, Some(sub_spec)) => {
                        let comodel = f.relation.clone().unwrap_or_default();
                        let rids = lists.remove(&(f.name.clone(), *id)).unwrap_or_default();
                        let whole = read_whole.get(&f.name);
                        let mut items = Vec::new();
                        for rid in rids {
                            if whole.is_some_and(|w| w.contains(&rid)) {
                                items.push(self.nested_one(&comodel, rid, &sub_spec)?);
                            } else {
                                items.push(json!({ "id": rid }));
                            }
                        }
                        Value::Array(items)
                    }
                    (FType::Reference, Some(sub_spec)) => {
                        match self.reference_target(model, &rec, &f.name) {
                            None => Value::Bool(false),
                            Some((comodel, rid)) if self.read_denied(&comodel, rid) => {
                                if !v18 {
                                    return Err(self.errors().access_error(&comodel));
                                }
                                let mut placeholder = json!({
                                    "id": rid,
                                    "display_name": "You don't have access to this record",
                                });
                                if rec.get(&f.name).is_some_and(Value::is_string) {
                                    placeholder["id"] = json!({"id": rid, "model": comodel});
                                }
                                placeholder
                            }
                            Some((comodel, rid)) => {
                                let mut one = self.nested_one(&comodel, rid, &sub_spec)?;
                                if rec.get(&f.name).is_some_and(Value::is_string) {
                                    one["id"] = json!({"id": rid, "model": comodel});
                                }
                                one
                            }
                        }
                    }
                    _ => self.read_value(model, *id, &rec, f, true),
                };
                row.insert(f.name.clone(), value);
            }
            out.push(Value::Object(row));
        }
        Ok(Value::Array(out))
    }

    /// The record a reference (`"model,id"`) or many2one_reference (an id, its model in the
    /// field named by `model_field`) points to.
    pub(super) fn reference_target(
        &self,
        model: &str,
        rec: &Obj,
        field: &str,
    ) -> Option<(String, i64)> {
        match rec.get(field)? {
            Value::String(s) => {
                let (m, id) = s.rsplit_once(',')?;
                Some((m.trim().to_string(), id.trim().parse().ok()?))
            }
            v => {
                let id = v.as_i64().filter(|id| *id > 0)?;
                // 16 and 17 do not describe `model_field`; their fields name it as 18 does
                let described = self.env.fx.fields_get(model).and_then(|fields| {
                    let name = fields.get(field)?.get("model_field")?.as_str()?;
                    Some(name.to_string())
                });
                let comodel = match described {
                    Some(name) => rec.get(&name)?.as_str()?,
                    None => ["res_model", "model"]
                        .iter()
                        .find_map(|k| rec.get(*k).and_then(Value::as_str))?,
                };
                Some((comodel.to_string(), id))
            }
        }
    }

    /// One related record under a sub-specification (`{"id": .., field: ..}`), also for records
    /// the store does not hold (then only what is known of them: id and display name). Its
    /// `display_name` is read as superuser; only its other fields need the caller's access.
    pub(super) fn nested_one(
        &mut self,
        comodel: &str,
        rid: i64,
        sub_spec: &Obj,
    ) -> Result<Value, OdooError> {
        let name_only = sub_spec.keys().all(|k| k == "display_name");
        if self.store.get(comodel, rid).is_some() && !name_only {
            let rows = self.web_read(comodel, &[rid], sub_spec)?;
            if let Some(row) = rows.as_array().and_then(|r| r.first()) {
                return Ok(row.clone());
            }
        }
        let mut row = Obj::new();
        row.insert("id".into(), Value::from(rid));
        for (name, _) in sub_spec {
            if name == "display_name" {
                row.insert(
                    name.clone(),
                    Value::String(self.store.display_name(comodel, rid)),
                );
            } else {
                let f = self.schema(comodel).and_then(|s| s.field(name));
                row.insert(
                    name.clone(),
                    f.map(|f| f.ftype.empty_value())
                        .unwrap_or(Value::Bool(false)),
                );
            }
        }
        Ok(Value::Object(row))
    }
}
