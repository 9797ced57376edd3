//! Whole-schema analysis for aiM18, before any code exists: every Rust name
//! and type is decided here (with the shared naming ladder), so collisions
//! surface as errors naming the module and table, and the `gen_*` functions
//! only print decisions.

use std::collections::BTreeMap;

use crate::emit::Settings;
use crate::error::{Error, Result};
use crate::naming::{self, Case, Name};
use crate::schema::aim18::{Aim18Model, Aim18Schema, Column, Table};
use crate::typemap::aim18::{self as typemap, Aim18Type};

pub struct Aim18Plan<'a> {
    pub schema: &'a Aim18Schema,
    /// Sorted by module.
    pub modules: Vec<ModulePlan<'a>>,
    /// Type name → how many modules define it (the prelude re-exports only
    /// names that are unique across the schema).
    pub type_counts: BTreeMap<String, usize>,
}

pub struct ModulePlan<'a> {
    /// The aiM18 module (`oldso`).
    pub name: &'a str,
    pub model: &'a Aim18Model,
    /// The Rust module (`oldso`).
    pub module: Name,
    /// The entity: main row plus sub tables (`Oldso`).
    pub entity: Name,
    pub main: TablePlan<'a>,
    pub subs: Vec<SubPlan<'a>>,
    pub search: Option<SearchPlan<'a>>,
    pub feature: Option<String>,
    pub verbatim_names: bool,
}

pub struct TablePlan<'a> {
    pub table: &'a Table,
    /// The row struct (`SotRow`).
    pub ty: Name,
    /// In the server's order.
    pub columns: Vec<ColumnPlan<'a>>,
}

pub struct ColumnPlan<'a> {
    pub column: &'a Column,
    pub name: Name,
    pub ty: Aim18Type,
    /// `Option<T>`: every column but the main table's `id` (aiM18 leaves
    /// empty cells out, and the create template leaves most columns empty).
    pub optional: bool,
}

/// A sub table as a field of the entity.
pub struct SubPlan<'a> {
    pub field: Name,
    pub table: TablePlan<'a>,
}

pub struct SearchPlan<'a> {
    pub ty: Name,
    pub columns: Vec<SearchColumn<'a>>,
    /// The field holding the other columns.
    pub extra: Name,
    /// The module's lookups (`stSearch`), in the snapshot's order: `Aim18Lookup::LOOKUPS`.
    pub lookups: Vec<&'a str>,
}

pub struct SearchColumn<'a> {
    pub wire: &'a str,
    pub name: Name,
    pub ty: Aim18Type,
    /// The main table's column of the same name, if that typed it.
    pub from_main: Option<&'a Column>,
}

/// Columns aiM18 lookups return besides the main table's (the customer
/// list sample of the search service): typed when the main table has no
/// column of that name.
pub const LOOKUP_COLUMNS: &[(&str, Aim18Type)] = &[
    ("id", Aim18Type::I64),
    ("code", Aim18Type::String),
    ("st_id", Aim18Type::I64),
    ("st_code", Aim18Type::String),
    ("st_desc", Aim18Type::String),
    ("desc__lang", Aim18Type::String),
    ("iRev", Aim18Type::I64),
    ("lastModifyDate", Aim18Type::DateTime),
];

/// Names the runtime prelude exports next to the generated types.
const RUNTIME_NAMES: &[&str] = &["Aim18Client", "SearchQuery"];

impl<'a> Aim18Plan<'a> {
    pub fn new(schema: &'a Aim18Schema, settings: &Settings) -> Result<Aim18Plan<'a>> {
        let selected: Vec<(&'a String, &'a Aim18Model)> = schema
            .models
            .iter()
            .filter(|(name, _)| settings.selects(name))
            .collect();
        let names: Vec<&str> = selected.iter().map(|(n, _)| n.as_str()).collect();
        let modules = naming::unique(
            "aim18 schema",
            "module",
            &names,
            Case::Snake,
            &["prelude"],
            "_module",
        )?;
        let mut reserved: Vec<&str> = naming::PRELUDE_TYPES.to_vec();
        reserved.extend(RUNTIME_NAMES);
        let entities = naming::unique(
            "aim18 schema",
            "entity type",
            &names,
            Case::UpperCamel,
            &reserved,
            "Entity",
        )?;
        let mut out = Vec::with_capacity(selected.len());
        for ((name, model), (module, entity)) in
            selected.into_iter().zip(modules.into_iter().zip(entities))
        {
            out.push(plan_module(name, model, module, entity, settings)?);
        }
        let mut type_counts: BTreeMap<String, usize> = BTreeMap::new();
        for m in &out {
            for t in m.type_names() {
                *type_counts.entry(t.text.clone()).or_default() += 1;
            }
        }
        Ok(Aim18Plan {
            schema,
            modules: out,
            type_counts,
        })
    }
}

impl ModulePlan<'_> {
    /// The entity, row and search row types (not the trait).
    pub fn type_names(&self) -> Vec<&Name> {
        let mut v = vec![&self.entity, &self.main.ty];
        v.extend(self.subs.iter().map(|s| &s.table.ty));
        v.extend(self.search.iter().map(|s| &s.ty));
        v
    }

