//! Odoo search domains: Polish-notation lists of leaves, compiled once per request against the
//! model's fields, then evaluated against stored records.

use std::cmp::Ordering;
use std::collections::HashSet;

use serde_json::Value;

use super::fixtures::Obj;
use super::pyrepr;
use super::schema::{FType, FieldInfo};
use super::store::Db;

/// Why a domain could not be compiled.
#[derive(Debug)]
pub(crate) enum DomainError {
    /// `Invalid field res.partner.x in leaf (...)`.
    InvalidField {
        model: String,
        field: String,
        leaf: String,
    },
    /// Any other malformed domain (a `ValueError` in Odoo).
    Invalid(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    EqOpt,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Like,
    NotLike,
    ILike,
    NotILike,
    EqLike,
    EqILike,
    ChildOf,
    ParentOf,
    Any,
    NotAny,
}

impl Op {
    fn parse(s: &str) -> Option<Op> {
        Some(match s.to_ascii_lowercase().as_str() {
            "=" | "==" => Op::Eq,
            "=?" => Op::EqOpt,
            "!=" | "<>" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "in" => Op::In,
            "not in" => Op::NotIn,
            "like" => Op::Like,
            "not like" => Op::NotLike,
            "ilike" => Op::ILike,
            "not ilike" => Op::NotILike,
            "=like" => Op::EqLike,
            "=ilike" => Op::EqILike,
            "child_of" => Op::ChildOf,
            "parent_of" => Op::ParentOf,
            "any" => Op::Any,
            "not any" => Op::NotAny,
            _ => return None,
        })
    }
}

/// One compiled condition.
#[derive(Debug)]
pub(crate) struct Leaf {
    /// The field of each path segment, with the model it belongs to.
    pub path: Vec<(String, FieldInfo)>,
    pub op: Op,
    pub value: Value,
    /// The sub-domain of `any` / `not any`, compiled on the comodel.
    pub sub: Option<Box<Node>>,
}

#[derive(Debug)]
pub(crate) enum Node {
    Const(bool),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Leaf(Leaf),
    /// `active_test`: the record is not archived.
    Active,
}

/// Compile `domain` (a JSON list, or `null`/`false` for "everything") for `model`.
pub(crate) fn compile(db: &Db, model: &str, domain: &Value) -> Result<Node, DomainError> {
    let items: &[Value] = match domain {
        Value::Null | Value::Bool(false) => &[],
        Value::Array(items) => items,
        other => {
            return Err(DomainError::Invalid(format!(
                "Invalid domain {}",
                pyrepr::repr(other)
            )));
        }
    };
    let mut stack: Vec<Node> = Vec::new();
    for item in items.iter().rev() {
        match item {
            Value::String(op) if op == "&" || op == "|" => {
                let (Some(a), Some(b)) = (stack.pop(), stack.pop()) else {
                    return Err(DomainError::Invalid(format!(
                        "Invalid domain {}",
                        pyrepr::repr(domain)
                    )));
                };
                stack.push(if op == "&" {
                    Node::And(vec![a, b])
                } else {
                    Node::Or(vec![a, b])
                });
            }
            Value::String(op) if op == "!" => {
                let Some(a) = stack.pop() else {
                    return Err(DomainError::Invalid(format!(
                        "Invalid domain {}",
                        pyrepr::repr(domain)
                    )));
                };
                stack.push(Node::Not(Box::new(a)));
            }
            Value::Array(leaf) if leaf.len() == 3 => stack.push(compile_leaf(db, model, leaf)?),
            other => {
                return Err(DomainError::Invalid(format!(
                    "Invalid leaf {}",
                    pyrepr::repr(other)
                )));
            }
        }
    }
    stack.reverse();
    Ok(match stack.len() {
        0 => Node::Const(true),
        1 => stack.pop().unwrap_or(Node::Const(true)),
        _ => Node::And(stack),
    })
}

fn compile_leaf(db: &Db, model: &str, leaf: &[Value]) -> Result<Node, DomainError> {
    let leaf_repr = || pyrepr::tuple_repr(leaf);
    // TRUE_LEAF (1, '=', 1) and FALSE_LEAF (0, '=', 1)
    if let (Some(l), Some("="), Some(r)) = (leaf[0].as_i64(), leaf[1].as_str(), leaf[2].as_i64()) {
        return Ok(Node::Const(l == r));
    }
    let Some(path) = leaf[0].as_str() else {
        return Err(DomainError::Invalid(format!(
            "Invalid leaf {}",
            leaf_repr()
        )));
    };
    let Some(op) = leaf[1].as_str().and_then(Op::parse) else {
        return Err(DomainError::Invalid(format!(
            "Invalid leaf {}",
            leaf_repr()
        )));
    };
    let mut segments = Vec::new();
    let mut current = model.to_string();
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let schema = db.schema(&current);
        let field = schema.as_ref().and_then(|s| s.field(part));
        let Some(field) = field else {
            return Err(DomainError::InvalidField {
                model: current.clone(),
                field: part.to_string(),
                leaf: leaf_repr(),
            });
        };
        let next = field.relation.clone();
        segments.push((current.clone(), field));
        if i + 1 < parts.len() {
            match next {
                Some(rel) => current = rel,
                None => {
                    // `id.x` or `name.x`: Odoo rejects a path through a non-relational field
                    return Err(DomainError::InvalidField {
                        model: current.clone(),
                        field: parts[..=i + 1].join("."),
                        leaf: leaf_repr(),
                    });
                }
            }
        }
    }
    let sub = match op {
        Op::Any | Op::NotAny => {
            let Some(rel) = segments.last().and_then(|(_, f)| f.relation.clone()) else {
                return Err(DomainError::Invalid(format!(
                    "Invalid leaf {}",
                    leaf_repr()
                )));
            };
            Some(Box::new(compile(db, &rel, &leaf[2])?))
        }
        _ => None,
    };
    Ok(Node::Leaf(Leaf {
        path: segments,
        op,
        value: leaf[2].clone(),
        sub,
    }))
}

