//! Every generated model reads by default what a stored read costs (issue 20): its
//! `Model::FIELDS` hold no non-stored field but the cheap ones codegen chose (`display_name`;
//! company-dependent fields, which Odoo 16/17 report as not stored; related fields one stored
//! many2one away from a stored field, as `_inherits` gives a product variant its `name`), and
//! its other non-stored fields are all in `Model::COMPUTED`, typed `Computed<T>`. Checked on
//! the generated source of every model (every feature), against the schema snapshot it was
//! generated from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use generated::odoo::res_partner::ResPartner;
use runtime::Model;
use serde_json::Value;

/// The string literals of the `const <name>: ... = &[ ... ];` after `from` in `src`.
fn const_list(src: &str, from: usize, name: &str) -> Option<Vec<String>> {
    let start = from + src[from..].find(&format!("const {name}: "))?;
    let body_start = start + src[start..].find("= &[")? + 4;
    let body_end = body_start + src[body_start..].find("];")?;
    Some(
        src[body_start..body_end]
            .split(',')
            .map(|s| s.trim().trim_matches('"').to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
    )
}

/// Model name → (FIELDS, COMPUTED), from every generated model file.
fn generated_lists() -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/odoo");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let src = std::fs::read_to_string(&path).unwrap();
        let Some(at) = src.find("impl ::runtime::Model for ") else {
            continue;
        };
        let s = &src[at..];
        let pattern = "const MODEL: &'static str = \"";
        let q = s.find(pattern).unwrap() + pattern.len();
        let model = s[q..q + s[q..].find('"').unwrap()].to_owned();
        let fields = const_list(&src, at, "FIELDS").unwrap();
        // COMPUTED comes right after FIELDS when the model has computed fields.
        let impl_end = at + src[at..].find("fn id(&self)").unwrap();
        let computed = match src[at..impl_end].find("const COMPUTED: ") {
            Some(_) => const_list(&src, at, "COMPUTED").unwrap(),
            None => Vec::new(),
        };
        out.insert(model, (fields, computed));
    }
    out
}

#[test]
fn default_field_lists_hold_no_computed_field_but_the_cheap_ones() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/odoo-18.json");
    let snapshot: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let models = &snapshot["models"];
    let lists = generated_lists();
    assert!(lists.len() > 400, "{} model files", lists.len());
    let stored_in = |model: &str, f: &str| {
        let desc = &models[model]["fields"][f];
        desc.is_object() && desc.get("store").and_then(Value::as_bool) != Some(false)
    };
    let (mut cheap_seen, mut computed_total) = (BTreeSet::new(), 0);
    for (model, (fields, computed)) in &lists {
        let schema = models[model.as_str()]["fields"].as_object().unwrap();
        let stored = |f: &str| stored_in(model, f);
        // `link.field`, `link` a stored many2one, `field` stored on its target.
        let one_hop_to_stored = |desc: &Value| {
            let Some((hop, field)) = desc["related"].as_str().and_then(|r| r.split_once('.'))
            else {
                return false;
            };
            let Some(link) = schema.get(hop) else {
                return false;
            };
            link["type"] == "many2one"
                && stored(hop)
                && (stored_in(link["relation"].as_str().unwrap(), field) || field == "display_name")
        };
        for f in fields {
            let desc = &schema[f.as_str()];
            assert!(desc.is_object(), "{model}.{f} is not in the snapshot");
            let cheap = f == "display_name"
                || desc["company_dependent"] == Value::Bool(true)
                || one_hop_to_stored(desc);
            assert!(
                stored(f) || cheap,
                "{model}.{f} is not stored, yet read by default"
            );
            assert_ne!(desc["type"], "binary", "{model}.{f}: binary in a list read");
            if !stored(f) && !one_hop_to_stored(desc) {
                cheap_seen.insert(f.clone());
            }
        }
        for f in computed {
            assert!(!stored(f), "{model}.{f} is stored, yet not read by default");
        }
        computed_total += computed.len();
        // Every non-stored, non-binary field the struct holds is in one list or the other.
        let held: BTreeSet<&String> = fields.iter().chain(computed).collect();
        for (name, desc) in schema {
            if !stored(name) && desc["type"] != "binary" && !held.contains(name) {
                assert!(
                    desc.get("reified").is_some_and(|r| r == true),
                    "{model}.{name} is in no list"
                );
            }
        }
    }
    assert_eq!(
        cheap_seen,
        BTreeSet::from(["display_name".to_owned()]),
        "the only non-stored, non-related field read by default on 18"
    );
    assert!(computed_total > 1000, "{computed_total} computed fields");

    // The compiled constants say the same as the source.
    let (fields, computed) = &lists["res.partner"];
    assert_eq!(ResPartner::FIELDS, fields.as_slice());
    assert_eq!(ResPartner::COMPUTED, computed.as_slice());
    assert!(ResPartner::COMPUTED.contains(&"total_invoiced"));
    assert!(ResPartner::FIELDS.contains(&"display_name"));
}
