//! `read_group` and `formatted_read_group` (19): groups, their aggregates and their order.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::odoo::errors::OdooError;
use crate::odoo::fixtures::Obj;
use crate::odoo::schema::{FType, FieldInfo};
use crate::odoo::{dates, domain, pyrepr};

use super::{Orm, strings};

impl Orm<'_> {
    pub(super) fn group_rows(
        &mut self,
        model: &str,
        domain: &Value,
        groupby: &[String],
        aggs: &[Agg],
        active_test: bool,
    ) -> Result<Vec<Group>, OdooError> {
        let schema = self
            .schema(model)
            .ok_or_else(|| self.errors().unknown_model(self.env.via, model))?;
        let mut specs = Vec::new();
        for gb in groupby {
            let (name, gran) = match gb.split_once(':') {
                Some((n, g)) => (n, Some(g.to_string())),
                None => (gb.as_str(), None),
            };
            let Some(f) = schema.field(name) else {
                return Err(self.errors().value_error(&format!(
                    "Invalid field {} on model {}",
                    pyrepr::str_repr(name),
                    pyrepr::str_repr(model)
                )));
            };
            let gran = match f.ftype {
                FType::Date | FType::Datetime => Some(gran.unwrap_or_else(|| "month".into())),
                _ => None,
            };
            specs.push((gb.clone(), f, gran));
        }
        for a in aggs {
            if a.field != "__count" && schema.field(&a.field).is_none() {
                return Err(self.errors().value_error(&format!(
                    "Invalid field {} on model {}",
                    pyrepr::str_repr(&a.field),
                    pyrepr::str_repr(model)
                )));
            }
        }
        let ids = self.search_all(model, domain, Some("id"), active_test)?;
        let mut groups: BTreeMap<Vec<GroupKey>, Group> = BTreeMap::new();
        for id in ids.iter() {
            let Some(rec) = self.store.get(model, *id) else {
                continue;
            };
            let mut key = Vec::with_capacity(specs.len());
            let mut values = Vec::with_capacity(specs.len());
            for (gb, f, gran) in &specs {
                let (k, v) = self.group_value(f, gran.as_deref(), rec, *id);
                key.push(k);
                values.push((gb.clone(), f.clone(), gran.clone(), v));
            }
            let g = groups.entry(key).or_insert_with(|| Group {
                values,
                ids: Vec::new(),
            });
            g.ids.push(*id);
        }
        Ok(groups.into_values().collect())
    }

    /// The group of one record for one groupby: a sort key, and (value, domain leaves).
    pub(super) fn group_value(
        &self,
        f: &FieldInfo,
        gran: Option<&str>,
        rec: &Obj,
        id: i64,
    ) -> (GroupKey, GroupVal) {
        let raw = if f.ftype == FType::Id {
            Some(Value::from(id))
        } else {
            rec.get(&f.name).cloned()
        };
        let empty = raw.as_ref().is_none_or(domain::is_empty);
        if empty {
            return (GroupKey::Null, GroupVal::Empty);
        }
        let raw = raw.unwrap_or(Value::Null);
        match (f.ftype, gran) {
            (FType::Date | FType::Datetime, Some(g)) => {
                let Some(date) = raw.as_str().and_then(dates::parse_date) else {
                    return (GroupKey::Null, GroupVal::Empty);
                };
                let (start, end, label) = dates::bucket(date, g);
                let fmt = |d| {
                    if f.ftype == FType::Datetime {
                        format!("{} 00:00:00", dates::fmt_date(d))
                    } else {
                        dates::fmt_date(d)
                    }
                };
                (
                    GroupKey::Str(dates::fmt_date(start)),
                    GroupVal::Range {
                        from: fmt(start),
                        to: fmt(end),
                        label,
                    },
                )
            }
            (FType::Many2one, _) => {
                let rid = domain::first_id(&raw).unwrap_or(0);
                let name = self
                    .store
                    .display_name(f.relation.as_deref().unwrap_or(""), rid);
                (
                    GroupKey::Str(format!("{}\u{0}{rid:020}", name.to_lowercase())),
                    GroupVal::Many2one(rid, name),
                )
            }
            _ => {
                let key = match &raw {
                    Value::Number(n) => GroupKey::Num(OrdF64(n.as_f64().unwrap_or(0.0))),
                    Value::Bool(b) => GroupKey::Num(OrdF64(if *b { 1.0 } else { 0.0 })),
                    other => GroupKey::Str(
                        other
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| other.to_string()),
                    ),
                };
                (key, GroupVal::Plain(raw))
            }
        }
    }

    pub(super) fn aggregate(&self, model: &str, ids: &[i64], a: &Agg) -> Value {
        if a.field == "__count" || a.func == "count" && a.field == "id" {
            return Value::from(ids.len());
        }
        let f = self.schema(model).and_then(|s| s.field(&a.field));
        let is_int = f.as_ref().is_some_and(|f| f.ftype == FType::Integer);
        let vals: Vec<Value> = ids
            .iter()
            .filter_map(|id| {
                if a.field == "id" {
                    return Some(Value::from(*id));
                }
                self.store
                    .get(model, *id)
                    .and_then(|r| r.get(&a.field))
                    .cloned()
            })
            .filter(|v| !v.is_null())
            .collect();
        let nums: Vec<f64> = vals
            .iter()
            .filter_map(|v| v.as_f64().or_else(|| v.as_bool().map(|b| b as i64 as f64)))
            .collect();
        let num = |x: f64| {
            if is_int {
                Value::from(x as i64)
            } else {
                Value::from(x)
            }
        };
        match a.func.as_str() {
            "sum" => num(nums.iter().sum()),
            "avg" => {
                if nums.is_empty() {
                    Value::Bool(false)
                } else {
                    Value::from(nums.iter().sum::<f64>() / nums.len() as f64)
                }
            }
            "max" => nums
                .iter()
                .copied()
                .reduce(f64::max)
                .map(num)
                .unwrap_or(Value::Bool(false)),
            "min" => nums
                .iter()
                .copied()
                .reduce(f64::min)
                .map(num)
                .unwrap_or(Value::Bool(false)),
            "count" => Value::from(vals.iter().filter(|v| !domain::is_empty(v)).count()),
            "count_distinct" => {
                let mut seen: Vec<String> = vals
                    .iter()
                    .filter(|v| !domain::is_empty(v))
                    .map(|v| v.to_string())
                    .collect();
                seen.sort();
                seen.dedup();
                Value::from(seen.len())
            }
            "bool_and" => Value::Bool(vals.iter().all(|v| v.as_bool().unwrap_or(false))),
            "bool_or" => Value::Bool(vals.iter().any(|v| v.as_bool().unwrap_or(false))),
            "array_agg" => Value::Array(vals),
            _ => num(nums.iter().sum()),
        }
    }

    pub(super) fn parse_aggs(&self, model: &str, specs: &[String], formatted: bool) -> Vec<Agg> {
        let schema = self.schema(model);
        let mut out = Vec::new();
        for spec in specs {
            if spec == "__count" {
                out.push(Agg {
                    key: spec.clone(),
                    field: "__count".into(),
                    func: "count".into(),
                });
                continue;
            }
            // "alias:func(field)", "field:func", or "field" (its default aggregator)
            let (left, right) = match spec.split_once(':') {
                Some((l, r)) => (l.to_string(), Some(r.to_string())),
                None => (spec.clone(), None),
            };
            let (field, func) = match right {
                Some(r) => match r.split_once('(') {
                    Some((func, rest)) => {
                        (rest.trim_end_matches(')').to_string(), func.to_string())
                    }
                    None => (left.clone(), r),
                },
                None => {
                    let agg = schema.as_ref().and_then(|s| s.field(&left)).and_then(|f| {
                        f.aggregator
                            .clone()
                            .or_else(|| f.ftype.is_numeric().then(|| "sum".to_string()))
                    });
                    match agg {
                        Some(a) if left != "id" => (left.clone(), a),
                        _ => continue,
                    }
                }
            };
            let key = if formatted { spec.clone() } else { left };
            out.push(Agg { key, field, func });
        }
        out
    }

    pub(super) fn read_group(
        &mut self,
        model: &str,
        p: &Obj,
        active_test: bool,
    ) -> Result<Value, OdooError> {
        let domain = p.get("domain").cloned().unwrap_or(Value::Array(vec![]));
        let fields = strings(p.get("fields"));
        let mut groupby = strings(p.get("groupby"));
        let lazy = p.get("lazy").and_then(Value::as_bool).unwrap_or(true);
        let rest: Vec<String> = if lazy && groupby.len() > 1 {
            groupby.split_off(1)
        } else {
            Vec::new()
        };
        let aggs: Vec<Agg> = self
            .parse_aggs(model, &fields, false)
            .into_iter()
            .filter(|a| {
                !groupby
                    .iter()
                    .any(|g| g.split(':').next() == Some(a.key.as_str()))
            })
            .collect();
        let mut groups = self.group_rows(model, &domain, &groupby, &aggs, active_test)?;
        apply_group_order(&mut groups, p.get("orderby").and_then(Value::as_str));
        let offset = p.get("offset").and_then(Value::as_u64).unwrap_or(0) as usize;
        let limit = p.get("limit").and_then(Value::as_u64).map(|l| l as usize);
        let mut out = Vec::new();
        for g in groups.iter().skip(offset).take(limit.unwrap_or(usize::MAX)) {
            let mut row = Obj::new();
            let mut leaves = Vec::new();
            let mut ranges = Obj::new();
            for (gb, f, _gran, v) in &g.values {
                let (value, mut dom) = v.render(&f.name, false);
                row.insert(gb.clone(), value);
                leaves.append(&mut dom);
                if let GroupVal::Range { from, to, .. } = v {
                    ranges.insert(gb.clone(), json!({"from": from, "to": to}));
                }
            }
            if lazy {
                let count_key = format!(
                    "{}_count",
                    groupby
                        .first()
                        .map(|g| g.split(':').next().unwrap_or(g))
                        .unwrap_or("__")
                );
                row.insert(count_key, Value::from(g.ids.len()));
            } else {
                row.insert("__count".into(), Value::from(g.ids.len()));
            }
            for a in &aggs {
                row.insert(a.key.clone(), self.aggregate(model, &g.ids, a));
            }
            row.insert("__domain".into(), and_domains(leaves, &domain));
            if !ranges.is_empty() {
                row.insert("__range".into(), Value::Object(ranges));
            }
            if lazy && !rest.is_empty() {
                row.insert("__context".into(), json!({"group_by": rest}));
            }
            out.push(Value::Object(row));
        }
        Ok(Value::Array(out))
    }

    pub(super) fn formatted_read_group(
        &mut self,
        model: &str,
        p: &Obj,
        active_test: bool,
    ) -> Result<Value, OdooError> {
        let domain = p.get("domain").cloned().unwrap_or(Value::Array(vec![]));
        let groupby = strings(p.get("groupby"));
        let aggs = self.parse_aggs(model, &strings(p.get("aggregates")), true);
        let mut groups = self.group_rows(model, &domain, &groupby, &aggs, active_test)?;
        apply_group_order(&mut groups, p.get("order").and_then(Value::as_str));
        let offset = p.get("offset").and_then(Value::as_u64).unwrap_or(0) as usize;
        let limit = p.get("limit").and_then(Value::as_u64).map(|l| l as usize);
        let mut out = Vec::new();
        for g in groups.iter().skip(offset).take(limit.unwrap_or(usize::MAX)) {
            let mut row = Obj::new();
            let mut leaves = Vec::new();
            for (gb, f, _gran, v) in &g.values {
                let (value, mut dom) = v.render(&f.name, true);
                row.insert(gb.clone(), value);
                leaves.append(&mut dom);
            }
            for a in &aggs {
                row.insert(a.key.clone(), self.aggregate(model, &g.ids, a));
            }
            row.insert("__extra_domain".into(), Value::Array(leaves));
            out.push(Value::Object(row));
        }
        Ok(Value::Array(out))
    }
}

