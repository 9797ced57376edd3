//! The aiM18 schema snapshot: a sibling of the Odoo [`Schema`](super::Schema)
//! with the same header (`format`, `erp`, `version`; see
//! [`Header`]) and aiM18's model shape.
//!
//! aiM18 has no metadata service: the only column types it publishes are the
//! `fields` of each table in an entity, so a snapshot holds what the create
//! service's empty template says, per module the user named.
//!
//! Format 1, `"erp": "aim18"`:
//!
//! ```json
//! {
//!   "format": 1,
//!   "erp": "aim18",
//!   "version": "unknown",
//!   "models": {
//!     "oldso": {
//!       "menu_code": "oldso",
//!       "main_table": {
//!         "name": "mainso",
//!         "columns": [
//!           { "name": "id", "field_class": "java.lang.Long", "field_class_name": "Long", "class_type": 10 }
//!         ]
//!       },
//!       "sub_tables": [ { "name": "sot", "columns": [ ... ] } ],
//!       "search_types": ["oldso"]
//!     }
//!   }
//! }
//! ```
//!
//! Models are keyed and sorted by module. Columns keep the server's order
//! (the order of the table's `fields`), and sub tables the order of
//! `subTableNames`: both are what the server says, so a diff of two
//! snapshots shows the server's changes and nothing else. `version` is free
//! text (aiM18 has no version service); `search_types` are the lookups
//! (`stSearch`) the user named for the module, sorted.
//!
//! Why a sibling type rather than a variant of the Odoo one: the two model
//! shapes share nothing below the header (Odoo: fields by name with
//! `fields_get` attributes; aiM18: ordered tables of Java-typed columns), and
//! keeping the Odoo type untouched keeps Odoo snapshots byte-identical and
//! every Odoo consumer (`diff`, the emitter, the proptests) unaware of aiM18.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{FORMAT_WITHOUT_METHODS, Header, ReadHeader as _};
use crate::error::{Error, Result};

/// The `erp` value of an aiM18 snapshot.
pub const ERP: &str = "aim18";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aim18Schema {
    /// Snapshot format version ([`FORMAT_WITHOUT_METHODS`]).
    pub format: u32,
    /// Always [`ERP`].
    pub erp: String,
    /// Free text naming the server (aiM18 reports no version).
    pub version: String,
    /// Models by module (`"oldso"`).
    pub models: BTreeMap<String, Aim18Model>,
}

/// One module, as its create service's empty template describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aim18Model {
    /// The menu code the template was asked with (`?menuCode=`).
    pub menu_code: String,
    pub main_table: Table,
    /// In the order of the template's `subTableNames`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_tables: Vec<Table>,
    /// Lookups (`stSearch`) that list this module's records, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search_types: Vec<String>,
}

/// An SqlTable's name and `fields`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    /// In the server's order.
    pub columns: Vec<Column>,
}

/// One entry of an SqlTable's `fields`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// Full Java class name (`java.lang.Long`, `[B` for `byte[]`).
    pub field_class: String,
    /// Simple Java class name (`Long`).
    #[serde(default)]
    pub field_class_name: String,
    /// aiM18's `SqlClassType` code: 0 Str, 3 Boolean, 10 Num, 20 Date,
    /// 21 DateTime, 90 Img, 99 Other.
    pub class_type: i64,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

impl Aim18Model {
    /// A model from a template's tables, checked: no table or column twice,
    /// the main table not among the sub tables. `search_types` are sorted.
    pub fn new(
        module: &str,
        menu_code: &str,
        main_table: Table,
        sub_tables: Vec<Table>,
        search_types: impl IntoIterator<Item = String>,
    ) -> Result<Aim18Model> {
        let what = || format!("aiM18 module {module} (menu {menu_code})");
        let mut tables = BTreeSet::new();
        for t in std::iter::once(&main_table).chain(&sub_tables) {
            if t.name.is_empty() {
                return Err(Error::Input {
                    what: what(),
                    message: "a table without a name".into(),
                });
            }
            if !tables.insert(t.name.as_str()) {
                return Err(Error::Input {
                    what: what(),
                    message: format!("table `{}` appears twice", t.name),
                });
            }
            let mut cols = BTreeSet::new();
            for c in &t.columns {
                if !cols.insert(c.name.as_str()) {
                    return Err(Error::Input {
                        what: what(),
                        message: format!("table `{}` lists column `{}` twice", t.name, c.name),
                    });
                }
            }
        }
        let search_types: BTreeSet<String> = search_types.into_iter().collect();
        Ok(Aim18Model {
            menu_code: menu_code.to_owned(),
            main_table,
            sub_tables,
            search_types: search_types.into_iter().collect(),
        })
    }
}