    pub fn tables(&self) -> impl Iterator<Item = &TablePlan<'_>> {
        std::iter::once(&self.main).chain(self.subs.iter().map(|s| &s.table))
    }
}

fn with_suffix(base: &Name, suffix: &str) -> String {
    // `Self_` + `SearchRow` must not keep the keyword guard's underscore.
    format!("{}{suffix}", base.text.trim_end_matches('_'))
}

fn plan_module<'a>(
    name: &'a str,
    model: &'a Aim18Model,
    module: Name,
    entity: Name,
    settings: &Settings,
) -> Result<ModulePlan<'a>> {
    let owner = format!("aim18 module {name}");
    let search_text = with_suffix(&entity, "SearchRow");

    // Row types share the module's type namespace with the entity, the
    // search row, and must not shadow prelude names.
    let row_sources: Vec<String> = std::iter::once(&model.main_table)
        .chain(&model.sub_tables)
        .map(|t| format!("{} row", t.name))
        .collect();
    let row_refs: Vec<&str> = row_sources.iter().map(String::as_str).collect();
    let mut reserved: Vec<&str> = naming::PRELUDE_TYPES.to_vec();
    reserved.extend(RUNTIME_NAMES);
    reserved.push(entity.text.as_str());
    if !model.search_types.is_empty() {
        reserved.push(&search_text);
    }
    let mut row_types = naming::unique(
        &owner,
        "table type",
        &row_refs,
        Case::UpperCamel,
        &reserved,
        "Table",
    )?
    .into_iter();

    let main_ty = row_types.next().expect("one name per table");
    let main = plan_table(&owner, &model.main_table, main_ty, true)?;
    let id = main.columns.iter().find(|c| c.column.name == "id");
    match id.map(|c| c.ty) {
        Some(Aim18Type::I64 | Aim18Type::I32) => {}
        Some(other) => {
            return Err(Error::Input {
                what: format!("{owner}, main table {}", model.main_table.name),
                message: format!(
                    "column `id` is read as `{}`, not an integer: cannot identify records",
                    other.rust_name()
                ),
            });
        }
        None => {
            return Err(Error::Input {
                what: format!("{owner}, main table {}", model.main_table.name),
                message: "no `id` column: cannot identify records".into(),
            });
        }
    }

    let sub_names: Vec<&str> = model.sub_tables.iter().map(|t| t.name.as_str()).collect();
    let sub_fields = naming::unique(
        &owner,
        "sub table field",
        &sub_names,
        Case::Snake,
        &["main"],
        "_rows",
    )?;
    let mut subs = Vec::with_capacity(model.sub_tables.len());
    for (table, field) in model.sub_tables.iter().zip(sub_fields) {
        let ty = row_types.next().expect("one name per table");
        subs.push(SubPlan {
            field,
            table: plan_table(&owner, table, ty, false)?,
        });
    }

    let search = if model.search_types.is_empty() {
        None
    } else {
        let ty = Name {
            text: search_text.clone(),
            raw: false,
            verbatim: entity.verbatim,
        };
        Some(plan_search(&owner, model, ty)?)
    };

    let mut plan = ModulePlan {
        name,
        model,
        feature: settings
            .features
            .then(|| format!("aim18-{}", module.text.trim_start_matches('_'))),
        module,
        entity,
        main,
        subs,
        search,
        verbatim_names: false,
    };
    plan.verbatim_names = plan.module.verbatim
        || plan.type_names().iter().any(|n| n.verbatim)
        || plan
            .tables()
            .flat_map(|t| &t.columns)
            .any(|c| c.name.verbatim)
        || plan.subs.iter().any(|s| s.field.verbatim)
        || plan
            .search
            .as_ref()
            .is_some_and(|s| s.columns.iter().any(|c| c.name.verbatim));
    Ok(plan)
}

