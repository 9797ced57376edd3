//! Odoo search domains: prefix-notation lists of `(field, operator, value)` leaves
//! joined by `&`, `|` and `!`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A search domain, as sent on the wire (`[["name", "ilike", "acme"], ...]`).
///
/// Build one from typed field handles (`fields::name().ilike("acme") & ...`),
/// from [`Domain::leaf`], or from any JSON array with `From<Value>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Domain(Vec<Value>);

impl Domain {
    /// The empty domain: matches every record.
    pub fn all() -> Self {
        Domain(Vec::new())
    }

    /// One `(field, operator, value)` condition.
    pub fn leaf(field: impl Into<String>, operator: &str, value: impl Into<Value>) -> Self {
        Domain(vec![Value::Array(vec![
            Value::String(field.into()),
            Value::String(operator.to_owned()),
            value.into(),
        ])])
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The wire terms, in prefix notation.
    pub fn terms(&self) -> &[Value] {
        &self.0
    }

    pub fn into_value(self) -> Value {
        Value::Array(self.0)
    }

    /// Number of top-level expressions: an implicit AND joins them on the server,
    /// so combining must wrap each side in enough explicit operators.
    fn expression_count(&self) -> usize {
        // Evaluate the prefix expression from the right: a leaf pushes one
        // expression, `!` replaces one, `&`/`|` merge two into one.
        let mut stack = 0usize;
        for term in self.0.iter().rev() {
            match term.as_str() {
                Some("&") | Some("|") => stack = stack.saturating_sub(1),
                Some("!") => {}
                _ => stack += 1,
            }
        }
        stack
    }

    /// Collapse to exactly one expression by making the implicit ANDs explicit.
    fn normalized(self) -> Vec<Value> {
        let n = self.expression_count();
        let mut out = Vec::with_capacity(self.0.len() + n.saturating_sub(1));
        for _ in 1..n {
            out.push(Value::String("&".into()));
        }
        out.extend(self.0);
        out
    }

    fn combine(op: &str, a: Domain, b: Domain) -> Domain {
        if a.is_empty() {
            return b;
        }
        if b.is_empty() {
            return a;
        }
        let mut out = vec![Value::String(op.to_owned())];
        out.extend(a.normalized());
        out.extend(b.normalized());
        Domain(out)
    }
}

impl std::ops::BitAnd for Domain {
    type Output = Domain;
    fn bitand(self, rhs: Domain) -> Domain {
        Domain::combine("&", self, rhs)
    }
}

impl std::ops::BitOr for Domain {
    type Output = Domain;
    fn bitor(self, rhs: Domain) -> Domain {
        // `|` with an empty side would mean "match all"; an empty domain is
        // "no condition", so OR-ing it keeps the other side's meaning explicit.
        if self.is_empty() || rhs.is_empty() {
            return Domain::all();
        }
        Domain::combine("|", self, rhs)
    }
}

impl std::ops::Not for Domain {
    type Output = Domain;
    fn not(self) -> Domain {
        if self.is_empty() {
            // NOT(match all) matches nothing: Odoo's canonical FALSE leaf.
            return Domain(vec![serde_json::json!([0, "=", 1])]);
        }
        let mut out = vec![Value::String("!".into())];
        out.extend(self.normalized());
        Domain(out)
    }
}

impl From<Value> for Domain {
    /// A JSON array is taken as the domain's terms; `null` or any other value as the empty domain.
    fn from(value: Value) -> Self {
        match value {
            Value::Array(terms) => Domain(terms),
            _ => Domain::all(),
        }
    }
}

impl From<Vec<Value>> for Domain {
    fn from(terms: Vec<Value>) -> Self {
        Domain(terms)
    }
}

impl From<()> for Domain {
    fn from(_: ()) -> Self {
        Domain::all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn and_or_not_build_prefix_notation() {
        let a = Domain::leaf("name", "ilike", "acme");
        let b = Domain::leaf("is_company", "=", true);
        let c = Domain::leaf("id", ">", 3);
        assert_eq!(
            (a.clone() & b.clone()).into_value(),
            json!(["&", ["name", "ilike", "acme"], ["is_company", "=", true]])
        );
        assert_eq!(
            ((a.clone() | b.clone()) & !c.clone()).into_value(),
            json!([
                "&",
                "|",
                ["name", "ilike", "acme"],
                ["is_company", "=", true],
                "!",
                ["id", ">", 3]
            ])
        );
        // A raw domain with an implicit AND is made explicit before combining.
        let raw = Domain::from(json!([["a", "=", 1], ["b", "=", 2]]));
        assert_eq!(
            (raw | c).into_value(),
            json!(["|", "&", ["a", "=", 1], ["b", "=", 2], ["id", ">", 3]])
        );
    }

    #[test]
    fn empty_sides() {
        let a = Domain::leaf("x", "=", 1);
        assert_eq!(Domain::all() & a.clone(), a);
        assert_eq!(Domain::all() | a.clone(), Domain::all());
        assert_eq!((!Domain::all()).into_value(), json!([[0, "=", 1]]));
    }
}