/// Whether the domain mentions the field `name` anywhere (then `active_test` does not apply).
pub(crate) fn mentions(domain: &Value, name: &str) -> bool {
    domain.as_array().is_some_and(|items| {
        items.iter().any(|item| {
            item.as_array()
                .and_then(|leaf| leaf.first())
                .and_then(Value::as_str)
                .is_some_and(|path| path == name || path.split('.').next() == Some(name))
        })
    })
}

/// Evaluates compiled domains against the store.
pub(crate) struct Eval<'a, 'b> {
    pub db: &'a Db<'b>,
}

impl Eval<'_, '_> {
    pub fn matches(&self, node: &Node, id: i64, rec: &Obj) -> bool {
        match node {
            Node::Const(b) => *b,
            Node::And(nodes) => nodes.iter().all(|n| self.matches(n, id, rec)),
            Node::Or(nodes) => nodes.iter().any(|n| self.matches(n, id, rec)),
            Node::Not(n) => !self.matches(n, id, rec),
            Node::Active => rec.get("active") != Some(&Value::Bool(false)),
            Node::Leaf(leaf) => self.leaf(leaf, 0, id, rec),
        }
    }

    fn leaf(&self, leaf: &Leaf, depth: usize, id: i64, rec: &Obj) -> bool {
        let (model, field) = &leaf.path[depth];
        if depth + 1 < leaf.path.len() {
            let Some(comodel) = field.relation.as_deref() else {
                return false;
            };
            let ids = related_ids(rec.get(&field.name));
            let negative = matches!(
                leaf.op,
                Op::Ne | Op::NotIn | Op::NotLike | Op::NotILike | Op::NotAny
            );
            if ids.is_empty() {
                // nothing on the other side: only a negative condition holds
                return negative;
            }
            return ids
                .iter()
                .any(|rid| match self.db.store.get(comodel, *rid) {
                    Some(r) => self.leaf(leaf, depth + 1, *rid, r),
                    None => negative,
                });
        }
        let raw: Option<Value> = if field.ftype == FType::Id {
            Some(Value::from(id))
        } else {
            rec.get(&field.name).cloned()
        };
        self.op(model, id, field, raw.as_ref(), leaf)
    }

