//! `create`, `write` and `unlink`: values converted and checked as a real server does, x2many
//! commands applied.

use serde_json::{Value, json};

use crate::odoo::errors::{Errors, OdooError};
use crate::odoo::fixtures::Obj;
use crate::odoo::schema::{FType, FieldInfo, ModelSchema};
use crate::odoo::{dates, domain, pyrepr};

use super::{Orm, SERVER_DEFAULTED, SERVER_DEFAULTED_IN, ids_arg, obj, py_type};

impl Orm<'_> {
    /// Whether `create` must be given a value for `f` (the rule is documented in the README):
    /// required, stored, not computed/related, not readonly, of a type without an implicit
    /// value (relations, texts, dates), and not among the fields a server fills itself.
    pub(super) fn needs_value_on_create(model: &str, f: &FieldInfo) -> bool {
        f.required
            && f.store
            && !f.computed
            && !f.readonly
            && matches!(
                f.ftype,
                FType::Many2one
                    | FType::Char
                    | FType::Text
                    | FType::Html
                    | FType::Date
                    | FType::Datetime
                    | FType::Reference
            )
            && !SERVER_DEFAULTED.contains(&f.name.as_str())
            && !SERVER_DEFAULTED_IN.contains(&(model, f.name.as_str()))
    }

    /// Convert and check `vals` like Odoo's `convert_to_cache`; x2many commands are returned
    /// apart, to be applied once the record exists.
    pub(super) fn convert_vals(
        &self,
        schema: &ModelSchema,
        vals: Obj,
    ) -> Result<(Obj, Vec<(FieldInfo, Value)>), OdooError> {
        let model = &schema.model;
        let mut out = Obj::new();
        let mut x2many = Vec::new();
        for (name, value) in vals {
            if name == "id" {
                continue;
            }
            let Some(f) = schema.field(&name) else {
                return Err(self.errors().value_error(&format!(
                    "Invalid field {} on model {}",
                    pyrepr::str_repr(&name),
                    pyrepr::str_repr(model)
                )));
            };
            if f.ftype.is_x2many() {
                x2many.push((f, value));
                continue;
            }
            let converted = self.convert_value(model, &f, value)?;
            out.insert(name, converted);
        }
        Ok((out, x2many))
    }

    pub(super) fn convert_value(
        &self,
        model: &str,
        f: &FieldInfo,
        value: Value,
    ) -> Result<Value, OdooError> {
        let wrong = |v: &Value| {
            self.errors().value_error(&format!(
                "Wrong value for {model}.{}: {}",
                f.name,
                pyrepr::repr(v)
            ))
        };
        Ok(match f.ftype {
            FType::Integer => match &value {
                Value::Null | Value::Bool(false) => Value::from(0),
                Value::Bool(true) => Value::from(1),
                Value::Number(n) => Value::from(
                    n.as_i64()
                        .unwrap_or_else(|| n.as_f64().unwrap_or(0.0).trunc() as i64),
                ),
                Value::String(s) => match s.trim().parse::<i64>() {
                    Ok(i) => Value::from(i),
                    Err(_) => {
                        return Err(self.errors().value_error(&format!(
                            "invalid literal for int() with base 10: {}",
                            pyrepr::str_repr(s)
                        )));
                    }
                },
                other => {
                    return Err(self.type_error(format!(
                        "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                        py_type(other)
                    )));
                }
            },
            FType::Float | FType::Monetary => match &value {
                Value::Null | Value::Bool(false) => Value::from(0.0),
                Value::Bool(true) => Value::from(1.0),
                Value::Number(n) => Value::from(n.as_f64().unwrap_or(0.0)),
                Value::String(s) => match s.trim().parse::<f64>() {
                    Ok(x) => Value::from(x),
                    Err(_) => {
                        return Err(self.errors().value_error(&format!(
                            "could not convert string to float: {}",
                            pyrepr::str_repr(s)
                        )));
                    }
                },
                other => {
                    return Err(self.type_error(format!(
                        "float() argument must be a string or a real number, not '{}'",
                        py_type(other)
                    )));
                }
            },
            FType::Boolean => {
                Value::Bool(!domain::is_empty(&value) && value != json!(0) && value != json!({}))
            }
            FType::Char | FType::Text | FType::Html => match value {
                Value::Null | Value::Bool(false) => Value::Bool(false),
                Value::String(s) => Value::String(s),
                Value::Number(n) => Value::String(n.to_string()),
                other => Value::String(pyrepr::repr(&other)),
            },
            FType::Selection => match value {
                Value::Null | Value::Bool(false) => Value::Bool(false),
                Value::String(s)
                    if f.selection
                        .as_ref()
                        .is_none_or(|opts| opts.is_empty() || opts.contains(&s)) =>
                {
                    Value::String(s)
                }
                other => return Err(wrong(&other)),
            },
            FType::Date => match value {
                Value::Null | Value::Bool(false) => Value::Bool(false),
                Value::String(s) if dates::parse_date(&s).is_some() => {
                    Value::String(s[..10].to_string())
                }
                Value::String(s) => {
                    return Err(self.errors().value_error(&format!(
                        "time data {} does not match format '%Y-%m-%d'",
                        pyrepr::str_repr(&s)
                    )));
                }
                other => return Err(wrong(&other)),
            },
            FType::Datetime => match value {
                Value::Null | Value::Bool(false) => Value::Bool(false),
                Value::String(s) if s.len() == 10 && dates::parse_date(&s).is_some() => {
                    Value::String(format!("{s} 00:00:00"))
                }
                Value::String(s) if dates::valid_datetime(&s) => Value::String(s),
                Value::String(s) => {
                    return Err(self.errors().value_error(&format!(
                        "time data {} does not match format '%Y-%m-%d %H:%M:%S'",
                        pyrepr::str_repr(&s)
                    )));
                }
                other => return Err(wrong(&other)),
            },
            FType::Many2one => match &value {
                Value::Null | Value::Bool(false) => Value::Bool(false),
                Value::Number(n) if n.is_i64() => value.clone(),
                Value::Array(pair) if pair.first().is_some_and(Value::is_i64) => pair[0].clone(),
                other => return Err(wrong(other)),
            },
            _ => value,
        })
    }

    pub(super) fn check_required(
        &self,
        schema: &ModelSchema,
        vals: &Obj,
        creating: bool,
    ) -> Result<(), OdooError> {
        let Some(fields) = &schema.fields else {
            return Ok(());
        };
        for (name, desc) in fields.iter() {
            let f = FieldInfo::from_desc(name, desc);
            let given = vals.get(name);
            let missing = match given {
                Some(v) => {
                    domain::is_empty(v)
                        && f.required
                        && f.store
                        && !matches!(
                            f.ftype,
                            FType::Boolean | FType::Integer | FType::Float | FType::Monetary
                        )
                }
                None => creating && Self::needs_value_on_create(&schema.model, &f),
            };
            if missing {
                return Err(self
                    .errors()
                    .missing_required(&schema.model, name, &f.label));
            }
        }
        Ok(())
    }

    pub(crate) fn create(
        &mut self,
        model: &str,
        vals_list: Vec<Obj>,
    ) -> Result<Vec<i64>, OdooError> {
        let schema = self
            .schema(model)
            .ok_or_else(|| self.errors().unknown_model(self.env.via, model))?;
        // validate everything first: a failing create leaves nothing behind (one transaction)
        let mut prepared = Vec::with_capacity(vals_list.len());
        for vals in vals_list {
            self.check_write_fields("create", model, &vals)?;
            let (mut vals, x2many) = self.convert_vals(&schema, vals)?;
            self.check_required(&schema, &vals, true)?;
            if let Some(fields) = &schema.fields
                && fields.contains_key("active")
                && !vals.contains_key("active")
            {
                vals.insert("active".into(), Value::Bool(true));
            }
            prepared.push((vals, x2many));
        }
        let rows: Vec<(Option<i64>, Obj)> =
            prepared.iter().map(|(v, _)| (None, v.clone())).collect();
        crate::odoo::constraints::check_unique(self, model, &rows)?;
        let mut ids = Vec::with_capacity(prepared.len());
        for (mut vals, x2many) in prepared {
            self.compute_names(model, &schema, None, &mut vals);
            let id = self.store.put(model, vals);
            let rec = self.store.get(model, id).cloned();
            self.store
                .sync_inverse(self.env.fx, model, id, None, rec.as_ref());
            for (f, cmds) in x2many {
                self.apply_x2many(model, id, &f, &cmds)?;
            }
            ids.push(id);
        }
        Ok(ids)
    }

    /// Keep `complete_name` in step with `name` (and a contact's parent), since it is what
    /// models like res.partner order and display by. Odoo 16's res.partner has no
    /// `complete_name` but a stored `display_name` computed the same way.
    pub(super) fn compute_names(
        &self,
        model: &str,
        schema: &ModelSchema,
        old: Option<&Obj>,
        vals: &mut Obj,
    ) {
        let Some(fields) = &schema.fields else { return };
        let target = if fields.contains_key("complete_name") {
            "complete_name"
        } else if fields
            .get("display_name")
            .and_then(|d| d.get("store"))
            .and_then(Value::as_bool)
            == Some(true)
        {
            "display_name"
        } else {
            return;
        };
        if vals.contains_key(target) {
            return;
        }
        if !vals.contains_key("name")
            && !vals.contains_key("parent_id")
            && !vals.contains_key("is_company")
        {
            return;
        }
        let get = |k: &str| vals.get(k).or_else(|| old.and_then(|o| o.get(k))).cloned();
        let Some(Value::String(name)) = get("name") else {
            return;
        };
        let parent = get("parent_id").as_ref().and_then(domain::first_id);
        let is_company = get("is_company") == Some(Value::Bool(true));
        let complete = match parent {
            Some(pid) if model == "res.partner" && !is_company => {
                format!("{}, {name}", self.store.display_name(model, pid))
            }
            Some(pid) if model != "res.partner" => {
                format!("{} / {name}", self.store.display_name(model, pid))
            }
            _ => name,
        };
        vals.insert(target.into(), Value::String(complete));
    }

    pub(super) fn write(&mut self, model: &str, ids: &[i64], vals: Obj) -> Result<(), OdooError> {
        let schema = self
            .schema(model)
            .ok_or_else(|| self.errors().unknown_model(self.env.via, model))?;
        self.check_write_fields("write", model, &vals)?;
        for id in ids {
            if self.store.get(model, *id).is_none() {
                return Err(self
                    .errors()
                    .missing(self.env.via, model, *id, self.env.uid));
            }
        }
        let (vals, x2many) = self.convert_vals(&schema, vals)?;
        self.check_required(&schema, &vals, false)?;
        crate::odoo::constraints::check_unique_write(self, model, ids, &vals)?;
        if model == "res.partner"
            && let Some(parent) = vals.get("parent_id").and_then(domain::first_id)
        {
            for id in ids {
                if self.is_ancestor_or_self(model, *id, parent) {
                    return Err(self.errors().validation_error(
                        self.env.via,
                        "You cannot create recursive Partner hierarchies.",
                    ));
                }
            }
        }
        for id in ids {
            let old = self.store.get(model, *id).cloned();
            let mut vals = vals.clone();
            self.compute_names(model, &schema, old.as_ref(), &mut vals);
            let data = self.store.model_mut(model);
            if let Some(rec) = data.records.get_mut(id) {
                if vals.contains_key("name")
                    || vals.contains_key("complete_name")
                    || vals.contains_key("parent_id")
                {
                    rec.remove("display_name");
                }
                for (k, v) in &vals {
                    rec.insert(k.clone(), v.clone());
                }
            }
            data.touch();
            let new = self.store.get(model, *id).cloned();
            self.store
                .sync_inverse(self.env.fx, model, *id, old.as_ref(), new.as_ref());
            for (f, cmds) in &x2many {
                self.apply_x2many(model, *id, f, cmds)?;
            }
        }
        Ok(())
    }

    /// Whether `candidate` is `id` or one of its descendants' ... ancestors chain reaches `id`.
    pub(super) fn is_ancestor_or_self(&self, model: &str, id: i64, candidate: i64) -> bool {
        let mut current = Some(candidate);
        let mut steps = 0;
        while let Some(c) = current {
            if c == id {
                return true;
            }
            steps += 1;
            if steps > 1000 {
                return true;
            }
            current = self
                .store
                .get(model, c)
                .and_then(|r| r.get("parent_id"))
                .and_then(domain::first_id);
        }
        false
    }

    /// Apply x2many commands (`[0, 0, vals]`, `[6, 0, ids]`, ... or a plain id list).
    pub(super) fn apply_x2many(
        &mut self,
        model: &str,
        id: i64,
        f: &FieldInfo,
        cmds: &Value,
    ) -> Result<(), OdooError> {
        let fx = self.env.fx;
        let wrong = || {
            Errors { fx }.value_error(&format!(
                "Wrong value for {model}.{}: {}",
                f.name,
                pyrepr::repr(cmds)
            ))
        };
        let comodel = f.relation.clone().unwrap_or_default();
        let mut current: Vec<i64> =
            domain::related_ids(self.store.get(model, id).and_then(|r| r.get(&f.name)));
        // a bare list of ids replaces the value (`Command.set`)
        if let Value::Array(items) = cmds
            && !items.is_empty()
            && items.iter().all(Value::is_i64)
        {
            let ids: Vec<i64> = items.iter().filter_map(Value::as_i64).collect();
            return self.set_x2many(model, id, f, ids);
        }
        let Value::Array(items) = cmds else {
            if domain::is_empty(cmds) {
                current.clear();
                return self.set_x2many(model, id, f, current);
            }
            return Err(wrong());
        };
        for item in items {
            match item {
                Value::Number(n) => {
                    if let Some(i) = n.as_i64()
                        && !current.contains(&i)
                    {
                        current.push(i);
                    }
                }
                Value::Array(cmd) => {
                    let code = cmd.first().and_then(Value::as_i64).ok_or_else(wrong)?;
                    let target = cmd.get(1).and_then(Value::as_i64).unwrap_or(0);
                    match code {
                        0 => {
                            let mut vals = obj(cmd.get(2).cloned().unwrap_or(Value::Null));
                            if f.ftype == FType::One2many
                                && let Some(inverse) = &f.relation_field
                            {
                                vals.insert(inverse.clone(), Value::from(id));
                            }
                            let new_id = self.create(&comodel, vec![vals])?[0];
                            current.push(new_id);
                        }
                        1 => {
                            let vals = obj(cmd.get(2).cloned().unwrap_or(Value::Null));
                            self.write(&comodel, &[target], vals)?;
                        }
                        2 => {
                            current.retain(|x| *x != target);
                            self.unlink(&comodel, &[target])?;
                        }
                        3 => current.retain(|x| *x != target),
                        4 => {
                            if !current.contains(&target) {
                                current.push(target);
                            }
                        }
                        5 => current.clear(),
                        6 => {
                            current = cmd.get(2).and_then(ids_arg).ok_or_else(wrong)?;
                        }
                        _ => return Err(wrong()),
                    }
                }
                _ => return Err(wrong()),
            }
        }
        self.set_x2many(model, id, f, current)
    }

    pub(super) fn set_x2many(
        &mut self,
        model: &str,
        id: i64,
        f: &FieldInfo,
        ids: Vec<i64>,
    ) -> Result<(), OdooError> {
        let data = self.store.model_mut(model);
        if let Some(rec) = data.records.get_mut(&id) {
            rec.insert(f.name.clone(), json!(ids));
        }
        data.touch();
        Ok(())
    }

    pub(super) fn unlink(&mut self, model: &str, ids: &[i64]) -> Result<(), OdooError> {
        if model == "sale.order" {
            for id in ids {
                let state = self
                    .store
                    .get(model, *id)
                    .and_then(|r| r.get("state"))
                    .and_then(Value::as_str);
                if state.is_some_and(|s| s != "draft" && s != "cancel") {
                    return Err(self.errors().user_error(
                        self.env.via,
                        "You can not delete a sent quotation or a confirmed sales order. You must first cancel it.",
                    ));
                }
            }
        }
        for id in ids {
            let old = self.store.model_mut(model).records.remove(id);
            if old.is_some() {
                self.store
                    .sync_inverse(self.env.fx, model, *id, old.as_ref(), None);
            }
        }
        self.store.model_mut(model).touch();
        Ok(())
    }
}
