//! The files around the model modules: `mod.rs`, `rel.rs` (relation targets,
//! where the cargo features are resolved once per model instead of once per
//! field), `prelude.rs`, and for the bundled crate `lib.rs` and `Cargo.toml`.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Result;

use super::docs::{self, code};
use super::layout::{self, Support, Unit};
use super::model::{model_items, module_docs};
use super::plan::SchemaPlan;
use super::{OutputFile, Settings, format, header};

fn gen_rel(plan: &SchemaPlan<'_>, settings: &Settings) -> TokenStream {
    let rt = settings.runtime();
    let aliases = plan.models.iter().map(|m| {
        let ty = m.ty.ident();
        let module = m.module.ident();
        let allow =
            m.ty.verbatim
                .then(|| quote!(#[allow(non_camel_case_types)]));
        match &m.feature {
            Some(f) => quote! {
                #[cfg(feature = #f)]
                #allow
                pub type #ty = super::#module::#ty;
                #[cfg(not(feature = #f))]
                #allow
                pub type #ty = #rt::AnyModel;
            },
            None => quote! {
                #allow
                pub type #ty = super::#module::#ty;
            },
        }
    });
    quote! { #( #aliases )* }
}

fn verify_docs() -> Vec<String> {
    vec![
        "Drift checks: the models compiled in, and `client.verify_all()` (with".into(),
        "the trait `VerifyAll` in scope; the prelude brings it).".into(),
    ]
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
        let cfg = layout::cfg(m.feature.as_deref());
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
            quote!(pub use #rt::odoo::wire::#t;)
        });
    let domain = (!taken.contains("Domain")).then(|| quote!(pub use #rt::Domain;));
    // Traits are imported unnamed: their wrappers are callable, their names take no room.
    let mixins = plan.mixins.iter().map(|t| {
        let t = t.ty.ident();
        quote!(pub use super::mixins::#t as _;)
    });
    quote! {
        pub use #rt::odoo::fields::FieldHandle as _;
        pub use #rt::odoo::wire::Selection as _;
        pub use #rt::{CreateValues as _, Model as _, UpdateValues as _};
        pub use super::verify::VerifyAll as _;
        #( #mixins )*
        #domain
        #( #runtime_types )*
        #( #uses )*
    }
}

/// The drift-check registry: every model compiled in, and `client.verify_all()`.
fn gen_verify(plan: &SchemaPlan<'_>, settings: &Settings) -> TokenStream {
    let rt = settings.runtime();
    let specs = plan.models.iter().filter(|m| m.has_model_impl()).map(|m| {
        let cfg = layout::cfg(m.feature.as_deref());
        let module = m.module.ident();
        let ty = m.ty.ident();
        quote! {
            #cfg
            #rt::odoo::verify::ModelSpec::generated::<super::#module::#ty>()
        }
    });
    // Key lists several models' specs share, written once (see `SchemaPlan::shared_keys`).
    let shared = plan.shared_keys.iter().map(|(keys, name)| {
        let name = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
        let doc = docs::outer(&[format!(
            "Selection keys shared by several fields' drift specs ({} keys).",
            keys.len()
        )]);
        quote! {
            #doc
            #[doc(hidden)]
            pub const #name: &[&str] = &[ #( #keys ),* ];
        }
    });
    quote! {
        /// Every model compiled in (with its cargo feature on, when models have features),
        /// with the fields it was generated from and a typed read of it (`sample`).
        pub const MODELS: &[#rt::odoo::verify::ModelSpec] = &[ #( #specs ),* ];

        #( #shared )*

        /// `client.verify_all()`: compare every model in [`MODELS`] with the server's
        /// `fields_get` (see `runtime::odoo::verify`); awaited on the async client, the report
        /// itself on the blocking one.
        pub trait VerifyAll {
            /// The client's mode.
            type Mode: #rt::odoo::Exec;
            /// The mismatches between these bindings and the server, by model and field.
            fn verify_all(
                &self,
            ) -> <Self::Mode as #rt::odoo::Exec>::Output<'_, #rt::odoo::verify::DriftReport>;
        }

        impl<X: #rt::odoo::Exec> VerifyAll for #rt::odoo::Client<X> {
            type Mode = X;
            fn verify_all(&self) -> X::Output<'_, #rt::odoo::verify::DriftReport> {
                self.verify_models(MODELS)
            }
        }
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
    let mut support = vec![
        Support {
            name: "rel",
            single_doc: rel_docs(),
            tree_doc: rel_docs(),
            items: gen_rel(plan, settings),
        },
        Support {
            name: "prelude",
            single_doc: vec![
                "Record, create and update types of every model, and the runtime traits.".into(),
            ],
            tree_doc: vec![
                "Record, create and update types of every enabled model, and the runtime traits."
                    .into(),
            ],
            items: gen_prelude(plan, settings),
        },
        Support {
            name: "verify",
            single_doc: verify_docs(),
            tree_doc: verify_docs(),
            items: gen_verify(plan, settings),
        },
    ];
    if !plan.mixins.is_empty() {
        support.push(Support {
            name: "mixins",
            single_doc: super::mixins::mixins_docs(),
            tree_doc: super::mixins::mixins_docs(),
            items: super::mixins::gen_mixins(plan, &settings.runtime()),
        });
    }
    let unit = |i: usize| {
        let m = &plan.models[i];
        let mut splices = Vec::new();
        let items = model_items(plan, m, settings, &mut splices);
        Unit {
            module: m.module.clone(),
            feature: m.feature.clone(),
            verbatim_names: m.verbatim_names,
            placeholder_names: m.placeholder_names,
            docs: module_docs(m),
            decl_doc: match &m.model.description {
                Some(d) => format!("{}: {}", code(m.name), docs::escape_line(d)),
                None => code(m.name),
            },
            items,
            splices,
            label: m.name.to_owned(),
        }
    };
    layout::files_par(
        &settings.layout,
        &header(settings),
        &mod_docs(plan),
        &support,
        plan.models.len(),
        &unit,
    )
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
///
/// `aim18`: the aiM18 bindings next to the Odoo ones (module `aim18`, its
/// features on by default: each is a handful of small structs).
pub fn crate_files(
    plan: &SchemaPlan<'_>,
    settings: &Settings,
    defaults: &[&str],
    aim18: Option<&super::aim18::CratePart>,
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
    let aim18_mod = aim18.map(|part| {
        lines.push(String::new());
        lines.extend(part.docs.iter().cloned());
        let module = &part.module;
        quote! {
            #[rustfmt::skip]
            pub mod #module;
        }
    });
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
            #aim18_mod
        },
        "lib.rs",
    )?;

    let mut toml = String::new();
    toml.push_str(&format!(
        "# @generated by erpbind codegen from {}. Do not edit by hand:\n# run `cargo run -p codegen` instead.\n",
        settings.source
    ));
    let erps = if aim18.is_some() {
        "Odoo and aiM18"
    } else {
        "Odoo"
    };
    toml.push_str(&format!(
        "[package]\nname = \"generated\"\nversion = \"0.1.0\"\nedition.workspace = true\nlicense.workspace = true\npublish.workspace = true\ndescription = \"Typed {erps} bindings generated by erpbind codegen (do not edit by hand)\"\n\n",
    ));
    toml.push_str("[dependencies]\nruntime.workspace = true\nserde.workspace = true\nserde_json.workspace = true\nchrono.workspace = true\n");
    toml.push('\n');
    toml.push_str(
        "# One feature per Odoo module that defines models; none needs another.\n[features]\n",
    );
    let quoted = |v: &[&str]| {
        v.iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let aim18_feats: Vec<&str> = aim18
        .map(|p| p.features.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut default: Vec<&str> = defaults.to_vec();
    default.extend(&aim18_feats);
    toml.push_str(&format!("default = [{}]\n", quoted(&default)));
    let mut all: Vec<&str> = feats.keys().map(String::as_str).collect();
    all.extend(&aim18_feats);
    toml.push_str(&format!("full = [{}]\n", quoted(&all)));
    for f in feats.keys() {
        toml.push_str(&format!("{f} = []\n"));
    }
    if let Some(part) = aim18 {
        toml.push_str(&format!(
            "# aiM18: one feature per module; `{}` enables them all.\n{} = [{}]\n",
            part.all_feature,
            part.all_feature,
            quoted(&aim18_feats)
        ));
        for f in &aim18_feats {
            toml.push_str(&format!("{f} = []\n"));
        }
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