    fn op(
        &self,
        model: &str,
        id: i64,
        field: &FieldInfo,
        raw: Option<&Value>,
        leaf: &Leaf,
    ) -> bool {
        let value = &leaf.value;
        let empty = raw.is_none_or(is_empty);
        match leaf.op {
            Op::EqOpt if is_false(value) => true,
            Op::Eq | Op::EqOpt => self.eq(field, raw, empty, value),
            Op::Ne => !self.eq(field, raw, empty, value),
            Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                if is_false(value) {
                    return false;
                }
                let effective = effective(field, raw);
                if empty && !field.ftype.is_numeric() {
                    return false;
                }
                let Some(ord) = compare(&scalar(&effective), value) else {
                    return false;
                };
                match leaf.op {
                    Op::Lt => ord == Ordering::Less,
                    Op::Le => ord != Ordering::Greater,
                    Op::Gt => ord == Ordering::Greater,
                    _ => ord != Ordering::Less,
                }
            }
            Op::In => self.is_in(field, raw, empty, value),
            Op::NotIn => !self.is_in(field, raw, empty, value),
            Op::Like | Op::ILike | Op::EqLike | Op::EqILike => {
                self.like(field, raw, leaf.op, value)
            }
            Op::NotLike => !self.like(field, raw, Op::Like, value),
            Op::NotILike => !self.like(field, raw, Op::ILike, value),
            Op::ChildOf | Op::ParentOf => {
                let wanted: HashSet<i64> = ids_of(value).into_iter().collect();
                let target_model = field.relation.as_deref().unwrap_or(model);
                let candidates: Vec<i64> = if field.ftype == FType::Id {
                    vec![id]
                } else {
                    related_ids(raw)
                };
                candidates.iter().any(|c| {
                    if leaf.op == Op::ChildOf {
                        self.ancestors(target_model, *c)
                            .iter()
                            .any(|a| wanted.contains(a))
                    } else {
                        wanted
                            .iter()
                            .any(|w| self.ancestors(target_model, *w).contains(c))
                    }
                })
            }
            Op::Any | Op::NotAny => {
                let Some(comodel) = field.relation.as_deref() else {
                    return false;
                };
                let Some(sub) = leaf.sub.as_deref() else {
                    return false;
                };
                let any = related_ids(raw).iter().any(|rid| {
                    self.db
                        .store
                        .get(comodel, *rid)
                        .is_some_and(|r| self.matches(sub, *rid, r))
                });
                if leaf.op == Op::Any { any } else { !any }
            }
        }
    }

    /// The record itself and its parents, following `parent_id`.
    fn ancestors(&self, model: &str, id: i64) -> Vec<i64> {
        let mut out = vec![id];
        let mut current = id;
        while out.len() < 1000 {
            let parent = self
                .db
                .store
                .get(model, current)
                .and_then(|r| r.get("parent_id"))
                .and_then(first_id);
            match parent {
                Some(p) if !out.contains(&p) => {
                    out.push(p);
                    current = p;
                }
                _ => break,
            }
        }
        out
    }

    fn eq(&self, field: &FieldInfo, raw: Option<&Value>, empty: bool, value: &Value) -> bool {
        if is_false(value) {
            return empty;
        }
        match field.ftype {
            FType::One2many | FType::Many2many => {
                let ids = related_ids(raw);
                match value {
                    Value::String(s) => self.names_of(field, &ids).iter().any(|n| n == s),
                    Value::Array(want) => {
                        let want = ids_of(&Value::Array(want.clone()));
                        want.iter().all(|w| ids.contains(w)) && !want.is_empty()
                    }
                    _ => value.as_i64().is_some_and(|v| ids.contains(&v)),
                }
            }
            FType::Many2one => {
                if empty {
                    return false;
                }
                match value {
                    Value::String(s) => self
                        .names_of(field, &related_ids(raw))
                        .iter()
                        .any(|n| n == s),
                    _ => related_ids(raw)
                        .first()
                        .is_some_and(|id| loose_eq(&Value::from(*id), value)),
                }
            }
            _ => {
                if empty && !field.ftype.is_numeric() && field.ftype != FType::Boolean {
                    return false;
                }
                loose_eq(&scalar(&effective(field, raw)), value)
            }
        }
    }

    fn is_in(&self, field: &FieldInfo, raw: Option<&Value>, empty: bool, value: &Value) -> bool {
        let list: Vec<Value> = match value {
            Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        };
        if empty && list.iter().any(is_false) {
            return true;
        }
        if empty && !field.ftype.is_numeric() && field.ftype != FType::Boolean {
            return false;
        }
        if field.ftype.is_relational() {
            let ids = related_ids(raw);
            if list.iter().any(Value::is_string) {
                let names = self.names_of(field, &ids);
                if list
                    .iter()
                    .any(|v| v.as_str().is_some_and(|s| names.iter().any(|n| n == s)))
                {
                    return true;
                }
            }
            return ids
                .iter()
                .any(|id| list.iter().any(|v| loose_eq(&Value::from(*id), v)));
        }
        let effective = scalar(&effective(field, raw));
        list.iter().any(|v| loose_eq(&effective, v))
    }

    fn like(&self, field: &FieldInfo, raw: Option<&Value>, op: Op, value: &Value) -> bool {
        let needle = match value {
            Value::String(s) => s.clone(),
            Value::Bool(false) | Value::Null => String::new(),
            other => pyrepr::repr(other),
        };
        let (pattern, ci) = match op {
            Op::Like => (format!("%{needle}%"), false),
            Op::ILike => (format!("%{needle}%"), true),
            Op::EqLike => (needle, false),
            _ => (needle, true),
        };
        let texts: Vec<String> = if field.ftype.is_relational() {
            self.names_of(field, &related_ids(raw))
        } else {
            match raw {
                None => Vec::new(),
                Some(v) if is_empty(v) => Vec::new(),
                Some(Value::String(s)) => vec![s.clone()],
                Some(other) => vec![match other {
                    Value::Number(n) => n.to_string(),
                    other => other.to_string(),
                }],
            }
        };
        texts.iter().any(|t| like_match(&pattern, t, ci))
    }

    fn names_of(&self, field: &FieldInfo, ids: &[i64]) -> Vec<String> {
        let Some(comodel) = field.relation.as_deref() else {
            return Vec::new();
        };
        ids.iter()
            .map(|id| self.db.store.display_name(comodel, *id))
            .collect()
    }
}