impl Aim18Schema {
    /// An empty snapshot of this format.
    pub fn new(version: &str) -> Aim18Schema {
        Aim18Schema {
            format: FORMAT_WITHOUT_METHODS,
            erp: ERP.into(),
            version: version.to_owned(),
            models: BTreeMap::new(),
        }
    }

    /// Add a module's model; a module may appear once.
    pub fn insert(&mut self, module: &str, model: Aim18Model) -> Result<()> {
        if self.models.contains_key(module) {
            return Err(Error::Input {
                what: format!("aiM18 module {module}"),
                message: "named twice (one menu code per module)".into(),
            });
        }
        self.models.insert(module.to_owned(), model);
        Ok(())
    }

    /// Read a snapshot file. Errors name the file and the cause.
    pub fn load(path: &Path) -> Result<Aim18Schema> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Aim18Schema::parse(&text, path)
    }

    /// Parse a snapshot; `origin` only names it in errors.
    pub fn parse(text: &str, origin: &Path) -> Result<Aim18Schema> {
        Header::read(text, origin)?.expect_erp(ERP, origin)?;
        let schema: Aim18Schema = serde_json::from_str(text).map_err(|source| Error::Snapshot {
            path: origin.to_owned(),
            source,
        })?;
        // Hand-edited files get the same checks as fetched ones.
        for (module, m) in &schema.models {
            Aim18Model::new(
                module,
                &m.menu_code,
                m.main_table.clone(),
                m.sub_tables.clone(),
                m.search_types.iter().cloned(),
            )
            .map_err(|e| Error::Input {
                what: origin.display().to_string(),
                message: e.to_string(),
            })?;
        }
        Ok(schema)
    }

    /// The snapshot as stable, pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a schema always serializes");
        s.push('\n');
        s
    }

    /// Merge several snapshots: modules are unioned; the same module in two
    /// files is an error unless identical.
    pub fn merge(schemas: Vec<Aim18Schema>) -> Result<Aim18Schema> {
        let mut iter = schemas.into_iter();
        let Some(mut out) = iter.next() else {
            return Err(Error::Merge("no schema given".into()));
        };
        for s in iter {
            if s.version != out.version {
                return Err(Error::Merge(format!(
                    "aiM18 {} and aiM18 {}",
                    out.version, s.version
                )));
            }
            for (name, model) in s.models {
                match out.models.get(&name) {
                    Some(existing) if *existing != model => {
                        return Err(Error::Merge(format!(
                            "aiM18 module {name} differs between files"
                        )));
                    }
                    _ => {
                        out.models.insert(name, model);
                    }
                }
            }
        }
        Ok(out)
    }
}

/// One module to fetch, as written on the command line or in a modules file:
/// `MODULE:MENUCODE`, optionally `:STSEARCH[,STSEARCH...]` for its lookups
/// (`oldso:oldso:oldso`). `MODULE` alone means the menu code is the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleSpec {
    pub module: String,
    pub menu_code: String,
    pub search_types: Vec<String>,
}