/// `expression.AND([group_leaves, domain])`.
pub(super) fn and_domains(leaves: Vec<Value>, domain: &Value) -> Value {
    let extra: Vec<Value> = domain.as_array().cloned().unwrap_or_default();
    if extra.is_empty() {
        return Value::Array(leaves);
    }
    let mut out: Vec<Value> = Vec::new();
    let n_leaves = leaves.len();
    // leaves are all plain conditions; AND them with the (normalized) domain
    for _ in 0..n_leaves {
        out.push(Value::String("&".into()));
    }
    out.extend(leaves);
    out.extend(normalize(extra));
    Value::Array(out)
}

/// Make implicit ANDs explicit (`expression.normalize_domain`).
pub(super) fn normalize(domain: Vec<Value>) -> Vec<Value> {
    let mut expected = 1i64;
    let mut out = Vec::new();
    for token in domain {
        if expected == 0 {
            out.insert(0, Value::String("&".into()));
            expected = 1;
        }
        match token.as_str() {
            Some("&") | Some("|") => expected += 1,
            Some("!") => {}
            _ => expected -= 1,
        }
        out.push(token);
    }
    out
}

pub(super) fn apply_group_order(groups: &mut [Group], orderby: Option<&str>) {
    let Some(orderby) = orderby.map(str::trim).filter(|o| !o.is_empty()) else {
        return;
    };
    if orderby.to_ascii_lowercase().ends_with(" desc") {
        groups.reverse();
    }
}

