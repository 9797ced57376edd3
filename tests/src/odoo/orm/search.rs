//! `search` and `search_read`'s ordering and paging: domains evaluated over the store, `order`
//! parsed and applied.

use std::cmp::Ordering;
use std::sync::Arc;

use serde_json::Value;

use crate::odoo::domain::{Eval, Node};
use crate::odoo::errors::OdooError;
use crate::odoo::schema::{FType, FieldInfo, ModelSchema};
use crate::odoo::store::{Db, record_display_name};
use crate::odoo::{domain, pyrepr};

use super::Orm;

impl Orm<'_> {
    /// The ids matching `domain`, ordered, paged.
    pub(crate) fn search(
        &mut self,
        model: &str,
        domain: &Value,
        order: Option<&str>,
        offset: i64,
        limit: Option<i64>,
        active_test: bool,
    ) -> Result<Vec<i64>, OdooError> {
        let all = self.search_all(model, domain, order, active_test)?;
        let all = self.visible(model, all);
        let offset = offset.max(0) as usize;
        // `limit` 0, false or none: no limit (Odoo tests `if limit:`)
        let end = match limit {
            Some(l) if l > 0 => offset.saturating_add(l as usize),
            _ => usize::MAX,
        };
        Ok(all
            .get(offset.min(all.len())..end.min(all.len()))
            .map(<[i64]>::to_vec)
            .unwrap_or_default())
    }

    /// `true` when a record rule hides this record from the caller ([`FakeOdoo::deny_read`]).
    ///
    /// [`FakeOdoo::deny_read`]: super::FakeOdoo::deny_read
    pub(super) fn read_denied(&self, model: &str, id: i64) -> bool {
        !self.env.is_admin
            && !self.store.read_denied.is_empty()
            && self.store.read_denied.contains(&(model.to_string(), id))
    }

    /// `ids` without the records the caller may not read (a search applies record rules).
    pub(super) fn visible(&self, model: &str, ids: Arc<Vec<i64>>) -> Arc<Vec<i64>> {
        if self.env.is_admin || self.store.read_denied.is_empty() {
            return ids;
        }
        Arc::new(
            ids.iter()
                .copied()
                .filter(|id| !self.read_denied(model, *id))
                .collect(),
        )
    }

    /// Every id matching `domain`, ordered (cached per store generation, for paging).
    pub(super) fn search_all(
        &mut self,
        model: &str,
        domain: &Value,
        order: Option<&str>,
        active_test: bool,
    ) -> Result<Arc<Vec<i64>>, OdooError> {
        let schema = self
            .schema(model)
            .ok_or_else(|| self.errors().unknown_model(self.env.via, model))?;
        let order = match order.map(str::trim).filter(|o| !o.is_empty()) {
            Some(o) => o.to_string(),
            None => self.env.fx.model_order(model),
        };
        let terms = self.parse_order(&schema, &order)?;
        let use_active = active_test
            && schema
                .fields
                .as_ref()
                .is_some_and(|f| f.contains_key("active"))
            && !domain::mentions(domain, "active");
        let key = format!(
            "{}|{}|{}",
            serde_json::to_string(domain).unwrap_or_default(),
            order,
            use_active
        );
        if let Some(found) = self.store.models.get(model).and_then(|m| m.cached(&key)) {
            return Ok(found);
        }
        let ids = {
            let db = Db {
                fx: self.env.fx,
                store: self.store,
            };
            let compiled = domain::compile(&db, model, domain).map_err(|e| self.domain_error(e))?;
            let node = if use_active {
                Node::And(vec![Node::Active, compiled])
            } else {
                compiled
            };
            let eval = Eval { db: &db };
            let mut ids: Vec<i64> = match self.store.records(model) {
                Some(records) => records
                    .iter()
                    .filter(|(id, rec)| eval.matches(&node, **id, rec))
                    .map(|(id, _)| *id)
                    .collect(),
                None => Vec::new(),
            };
            sort_ids(&db, model, &terms, &mut ids);
            ids
        };
        let ids = Arc::new(ids);
        self.store.model_mut(model).remember(key, ids.clone());
        Ok(ids)
    }

    pub(super) fn parse_order(
        &self,
        schema: &ModelSchema,
        order: &str,
    ) -> Result<Vec<OrderTerm>, OdooError> {
        let mut terms = Vec::new();
        for part in order.split(',') {
            let words: Vec<&str> = part.split_whitespace().collect();
            let bad = || {
                self.errors().value_error(&format!(
                    "Invalid \"order\" specified ({order}). A valid \"order\" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)"
                ))
            };
            let Some(first) = words.first() else {
                return Err(bad());
            };
            let name = first.trim_matches('"');
            let name = name.strip_suffix(".id").unwrap_or(name);
            let name = name.split(':').next().unwrap_or(name);
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || name.is_empty() {
                return Err(bad());
            }
            let rest: Vec<String> = words[1..].iter().map(|w| w.to_ascii_lowercase()).collect();
            let (desc, nulls) = match rest
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .as_slice()
            {
                [] => (false, None),
                ["asc"] => (false, None),
                ["desc"] => (true, None),
                ["nulls", "first"] => (false, Some(true)),
                ["nulls", "last"] => (false, Some(false)),
                ["asc", "nulls", "first"] => (false, Some(true)),
                ["asc", "nulls", "last"] => (false, Some(false)),
                ["desc", "nulls", "first"] => (true, Some(true)),
                ["desc", "nulls", "last"] => (true, Some(false)),
                _ => return Err(bad()),
            };
            let Some(field) = schema.field(name) else {
                return Err(self.errors().value_error(&format!(
                    "Invalid field {} on model {}",
                    pyrepr::str_repr(name),
                    pyrepr::str_repr(&schema.model)
                )));
            };
            // PostgreSQL: NULLs sort as if larger than any value
            let nulls_first = nulls.unwrap_or(desc);
            terms.push(OrderTerm {
                field,
                desc,
                nulls_first,
            });
        }
        Ok(terms)
    }
}