impl std::str::FromStr for ModuleSpec {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let mut parts = s.trim().splitn(3, ':');
        let module = parts.next().unwrap_or_default().trim();
        let menu_code = parts.next().map(str::trim).unwrap_or(module);
        let search_types: Vec<String> = parts
            .next()
            .map(|st| {
                st.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if module.is_empty() || menu_code.is_empty() {
            return Err(format!(
                "expected MODULE:MENUCODE[:STSEARCH,...], got {s:?}"
            ));
        }
        Ok(ModuleSpec {
            module: module.to_owned(),
            menu_code: menu_code.to_owned(),
            search_types,
        })
    }
}

impl ModuleSpec {
    /// A modules file: one spec per line; blank lines and `#` comments skipped.
    pub fn parse_file(text: &str, origin: &Path) -> Result<Vec<ModuleSpec>> {
        text.lines()
            .enumerate()
            .map(|(i, l)| (i, l.split('#').next().unwrap_or_default().trim()))
            .filter(|(_, l)| !l.is_empty())
            .map(|(i, l)| {
                l.parse().map_err(|message| Error::Input {
                    what: format!("{}:{}", origin.display(), i + 1),
                    message,
                })
            })
            .collect()
    }
}

/// The `version` of a snapshot that does not come from a real aiM18 server
/// (the bundled one, fetched from the fake server in the `tests` package):
/// the generated docs say so.
pub const FAKE_VERSION: &str = "fake";

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, class: &str, ct: i64) -> Column {
        Column {
            name: name.into(),
            field_class: class.into(),
            field_class_name: class.rsplit('.').next().unwrap().into(),
            class_type: ct,
        }
    }

    fn table(name: &str, cols: Vec<Column>) -> Table {
        Table {
            name: name.into(),
            columns: cols,
        }
    }

    #[test]
    fn round_trips_with_the_shared_header() {
        let mut s = Aim18Schema::new("fake");
        let m = Aim18Model::new(
            "oldso",
            "oldso",
            table(
                "mainso",
                vec![
                    col("id", "java.lang.Long", 10),
                    col("code", "java.lang.String", 0),
                ],
            ),
            vec![table("sot", vec![col("id", "java.lang.Long", 10)])],
            ["b".to_string(), "a".to_string(), "a".to_string()],
        )
        .unwrap();
        assert_eq!(m.search_types, ["a", "b"]);
        s.insert("oldso", m.clone()).unwrap();
        assert!(s.insert("oldso", m).is_err());
        let text = s.to_json();
        assert!(text.starts_with("{\n  \"format\": 1,\n  \"erp\": \"aim18\",\n"));
        assert!(text.find("\"id\"").unwrap() < text.find("\"code\"").unwrap());
        assert_eq!(Aim18Schema::parse(&text, Path::new("x")).unwrap(), s);
        // The Odoo reader refuses it, and this one refuses an Odoo snapshot.
        let e = crate::schema::Schema::parse(&text, Path::new("a.json")).unwrap_err();
        assert!(e.to_string().contains("erp: \"aim18\""), "{e}");
        let odoo = r#"{"format": 1, "erp": "odoo", "version": "18.0", "models": {}}"#;
        assert!(Aim18Schema::parse(odoo, Path::new("o.json")).is_err());
        let newer = r#"{"format": 9, "erp": "aim18"}"#;
        assert!(
            Aim18Schema::parse(newer, Path::new("n.json"))
                .unwrap_err()
                .to_string()
                .contains("newer")
        );
    }

    #[test]
    fn duplicates_are_refused() {
        let dup_col = table(
            "t",
            vec![
                col("a", "java.lang.Long", 10),
                col("a", "java.lang.Long", 10),
            ],
        );
        let e = Aim18Model::new("m", "m", dup_col, vec![], []).unwrap_err();
        assert_eq!(
            e.to_string(),
            "aiM18 module m (menu m): table `t` lists column `a` twice"
        );
        let e = Aim18Model::new("m", "m", table("t", vec![]), vec![table("t", vec![])], [])
            .unwrap_err();
        assert!(e.to_string().ends_with("table `t` appears twice"));
    }

    #[test]
    fn module_specs() {
        let s: ModuleSpec = "oldso:oldso:oldso, so2".parse().unwrap();
        assert_eq!(s.menu_code, "oldso");
        assert_eq!(s.search_types, ["oldso", "so2"]);
        let s: ModuleSpec = "cus".parse().unwrap();
        assert_eq!((s.module.as_str(), s.menu_code.as_str()), ("cus", "cus"));
        assert!(s.search_types.is_empty());
        assert!(":x".parse::<ModuleSpec>().is_err());
        let specs = ModuleSpec::parse_file(
            "# modules\ncus:cus:cus\n\nemployee # staff\n",
            Path::new("m"),
        )
        .unwrap();
        assert_eq!(specs.len(), 2);
        let e = ModuleSpec::parse_file("ok\n:bad\n", Path::new("m.txt")).unwrap_err();
        assert!(e.to_string().starts_with("m.txt:2: "), "{e}");
    }
}
