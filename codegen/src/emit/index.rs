//! The files around the model modules: `mod.rs`, `rel.rs` (relation targets,
//! where the cargo features are resolved once per model instead of once per
//! field), `prelude.rs`, and for the bundled crate `lib.rs` and `Cargo.toml`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Result;

use super::docs::{self, code};
use super::model::{model_items, module_docs};
use super::plan::{ModelPlan, SchemaPlan};
use super::{Layout, OutputFile, Settings, format, header};

fn cfg(m: &ModelPlan<'_>) -> TokenStream {
    match &m.feature {
        Some(f) => quote!(#[cfg(feature = #f)]),
        None => quote!(),
    }
}

fn allow(m: &ModelPlan<'_>, inner: bool) -> TokenStream {
    if !m.verbatim_names {
        return quote!();
    }
    // Names kept verbatim by the collision ladder (`fooBar` next to `foo_bar`).
    if inner {
        quote!(#![allow(non_snake_case, non_camel_case_types)])
    } else {
        quote!(#[allow(non_snake_case, non_camel_case_types)])
    }
}

fn gen_rel(plan: &SchemaPlan<'_>, settings: &Settings) -> TokenStream {
    let rt = settings.runtime();
    let aliases = plan.models.iter().map(|m| {
        let ty = m.ty.ident();
        let module = m.module.ident();
        match &m.feature {
            Some(f) => quote! {
                #[cfg(feature = #f)]
                pub type #ty = super::#module::#ty;
                #[cfg(not(feature = #f))]
                pub type #ty = #rt::wire::AnyModel;
            },
            None => quote! {
                pub type #ty = super::#module::#ty;
            },
        }
    });
    quote! { #( #aliases )* }
}

fn rel_docs() -> Vec<String> {
    vec![
        "Relation targets: one alias per model, naming its record type, or".into(),
        "`AnyModel` when the model's cargo feature is off. Relation fields name".into(),
        "these aliases, so a relation to a disabled model is an untyped reference".into(),
        "(id and display name) and no feature needs another to compile.".into(),
    ]
}

fn gen_prelude(plan: &SchemaPlan<'_>, settings: &Settings) -> TokenStream {
    let rt = settings.runtime();
    let taken: BTreeSet<String> = plan.models.iter().map(|m| m.ty.text.clone()).collect();
    let uses = plan.models.iter().map(|m| {
        let cfg = cfg(m);
        let module = m.module.ident();
        let ty = m.ty.ident();
        let mut names = vec![quote!(#ty)];
        if m.prelude_create {
            let c = proc_macro2::Ident::new(&m.create_ty, proc_macro2::Span::call_site());
            names.push(quote!(#c));
        }
        if m.prelude_update {
            let u = proc_macro2::Ident::new(&m.update_ty, proc_macro2::Span::call_site());
            names.push(quote!(#u));
        }
        quote! {
            #cfg
            pub use super::#module::{ #( #names ),* };
        }
    });
    let runtime_types = ["Command", "Many2One", "X2Many", "Reference", "Binary"]
        .into_iter()
        .filter(|t| !taken.contains(*t))
        .map(|t| {
            let t = proc_macro2::Ident::new(t, proc_macro2::Span::call_site());
            quote!(pub use #rt::wire::#t;)
        });
    let domain = (!taken.contains("Domain")).then(|| quote!(pub use #rt::Domain;));
    quote! {
        pub use #rt::fields::FieldHandle as _;
        pub use #rt::wire::Selection as _;
        pub use #rt::{CreateValues as _, Model as _, UpdateValues as _};
        #domain
        #( #runtime_types )*
        #( #uses )*
    }
}

fn mod_docs(plan: &SchemaPlan<'_>) -> Vec<String> {
    vec![
        format!(
            "Odoo {} bindings: one module per model ({} models), `rel` for relation",
            plan.schema.version,
            plan.models.len()
        ),
        "targets and `prelude` for the record, create and update types.".into(),
    ]
}

/// Every file of the chosen layout.
pub fn files(plan: &SchemaPlan<'_>, settings: &Settings) -> Result<Vec<OutputFile>> {
    let head = header(settings);
    let rel = gen_rel(plan, settings);
    let prelude = gen_prelude(plan, settings);
    match &settings.layout {
        Layout::SingleFile(name) => {
            let modules = plan.models.iter().map(|m| {
                let doc = docs::outer(&module_docs(m));
                let cfg = cfg(m);
                let allow = allow(m, false);
                let module = m.module.ident();
                let items = model_items(plan, m, settings);
                quote! {
                    #doc
                    #cfg
                    #allow
                    pub mod #module {
                        #items
                    }
                }
            });
            let rel_doc = docs::outer(&rel_docs());
            let tokens = quote! {
                #rel_doc
                pub mod rel {
                    #rel
                }
                /// Record, create and update types of every model, and the runtime traits.
                pub mod prelude {
                    #prelude
                }
                #( #modules )*
            };
            Ok(vec![OutputFile {
                path: PathBuf::from(name),
                contents: format(&head, tokens, "(all models)")?,
            }])
        }
        Layout::Tree => {
            let mut out = Vec::with_capacity(plan.models.len() + 3);
            let decls = plan.models.iter().map(|m| {
                let cfg = cfg(m);
                let module = m.module.ident();
                let doc = match &m.model.description {
                    Some(d) => format!("{}: {}", code(m.name), docs::escape_line(d)),
                    None => code(m.name),
                };
                let doc = docs::outer(&[doc]);
                quote! { #doc #cfg pub mod #module; }
            });
            let mod_doc = docs::inner(&mod_docs(plan));
            out.push(OutputFile {
                path: "mod.rs".into(),
                contents: format(
                    &head,
                    quote! {
                        #mod_doc
                        pub mod prelude;
                        pub mod rel;
                        #( #decls )*
                    },
                    "mod.rs",
                )?,
            });
            let rel_doc = docs::inner(&rel_docs());
            out.push(OutputFile {
                path: "rel.rs".into(),
                contents: format(&head, quote! { #rel_doc #rel }, "rel.rs")?,
            });
            out.push(OutputFile {
                path: "prelude.rs".into(),
                contents: format(
                    &head,
                    quote! {
                        //! Record, create and update types of every enabled model, and the runtime traits.
                        #prelude
                    },
                    "prelude.rs",
                )?,
            });
            for m in &plan.models {
                let doc = docs::inner(&module_docs(m));
                let allow = allow(m, true);
                let items = model_items(plan, m, settings);
                let contents = format(&head, quote! { #doc #allow #items }, m.name)?;
                out.push(OutputFile {
                    path: format!("{}.rs", m.module.text).into(),
                    contents,
                });
            }
            Ok(out)
        }
    }
}

/// Features of the bundled crate: one per defining module, plus the default set.
pub fn features(plan: &SchemaPlan<'_>, defaults: &[&str]) -> BTreeMap<String, usize> {
    let mut out: BTreeMap<String, usize> = defaults.iter().map(|d| (d.to_string(), 0)).collect();
    for m in &plan.models {
        *out.entry(m.model.module.clone()).or_default() += 1;
    }
    out
}

/// `lib.rs` and `Cargo.toml` of the bundled `generated` crate.
pub fn crate_files(
    plan: &SchemaPlan<'_>,
    settings: &Settings,
    defaults: &[&str],
) -> Result<Vec<OutputFile>> {
    let feats = features(plan, defaults);
    let mut by_feature: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for m in &plan.models {
        by_feature
            .entry(m.model.module.as_str())
            .or_default()
            .push(m.name);
    }
    let mut lines = vec![
        format!(
            "Typed bindings for Odoo {}: {} models, generated by erpbind codegen from",
            plan.schema.version,
            plan.models.len()
        ),
        format!("{}.", settings.source),
        String::new(),
        "Each model sits behind the cargo feature of the Odoo module that defines it;".into(),
        format!(
            "the default features are {}. A relation to a model",
            defaults
                .iter()
                .map(|d| code(d))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "whose feature is off is an untyped reference (`Many2One<AnyModel>`): no".into(),
        "feature depends on another. `full` enables every model.".into(),
        String::new(),
        "| feature | models |".into(),
        "|---|---|".into(),
    ];
    for (f, n) in &feats {
        let sample: Vec<String> = by_feature
            .get(f.as_str())
            .map(|v| v.iter().take(4).map(|m| code(m)).collect())
            .unwrap_or_default();
        let more = if *n > sample.len() {
            format!(", … ({n} in all)")
        } else {
            String::new()
        };
        let list = if sample.is_empty() {
            "(none: defines no model, kept for the default set)".to_owned()
        } else {
            format!("{}{more}", sample.join(", "))
        };
        lines.push(format!("| {} | {list} |", code(f)));
    }
    let doc = docs::inner(&lines);
    let lib = format(
        &header(settings),
        quote! {
            #doc
            // prettyplease formats the generated tree; rustfmt would disagree
            // in places and `cargo fmt --check` must not fail on it.
            #[rustfmt::skip]
            pub mod odoo;
            pub use odoo::prelude;
        },
        "lib.rs",
    )?;

    let mut toml = String::new();
    toml.push_str(&format!(
        "# @generated by erpbind codegen from {}. Do not edit by hand:\n# run `cargo run -p codegen` instead.\n",
        settings.source
    ));
    toml.push_str(
        "[package]\nname = \"generated\"\nversion = \"0.1.0\"\nedition.workspace = true\nlicense.workspace = true\npublish.workspace = true\ndescription = \"Typed Odoo bindings generated by erpbind codegen (do not edit by hand)\"\n\n",
    );
    toml.push_str("[dependencies]\nruntime.workspace = true\nserde.workspace = true\nserde_json.workspace = true\nchrono.workspace = true\n\n");
    toml.push_str(
        "# One feature per Odoo module that defines models; none needs another.\n[features]\n",
    );
    let quoted = |v: &[&str]| {
        v.iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    toml.push_str(&format!("default = [{}]\n", quoted(defaults)));
    let all: Vec<&str> = feats.keys().map(String::as_str).collect();
    toml.push_str(&format!("full = [{}]\n", quoted(&all)));
    for f in feats.keys() {
        toml.push_str(&format!("{f} = []\n"));
    }
    Ok(vec![
        OutputFile {
            path: "src/lib.rs".into(),
            contents: lib,
        },
        OutputFile {
            path: "Cargo.toml".into(),
            contents: toml,
        },
    ])
}