pub(super) struct Agg {
    key: String,
    field: String,
    func: String,
}

pub(super) struct Group {
    values: Vec<(String, FieldInfo, Option<String>, GroupVal)>,
    ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct OrdF64(f64);
impl Eq for OrdF64 {}
impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Sort key of a group value: values first, the empty group last.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum GroupKey {
    Num(OrdF64),
    Str(String),
    Null,
}

pub(super) enum GroupVal {
    Empty,
    Plain(Value),
    Many2one(i64, String),
    Range {
        from: String,
        to: String,
        label: String,
    },
}

impl GroupVal {
    /// The group's value and its domain leaves.
    fn render(&self, field: &str, formatted: bool) -> (Value, Vec<Value>) {
        match self {
            GroupVal::Empty => (Value::Bool(false), vec![json!([field, "=", false])]),
            GroupVal::Plain(v) => (v.clone(), vec![json!([field, "=", v])]),
            GroupVal::Many2one(id, name) => (json!([id, name]), vec![json!([field, "=", id])]),
            GroupVal::Range { from, to, label } => {
                let value = if formatted {
                    json!([from, label])
                } else {
                    Value::String(label.clone())
                };
                (
                    value,
                    vec![
                        json!("&"),
                        json!([field, ">=", from]),
                        json!([field, "<", to]),
                    ],
                )
            }
        }
    }
}