/// One `order` term.
pub(crate) struct OrderTerm {
    pub field: FieldInfo,
    pub desc: bool,
    pub nulls_first: bool,
}

#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub(super) enum SortVal {
    Num(f64),
    Str(String, String),
}

/// Sort `ids` by `terms` (then by id, for a stable answer).
pub(crate) fn sort_ids(db: &Db, model: &str, terms: &[OrderTerm], ids: &mut Vec<i64>) {
    if terms.len() == 1 && terms[0].field.ftype == FType::Id {
        if terms[0].desc {
            ids.sort_unstable_by(|a, b| b.cmp(a));
        } else {
            ids.sort_unstable();
        }
        return;
    }
    let key_of = |id: i64| -> Vec<Option<SortVal>> {
        let rec = db.store.get(model, id);
        terms
            .iter()
            .map(|t| {
                let f = &t.field;
                if f.ftype == FType::Id {
                    return Some(SortVal::Num(id as f64));
                }
                let rec = rec?;
                if f.name == "display_name" {
                    let s = record_display_name(model, id, rec);
                    return Some(SortVal::Str(s.to_lowercase(), s));
                }
                let raw = rec.get(&f.name)?;
                match f.ftype {
                    FType::Many2one => {
                        let rid = domain::first_id(raw)?;
                        let s = db
                            .store
                            .display_name(f.relation.as_deref().unwrap_or(""), rid);
                        Some(SortVal::Str(s.to_lowercase(), s))
                    }
                    FType::Boolean => Some(SortVal::Num(if raw.as_bool() == Some(true) {
                        1.0
                    } else {
                        0.0
                    })),
                    _ => match raw {
                        Value::Number(n) => n.as_f64().map(SortVal::Num),
                        Value::String(s) if !s.is_empty() => {
                            Some(SortVal::Str(s.to_lowercase(), s.clone()))
                        }
                        _ => None,
                    },
                }
            })
            .collect()
    };
    let mut keyed: Vec<(Vec<Option<SortVal>>, i64)> =
        ids.iter().map(|id| (key_of(*id), *id)).collect();
    keyed.sort_by(|(ka, ia), (kb, ib)| {
        for (t, (a, b)) in terms.iter().zip(ka.iter().zip(kb.iter())) {
            let ord = match (a, b) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => {
                    if t.nulls_first {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    }
                }
                (Some(_), None) => {
                    if t.nulls_first {
                        Ordering::Greater
                    } else {
                        Ordering::Less
                    }
                }
                (Some(x), Some(y)) => {
                    let o = x.partial_cmp(y).unwrap_or(Ordering::Equal);
                    if t.desc { o.reverse() } else { o }
                }
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        ia.cmp(ib)
    });
    *ids = keyed.into_iter().map(|(_, id)| id).collect();
}
