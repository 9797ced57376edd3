//! Full names of Odoo's security groups (`sales_team.group_sale_manager` → "Sales /
//! Administrator"), for the "Readable by" line of fields restricted to groups.
//!
//! Bundled from the recordings of Odoo 16–19 with the recorded apps (`codegen/data/odoo-groups.json`,
//! provenance in its `source`); a group it does not know is shown by its xml id.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Deserialize)]
struct GroupsFile {
    versions: BTreeMap<String, BTreeMap<String, String>>,
}

fn bundled() -> &'static GroupsFile {
    static FILE: OnceLock<GroupsFile> = OnceLock::new();
    FILE.get_or_init(|| {
        serde_json::from_str(include_str!("../data/odoo-groups.json"))
            .expect("the bundled group names parse (checked by its test)")
    })
}

/// The full name of `xmlid` on Odoo `version` (`"18.0"`, `"saas~17.2"`: the major number
/// counts), or on the nearest recorded version; the xml id itself when none knows it.
pub fn group_name(version: &str, xmlid: &str) -> String {
    let major: u32 = version
        .trim_start_matches("saas~")
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    let file = bundled();
    let mut versions: Vec<(u32, &BTreeMap<String, String>)> = file
        .versions
        .iter()
        .filter_map(|(v, names)| Some((v.parse().ok()?, names)))
        .collect();
    versions.sort_by_key(|(v, _)| v.abs_diff(major));
    versions
        .iter()
        .find_map(|(_, names)| names.get(xmlid))
        .cloned()
        .unwrap_or_else(|| xmlid.to_owned())
}

/// `"Sales / Administrator, Inventory / User"` for a field's comma-separated `groups`
/// (a `!group` exclusion reads "not ...").
pub fn readable_by(version: &str, groups: &str) -> String {
    groups
        .split(',')
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(|g| match g.strip_prefix('!') {
            Some(g) => format!("not {}", group_name(version, g)),
            None => group_name(version, g),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled names are those of the recordings' `rights.json`, version by version.
    #[test]
    fn the_bundled_file_equals_the_recordings() {
        for (v, names) in &bundled().versions {
            let path = format!(
                "{}/../tests/fixtures/odoo-{v}/access/rights.json",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let rights: serde_json::Value = serde_json::from_str(&text).unwrap();
            let recorded: BTreeMap<String, String> = rights["groups"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(id, g)| (id.clone(), g["name"].as_str().unwrap().to_owned()))
                .collect();
            assert_eq!(names, &recorded, "odoo-{v}");
        }
        assert_eq!(bundled().versions.len(), 4);
    }

    #[test]
    fn names_come_from_the_recordings() {
        assert_eq!(
            readable_by("18.0", "sales_team.group_sale_manager,base.group_user"),
            "Sales / Administrator, User types / Internal User"
        );
        assert_eq!(group_name("18.0", "x_custom.group"), "x_custom.group");
        assert_eq!(
            readable_by("18.0", "!base.group_portal"),
            "not User types / Portal"
        );
        // An unrecorded version takes the nearest recorded one.
        assert_eq!(
            group_name("saas~18.3", "base.group_user"),
            group_name("18.0", "base.group_user")
        );
        for v in ["16.0", "17.0", "18.0", "19.0"] {
            assert_ne!(group_name(v, "base.group_user"), "base.group_user", "{v}");
        }
    }
}
