//! One aiM18 module's items: a row struct per table (main and sub tables)
//! implementing `Aim18Row`, the entity (main row plus a `Vec` per sub table)
//! implementing `Aim18Entity` and `Aim18Save`, the search row, and the typed
//! calls on `Aim18Client`. As in `#[derive(Model)]` for aiM18, each column is
//! one call to a generic runtime helper (`RowReader::get`, `RowWriter::set`,
//! `read_rows`, `write_rows`): the classType rules live in the runtime.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::{self, code};
use crate::typemap::aim18::{Aim18Type, class};

use super::plan::{ColumnPlan, ModulePlan, SearchPlan, TablePlan};

fn value_type(t: Aim18Type) -> TokenStream {
    match t {
        Aim18Type::I64 => quote!(i64),
        Aim18Type::I32 => quote!(i32),
        Aim18Type::F64 => quote!(f64),
        Aim18Type::String => quote!(String),
        Aim18Type::Bool => quote!(bool),
        Aim18Type::Date => quote!(::chrono::NaiveDate),
        Aim18Type::DateTime => quote!(::chrono::NaiveDateTime),
        Aim18Type::Json => quote!(::serde_json::Value),
    }
}

fn field_type(t: Aim18Type, optional: bool) -> TokenStream {
    let v = value_type(t);
    // A JSON value has its own empty form (`null`).
    if optional && t != Aim18Type::Json {
        quote!(Option<#v>)
    } else {
        v
    }
}

/// `java.lang.Long`, classType 10 (Num).
fn column_facts(c: &ColumnPlan<'_>) -> String {
    let col = c.column;
    let class_name = class::name(col.class_type)
        .map(|n| format!(" ({n})"))
        .unwrap_or_else(|| " (unknown)".into());
    let mut s = format!(
        "{}, classType {}{class_name}",
        code(&col.field_class),
        col.class_type
    );
    if c.ty == Aim18Type::Json {
        s.push_str(": kept as the JSON the server sends");
    }
    s.push('.');
    s
}

/// The items of one module, and its module docs.
pub fn module_items(m: &ModulePlan<'_>, rt: &TokenStream) -> TokenStream {
    let main = gen_row(m, &m.main, rt, true);
    let subs = m.subs.iter().map(|s| gen_row(m, &s.table, rt, false));
    let entity = gen_entity(m, rt);
    let search = m.search.as_ref().map(|s| gen_search_row(m, s, rt));
    quote! {
        #entity
        #main
        #( #subs )*
        #search
    }
}

pub fn module_docs(m: &ModulePlan<'_>) -> Vec<String> {
    let model = m.model;
    let mut lines = vec![format!(
        "aiM18 module {} (menu code {}), from its create service's empty template.",
        code(m.name),
        code(&model.menu_code)
    )];
    lines.push(String::new());
    let mut facts = format!("Main table {}", code(&model.main_table.name));
    if model.sub_tables.is_empty() {
        facts.push_str("; no sub tables");
    } else {
        let subs: Vec<String> = model.sub_tables.iter().map(|t| code(&t.name)).collect();
        facts.push_str(&format!("; sub tables {}", subs.join(", ")));
    }
    if !model.search_types.is_empty() {
        let st: Vec<String> = model.search_types.iter().map(|s| code(s)).collect();
        facts.push_str(&format!("; lookups {}", st.join(", ")));
    }
    facts.push('.');
    lines.push(facts);
    lines.push(String::new());
    let entity = m.entity.display();
    lines.push(format!(
        "{} holds a record (the main row and every sub table's rows), for the client's",
        code(&entity)
    ));
    lines.push(format!(
        "typed calls: `client.read_entity::<{entity}>(id)`, `new_entity`, `save_entity`,"
    ));
    lines.push(match &m.search {
        Some(s) => format!(
            "`delete_entity`, and `client.lookup::<{}>(refine, page_size)`.",
            s.ty.display()
        ),
        None => "`delete_entity`.".into(),
    });
    lines
}

pub fn decl_doc(m: &ModulePlan<'_>) -> String {
    format!(
        "aiM18 module {} (menu code {}).",
        code(m.name),
        code(&m.model.menu_code)
    )
}

fn gen_row(m: &ModulePlan<'_>, t: &TablePlan<'_>, rt: &TokenStream, main: bool) -> TokenStream {
    let a = quote!(#rt::aim18);
    let ty = t.ty.ident();
    let table = t.table.name.as_str();
    let doc = docs::outer(&[
        if main {
            format!(
                "The main table {} of module {}: the record's own row.",
                code(table),
                code(m.name)
            )
        } else {
            format!(
                "A row of the sub table {} of module {}.",
                code(table),
                code(m.name)
            )
        },
        String::new(),
        "Empty cells are `None` (`Value::Null` for columns kept as JSON).".into(),
    ]);
    let fields = t.columns.iter().map(|c| {
        let name = c.name.ident();
        let ty = field_type(c.ty, c.optional);
        let doc = docs::outer(&[code(&c.column.name), String::new(), column_facts(c)]);
        quote! { #doc pub #name: #ty, }
    });
    let wires: Vec<&str> = t.columns.iter().map(|c| c.column.name.as_str()).collect();
    let names: Vec<_> = t.columns.iter().map(|c| c.name.ident()).collect();
    let id = t.columns.iter().find(|c| c.column.name == "id");
    let row_id = match id {
        Some(c) if matches!(c.ty, Aim18Type::I64 | Aim18Type::I32) => {
            let f = c.name.ident();
            match (c.optional, c.ty) {
                (false, Aim18Type::I64) => quote!(::core::option::Option::Some(self.#f)),
                (false, _) => quote!(::core::option::Option::Some(i64::from(self.#f))),
                (true, Aim18Type::I64) => quote!(self.#f),
                (true, _) => quote!(self.#f.map(i64::from)),
            }
        }
        _ => quote!(::core::option::Option::None),
    };
    let (reader, writer) = if t.columns.is_empty() {
        (quote!(_row), quote!(_row))
    } else {
        (quote!(row), quote!(row))
    };
    quote! {
        #doc
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #ty {
            #( #fields )*
        }

        impl #a::Aim18Row for #ty {
            const TABLE: &'static str = #table;
            const COLUMNS: &'static [&'static str] = &[ #( #wires ),* ];
            #[inline]
            fn row_id(&self) -> Option<i64> {
                #row_id
            }
            fn from_row(#reader: &#a::RowReader<'_>) -> #rt::Result<Self> {
                Ok(#ty {
                    #( #names: #reader.get(#wires)?, )*
                })
            }
            fn write_row(&self, #writer: &mut #a::RowWriter<'_>) -> #rt::Result<()> {
                #( #writer.set(#wires, &self.#names)?; )*
                Ok(())
            }
        }
    }
}

fn gen_entity(m: &ModulePlan<'_>, rt: &TokenStream) -> TokenStream {
    let a = quote!(#rt::aim18);
    let ty = m.entity.ident();
    let main_ty = m.main.ty.ident();
    let module = m.name;
    let menu = m.model.menu_code.as_str();
    let main_table = m.main.table.name.as_str();
    let id = m
        .main
        .columns
        .iter()
        .find(|c| c.column.name == "id")
        .expect("the plan checked that the main table has an integer `id`");
    let id_field = id.name.ident();
    let id_expr = if id.ty == Aim18Type::I64 {
        quote!(self.main.#id_field)
    } else {
        quote!(i64::from(self.main.#id_field))
    };
    let doc = docs::outer(&[
        format!(
            "A record of aiM18 module {} (menu code {}): its main row and the rows of each sub table.",
            code(module),
            code(menu)
        ),
        String::new(),
        "Saving writes every column and replaces each sub table's rows: rows are".into(),
        "matched by `id`, rows without one are added, rows left out are removed.".into(),
    ]);
    let sub_fields = m.subs.iter().map(|s| {
        let f = s.field.ident();
        let row = s.table.ty.ident();
        let doc = docs::outer(&[format!("Sub table {}.", code(&s.table.table.name))]);
        quote! { #doc pub #f: Vec<#row>, }
    });
    let sub_tables: Vec<&str> = m.subs.iter().map(|s| s.table.table.name.as_str()).collect();
    let reads = m.subs.iter().map(|s| {
        let f = s.field.ident();
        let row = s.table.ty.ident();
        let table = s.table.table.name.as_str();
        quote! { #f: #a::read_rows::<#row>(entity, #table)?, }
    });
    let writes = m.subs.iter().map(|s| {
        let f = s.field.ident();
        let row = s.table.ty.ident();
        let table = s.table.table.name.as_str();
        quote! { #a::write_rows::<#row>(entity, #table, &self.#f)?; }
    });
    let main_doc = docs::outer(&[format!(
        "The main table {}: the record's own row.",
        code(main_table)
    )]);
    quote! {
        #doc
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #ty {
            #main_doc
            pub main: #main_ty,
            #( #sub_fields )*
        }

        impl #a::Aim18Entity for #ty {
            const MODULE: &'static str = #module;
            const MENU_CODE: &'static str = #menu;
            const MAIN_TABLE: Option<&'static str> = Some(#main_table);
            const COLUMNS: &'static [&'static str] = <#main_ty as #a::Aim18Row>::COLUMNS;
            const SUB_TABLES: &'static [&'static str] = &[ #( #sub_tables ),* ];
            #[inline]
            fn id(&self) -> i64 {
                #id_expr
            }
            fn from_entity(entity: &#a::SqlEntity) -> #rt::Result<Self> {
                let main = #a::RowReader::main(entity, <Self as #a::Aim18Entity>::MAIN_TABLE)?;
                Ok(#ty {
                    main: <#main_ty as #a::Aim18Row>::from_row(&main)?,
                    #( #reads )*
                })
            }
        }

        impl #a::Aim18Save for #ty {
            fn write_entity(&self, entity: &mut #a::SqlEntity) -> #rt::Result<()> {
                #a::write_main(entity, <Self as #a::Aim18Entity>::MAIN_TABLE, |row| {
                    <#main_ty as #a::Aim18Row>::write_row(&self.main, row)
                })?;
                #( #writes )*
                Ok(())
            }
        }
    }
}

fn gen_search_row(m: &ModulePlan<'_>, s: &SearchPlan<'_>, rt: &TokenStream) -> TokenStream {
    let a = quote!(#rt::aim18);
    let ty = s.ty.ident();
    let extra = s.extra.ident();
    let lookups: Vec<String> = s.lookups.iter().map(|st| code(st)).collect();
    let wires = &s.lookups;
    let doc = docs::outer(&[
        format!(
            "A row of the lookup {} (search service) of module {}.",
            lookups.join(", "),
            code(m.name)
        ),
        String::new(),
        "A lookup's columns depend on its format: a column named like one of the".into(),
        "main table's is typed like it, the standard lookup columns (`st_id`,".into(),
        "`st_desc`, ...) are typed too, and every other column (dotted ones such".into(),
        "as `mainso.cusId.cus.code`) is kept in `extra`. Missing cells are `None`.".into(),
    ]);
    let fields = s.columns.iter().map(|c| {
        let name = c.name.ident();
        let ty = field_type(c.ty, c.wire != "id");
        let facts = match c.from_main {
            Some(col) => format!(
                "Typed like the main table's column ({}, classType {}).",
                code(&col.field_class),
                col.class_type
            ),
            None => "A standard lookup column.".into(),
        };
        let doc = docs::outer(&[code(c.wire), String::new(), facts]);
        quote! { #doc pub #name: #ty, }
    });
    let inits = s.columns.iter().map(|c| {
        let name = c.name.ident();
        let wire = c.wire;
        quote! { #name: search_cell(&mut row, #wire)?, }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #ty {
            #( #fields )*
            /// Every other column, as sent.
            pub #extra: ::serde_json::Map<String, ::serde_json::Value>,
        }

        impl<'de> ::serde::Deserialize<'de> for #ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let mut row = <::serde_json::Map<String, ::serde_json::Value> as ::serde::Deserialize>::deserialize(d)?;
                Ok(#ty {
                    #( #inits )*
                    #extra: row,
                })
            }
        }

        impl #a::Aim18Lookup for #ty {
            const LOOKUPS: &'static [&'static str] = &[ #( #wires ),* ];
        }

        /// Take `column` out of a search row, decoded as its field's type.
        fn search_cell<T: #a::FromCell, E: ::serde::de::Error>(
            row: &mut ::serde_json::Map<String, ::serde_json::Value>,
            column: &str,
        ) -> Result<T, E> {
            #a::deserialize_cell(row.remove(column).unwrap_or_default())
                .map_err(|e| E::custom(format_args!("column `{column}`: {e}")))
        }
    }
}