/// `false`, `null`, `""`, `[]`: what Odoo stores as NULL (or an empty relation).
pub(crate) fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn is_false(v: &Value) -> bool {
    matches!(v, Value::Null | Value::Bool(false))
}

/// What a stored value reads as (`0` for an empty integer, `false` for an empty boolean, ...).
fn effective(field: &FieldInfo, raw: Option<&Value>) -> Value {
    match raw {
        Some(v) if !is_false(v) => v.clone(),
        Some(v) if field.ftype == FType::Boolean => v.clone(),
        _ => field.ftype.empty_value(),
    }
}

/// A many2one pair `[id, name]` compares as its id.
fn scalar(v: &Value) -> Value {
    match v {
        Value::Array(pair) if pair.len() == 2 && pair[0].is_i64() => pair[0].clone(),
        other => other.clone(),
    }
}

/// The first id of a many2one value (an id, or a `[id, name]` pair).
pub(crate) fn first_id(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::Array(pair) => pair.first().and_then(Value::as_i64),
        _ => None,
    }
}

/// The ids a relational value points to.
pub(crate) fn related_ids(v: Option<&Value>) -> Vec<i64> {
    match v {
        Some(Value::Number(n)) => n.as_i64().into_iter().collect(),
        Some(Value::Array(items)) => {
            if items.len() == 2 && items[0].is_i64() && items[1].is_string() {
                return items[0].as_i64().into_iter().collect();
            }
            items.iter().filter_map(Value::as_i64).collect()
        }
        _ => Vec::new(),
    }
}

fn ids_of(v: &Value) -> Vec<i64> {
    match v {
        Value::Array(items) => items.iter().filter_map(Value::as_i64).collect(),
        other => other.as_i64().into_iter().collect(),
    }
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Equality the way PostgreSQL compares a column with a parameter (numbers across int/float,
/// `'5'` with `5`).
pub(crate) fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Null, Value::Null) => true,
        _ => match (as_number(a), as_number(b)) {
            (Some(x), Some(y)) if !(a.is_string() && b.is_string()) => x == y,
            _ => a == b,
        },
    }
}

/// Ordering of two scalar values, `None` when they are not comparable.
pub(crate) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => as_number(a)?.partial_cmp(&as_number(b)?),
    }
}

/// SQL `LIKE` / `ILIKE`: `%` any run, `_` one character, `\` escapes.
pub(crate) fn like_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    let fold = |s: &str| -> Vec<char> {
        if case_insensitive {
            s.to_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    let p = fold(pattern);
    let t = fold(text);
    // tokens: Some(c) literal, None for `_`, and `%` markers
    #[derive(Clone, Copy, PartialEq)]
    enum Tok {
        Lit(char),
        One,
        Any,
    }
    let mut toks = Vec::with_capacity(p.len());
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' if i + 1 < p.len() => {
                toks.push(Tok::Lit(p[i + 1]));
                i += 1;
            }
            '%' => {
                if toks.last() != Some(&Tok::Any) {
                    toks.push(Tok::Any);
                }
            }
            '_' => toks.push(Tok::One),
            c => toks.push(Tok::Lit(c)),
        }
        i += 1;
    }
    // iterative wildcard matching with backtracking on the last `%`
    let (mut ti, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < toks.len() {
            match toks[pi] {
                Tok::Any => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                Tok::One => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                Tok::Lit(c) if c == t[ti] => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    toks[pi..].iter().all(|t| *t == Tok::Any)
}

#[cfg(test)]
mod tests {
    use super::like_match;

    #[test]
    fn like_patterns() {
        assert!(like_match("%deco%", "Deco Addict", true));
        assert!(!like_match("%deco%", "Deco Addict", false));
        assert!(like_match("D_co%", "Deco Addict", false));
        assert!(like_match("%", "", false));
        assert!(!like_match("a", "", false));
        assert!(like_match("%a%b%", "xxaxxbxx", false));
        assert!(like_match("50\\%", "50%", false));
    }
}