fn plan_table<'a>(owner: &str, table: &'a Table, ty: Name, main: bool) -> Result<TablePlan<'a>> {
    let wires: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let names = naming::unique(
        &format!("{owner}, table {}", table.name),
        "column",
        &wires,
        Case::Snake,
        &[],
        "_",
    )?;
    let columns = table
        .columns
        .iter()
        .zip(names)
        .map(|(column, name)| ColumnPlan {
            column,
            name,
            ty: typemap::map(column),
            optional: !(main && column.name == "id"),
        })
        .collect();
    Ok(TablePlan { table, ty, columns })
}

fn plan_search<'a>(owner: &str, model: &'a Aim18Model, ty: Name) -> Result<SearchPlan<'a>> {
    let mut cols: Vec<(&'a str, Aim18Type, Option<&'a Column>)> = model
        .main_table
        .columns
        .iter()
        .map(|c| (c.name.as_str(), typemap::map(c), Some(c)))
        .collect();
    for (wire, t) in LOOKUP_COLUMNS {
        if model.main_table.column(wire).is_none() {
            cols.push((wire, *t, None));
        }
    }
    let wires: Vec<&str> = cols.iter().map(|(w, _, _)| *w).collect();
    let names = naming::unique(
        &format!("{owner}, search row"),
        "column",
        &wires,
        Case::Snake,
        &["extra"],
        "_",
    )?;
    let columns = cols
        .into_iter()
        .zip(names)
        .map(|((wire, ty, from_main), name)| SearchColumn {
            wire,
            name,
            ty,
            from_main,
        })
        .collect();
    Ok(SearchPlan {
        ty,
        columns,
        extra: Name {
            text: "extra".into(),
            raw: false,
            verbatim: false,
        },
        lookups: model.search_types.iter().map(String::as_str).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::aim18::Aim18Model;

    fn col(name: &str, class: &str, ct: i64) -> Column {
        Column {
            name: name.into(),
            field_class: class.into(),
            field_class_name: String::new(),
            class_type: ct,
        }
    }

    fn schema(main: Vec<Column>, subs: Vec<Table>) -> Aim18Schema {
        let mut s = Aim18Schema::new("t");
        let m = Aim18Model::new(
            "m",
            "m",
            Table {
                name: "mainm".into(),
                columns: main,
            },
            subs,
            [],
        )
        .unwrap();
        s.insert("m", m).unwrap();
        s
    }

    #[test]
    fn the_main_table_needs_an_integer_id() {
        let settings = Settings::default();
        let s = schema(vec![col("code", "java.lang.String", 0)], vec![]);
        let e = Aim18Plan::new(&s, &settings).err().unwrap();
        assert_eq!(
            e.to_string(),
            "aim18 module m, main table mainm: no `id` column: cannot identify records"
        );
        let s = schema(vec![col("id", "java.lang.String", 0)], vec![]);
        let e = Aim18Plan::new(&s, &settings).err().unwrap();
        assert!(
            e.to_string()
                .ends_with("is read as `String`, not an integer: cannot identify records")
        );
    }

    #[test]
    fn names_take_the_shared_ladder_or_fail_loudly() {
        let settings = Settings {
            features: true,
            ..Settings::default()
        };
        let s = schema(
            vec![
                col("id", "java.lang.Long", 10),
                col("fooBar", "java.lang.String", 0),
                col("foo_bar", "java.lang.String", 0),
            ],
            vec![Table {
                name: "main".into(),
                columns: vec![],
            }],
        );
        let plan = Aim18Plan::new(&s, &settings).unwrap();
        let m = &plan.modules[0];
        let cols: Vec<String> = m.main.columns.iter().map(|c| c.name.display()).collect();
        assert_eq!(cols, ["id", "fooBar", "foo_bar"]);
        assert!(m.verbatim_names);
        assert_eq!(m.subs[0].field.text, "main_rows");
        assert_eq!(m.feature.as_deref(), Some("aim18-m"));
        assert_eq!(
            (m.entity.text.as_str(), m.main.ty.text.as_str()),
            ("M", "MainmRow")
        );
        // Two columns that no spelling tells apart: the hash rung.
        let s = schema(
            vec![
                col("id", "java.lang.Long", 10),
                col("a b", "java.lang.String", 0),
                col("a_b", "java.lang.String", 0),
                col("a\tb", "java.lang.String", 0),
            ],
            vec![],
        );
        let plan = Aim18Plan::new(&s, &settings).unwrap();
        let cols: Vec<String> = plan.modules[0]
            .main
            .columns
            .iter()
            .map(|c| c.name.display())
            .collect();
        assert_eq!(cols, ["id", "a_b_10a3f9f2", "a_b", "a_b_42e2b167"]);
    }
}
