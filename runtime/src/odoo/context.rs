//! Odoo's `context`: language, timezone, companies, `active_test` and any other
//! key a method reads. Set one on the client and override keys per call.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A call context. Per-call keys are merged over the client's (see [`Context::merged`]).
///
/// ```
/// use runtime::odoo::Context;
/// let ctx = Context::new().lang("fr_FR").tz("Europe/Brussels").allowed_company_ids([1, 3]);
/// let call = Context::new().active_test(false).lang("en_US");
/// let merged = ctx.merged(&call);
/// assert_eq!(merged.get("lang"), Some(&"en_US".into()));
/// assert_eq!(merged.get("tz"), Some(&"Europe/Brussels".into()));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Context(Map<String, Value>);

impl Context {
    pub fn new() -> Self {
        Context(Map::new())
    }

    /// `lang`, e.g. `"fr_FR"`: translated fields and messages come back in it.
    pub fn lang(self, lang: impl Into<String>) -> Self {
        self.with("lang", lang.into())
    }

    /// `tz`, e.g. `"Europe/Brussels"` (used by methods that format dates; `read` stays UTC).
    pub fn tz(self, tz: impl Into<String>) -> Self {
        self.with("tz", tz.into())
    }

    /// `allowed_company_ids`: the companies the call runs in (the first is the current one).
    pub fn allowed_company_ids(self, ids: impl IntoIterator<Item = i64>) -> Self {
        self.with("allowed_company_ids", ids.into_iter().collect::<Vec<_>>())
    }

    /// `active_test`: `false` makes searches include archived records.
    pub fn active_test(self, active_test: bool) -> Self {
        self.with("active_test", active_test)
    }

    /// Any other key.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.0.insert(key.into(), value.into());
        self
    }

    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        self.0.insert(key.into(), value.into())
    }

    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.0.remove(key)
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Copy `other`'s keys over this context's (other wins).
    pub fn merge(&mut self, other: &Context) {
        for (k, v) in &other.0 {
            self.0.insert(k.clone(), v.clone());
        }
    }

    /// This context with `over`'s keys on top.
    pub fn merged(&self, over: &Context) -> Context {
        let mut out = self.clone();
        out.merge(over);
        out
    }

    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }
}

impl From<Map<String, Value>> for Context {
    fn from(map: Map<String, Value>) -> Self {
        Context(map)
    }
}

impl From<Value> for Context {
    /// A JSON object becomes the context; anything else the empty context.
    fn from(value: Value) -> Self {
        match value {
            Value::Object(map) => Context(map),
            _ => Context::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_per_call_over_client() {
        let client = Context::new()
            .lang("fr_FR")
            .allowed_company_ids([1])
            .with("x", 1);
        let call = Context::new().lang("en_US").active_test(false);
        let m = client.merged(&call);
        assert_eq!(
            serde_json::to_value(&m).unwrap(),
            json!({"lang": "en_US", "allowed_company_ids": [1], "x": 1, "active_test": false})
        );
        assert_eq!(client.get("lang"), Some(&json!("fr_FR")));
    }
}
