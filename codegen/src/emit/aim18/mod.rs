//! aiM18 snapshot → Rust source files, through the same pipeline as Odoo:
//! the shared naming ladder ([`crate::naming`]), doc escaping
//! ([`super::docs`]), file layout ([`super::layout`]) and formatting
//! (`emit::format`). What is aiM18's own is the type table
//! ([`crate::typemap::aim18`]) and the items: row structs, the entity, the
//! search row ([`items`]); the typed calls are the client's generic ones
//! (`client.read_entity::<Cus>(id)`, `client.lookup::<CusSearchRow>(..)`).
//!
//! Generated code needs `serde`, `serde_json` and `chrono` next to the runtime.

pub mod items;
pub mod plan;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::error::Result;
use crate::schema::aim18::Aim18Schema;

use super::docs::code;
use super::layout::{self, Support, Unit};
use super::{OutputFile, Settings, header};

pub use plan::Aim18Plan;

/// Generate the files for `schema`. Pure: the same inputs always give the
/// same bytes, and nothing touches the disk.
pub fn generate(schema: &Aim18Schema, settings: &Settings) -> Result<Vec<OutputFile>> {
    let plan = Aim18Plan::new(schema, settings)?;
    files(&plan, settings)
}

/// Every file of the chosen layout.
pub fn files(plan: &Aim18Plan<'_>, settings: &Settings) -> Result<Vec<OutputFile>> {
    let rt = settings.runtime();
    let support = [Support {
        name: "prelude",
        single_doc: vec!["Entities and row types of every module, and the runtime traits.".into()],
        tree_doc: vec![
            "Entities and row types of every enabled module, and the runtime traits.".into(),
        ],
        items: gen_prelude(plan, &rt),
    }];
    let units: Vec<Unit> = plan
        .modules
        .iter()
        .map(|m| Unit {
            module: m.module.clone(),
            feature: m.feature.clone(),
            verbatim_names: m.verbatim_names,
            // Not computed for aiM18 yet: a column named `foo` would need
            // `allow(clippy::disallowed_names)` under `clippy -D warnings`.
            placeholder_names: false,
            docs: items::module_docs(m),
            decl_doc: items::decl_doc(m),
            items: items::module_items(m, &rt),
            splices: Vec::new(),
            label: format!("aim18 module {}", m.name),
        })
        .collect();
    layout::files(
        &settings.layout,
        &header(settings),
        &index_docs(plan),
        &support,
        &units,
    )
}

fn index_docs(plan: &Aim18Plan<'_>) -> Vec<String> {
    let mut docs = vec![
        format!(
            "aiM18 bindings ({}): one module per aiM18 module ({} modules), and",
            code(&plan.schema.version),
            plan.modules.len()
        ),
        "`prelude` for the entities and their rows, which the generic calls of `Aim18Client`"
            .into(),
        "take (`client.read_entity::<Entity>(id)`, `client.lookup::<EntitySearchRow>(..)`).".into(),
    ];
    if plan.schema.version == crate::schema::aim18::FAKE_VERSION {
        docs.extend([
            String::new(),
            "**Not from a real aiM18 server.** This snapshot was fetched from the fake".into(),
            "aiM18 server of erpbind's `tests` package, whose table layouts follow aiM18's".into(),
            "public documentation and third-party code. Generate bindings for your".into(),
            "server with `codegen fetch aim18`.".into(),
        ]);
    }
    docs
}

/// Entities always; row and search-row types when no
/// other module has a type of the same name (they stay reachable through
/// their module either way).
fn gen_prelude(plan: &Aim18Plan<'_>, rt: &TokenStream) -> TokenStream {
    let uses = plan.modules.iter().map(|m| {
        let cfg = layout::cfg(m.feature.as_deref());
        let module = m.module.ident();
        let entity = m.entity.ident();
        let rows = m
            .type_names()
            .into_iter()
            .skip(1)
            .filter(|n| plan.type_counts.get(&n.text) == Some(&1))
            .map(|n| n.ident());
        quote! {
            #cfg
            pub use super::#module::{ #entity, #( #rows ),* };
        }
    });
    quote! {
        pub use #rt::aim18::{Aim18Client, SearchQuery};
        pub use #rt::aim18::{Aim18Entity as _, Aim18Row as _, Aim18Save as _};
        #( #uses )*
    }
}

/// The aiM18 part of the bundled crate's `lib.rs` and `Cargo.toml`.
pub struct CratePart {
    /// Doc lines for `lib.rs`.
    pub docs: Vec<String>,
    /// `pub mod <module>;` in `lib.rs`.
    pub module: Ident,
    /// Cargo features, one per module, sorted.
    pub features: Vec<String>,
    /// The feature enabling all of them.
    pub all_feature: String,
}

/// The crate part for the bundled crate: features `aim18-<module>`, and
/// `aim18` for all of them.
pub fn crate_part(plan: &Aim18Plan<'_>, settings: &Settings) -> CratePart {
    let features: Vec<String> = plan
        .modules
        .iter()
        .filter_map(|m| m.feature.clone())
        .collect();
    let mut docs = vec![
        format!(
            "`aim18`: aiM18 bindings for {} modules, generated from {}.",
            plan.modules.len(),
            settings.source
        ),
        "Each module sits behind the feature `aim18-<module>` (`aim18` enables them all):".into(),
        String::new(),
        "| feature | module | tables |".into(),
        "|---|---|---|".into(),
    ];
    for m in &plan.modules {
        let tables: Vec<String> = m.tables().map(|t| code(&t.table.name)).collect();
        docs.push(format!(
            "| {} | {} | {} |",
            m.feature.as_deref().map(code).unwrap_or_default(),
            code(m.name),
            tables.join(", ")
        ));
    }
    CratePart {
        docs,
        module: Ident::new("aim18", Span::call_site()),
        features,
        all_feature: "aim18".into(),
    }
}
