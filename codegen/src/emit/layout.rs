//! File layout, shared by every ERP: one module per model (a file each in
//! [`Layout::Tree`], inline in [`Layout::SingleFile`]), next to a few
//! support modules (`rel`, `prelude`), each behind its cargo feature.
//! The ERP emitters only build the items; this module decides where they go.

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Result;
use crate::naming::Name;

use super::docs;
use super::{Layout, OutputFile, format};

/// A support module (`prelude`, `rel`).
pub struct Support {
    pub name: &'static str,
    /// Its doc in the single file (outer) and in its own file (inner).
    pub single_doc: Vec<String>,
    pub tree_doc: Vec<String>,
    pub items: TokenStream,
}

/// One model's module.
pub struct Unit {
    pub module: Name,
    pub feature: Option<String>,
    /// Some name kept verbatim by the collision ladder: allow odd casing.
    pub verbatim_names: bool,
    /// Module docs (the file's inner docs, or the inline module's outer docs).
    pub docs: Vec<String>,
    /// The one-line doc of its declaration in `mod.rs`.
    pub decl_doc: String,
    pub items: TokenStream,
    /// Names the unit in errors (the model's source name).
    pub label: String,
}

impl Unit {
    pub fn cfg(&self) -> TokenStream {
        cfg(self.feature.as_deref())
    }

    fn allow(&self, inner: bool) -> TokenStream {
        if !self.verbatim_names {
            return quote!();
        }
        // Names kept verbatim by the collision ladder (`fooBar` next to `foo_bar`).
        if inner {
            quote!(#![allow(non_snake_case, non_camel_case_types)])
        } else {
            quote!(#[allow(non_snake_case, non_camel_case_types)])
        }
    }
}

/// `#[cfg(feature = "...")]`, or nothing.
pub fn cfg(feature: Option<&str>) -> TokenStream {
    match feature {
        Some(f) => quote!(#[cfg(feature = #f)]),
        None => quote!(),
    }
}

/// Every file of `layout`: the support modules in the given order, then the
/// units. In a tree, `mod.rs` (with `index_doc`) declares the support
/// modules alphabetically, then the units.
pub fn files(
    layout: &Layout,
    head: &str,
    index_doc: &[String],
    support: &[Support],
    units: &[Unit],
) -> Result<Vec<OutputFile>> {
    match layout {
        Layout::SingleFile(name) => {
            let support = support.iter().map(|s| {
                let doc = docs::outer(&s.single_doc);
                let name = proc_macro2::Ident::new(s.name, proc_macro2::Span::call_site());
                let items = &s.items;
                quote! {
                    #doc
                    pub mod #name {
                        #items
                    }
                }
            });
            let modules = units.iter().map(|u| {
                let doc = docs::outer(&u.docs);
                let cfg = u.cfg();
                let allow = u.allow(false);
                let module = u.module.ident();
                let items = &u.items;
                quote! {
                    #doc
                    #cfg
                    #allow
                    pub mod #module {
                        #items
                    }
                }
            });
            let tokens = quote! {
                #( #support )*
                #( #modules )*
            };
            Ok(vec![OutputFile {
                path: name.into(),
                contents: format(head, tokens, "(all models)")?,
            }])
        }
        Layout::Tree => {
            let mut out = Vec::with_capacity(units.len() + support.len() + 1);
            let mut names: Vec<&str> = support.iter().map(|s| s.name).collect();
            names.sort_unstable();
            let support_decls = names.iter().map(|n| {
                let n = proc_macro2::Ident::new(n, proc_macro2::Span::call_site());
                quote!(pub mod #n;)
            });
            let decls = units.iter().map(|u| {
                let cfg = u.cfg();
                let module = u.module.ident();
                let doc = docs::outer(std::slice::from_ref(&u.decl_doc));
                quote! { #doc #cfg pub mod #module; }
            });
            let mod_doc = docs::inner(index_doc);
            out.push(OutputFile {
                path: "mod.rs".into(),
                contents: format(
                    head,
                    quote! {
                        #mod_doc
                        #( #support_decls )*
                        #( #decls )*
                    },
                    "mod.rs",
                )?,
            });
            for s in support {
                let doc = docs::inner(&s.tree_doc);
                let items = &s.items;
                let file = format!("{}.rs", s.name);
                out.push(OutputFile {
                    contents: format(head, quote! { #doc #items }, &file)?,
                    path: file.into(),
                });
            }
            for u in units {
                let doc = docs::inner(&u.docs);
                let allow = u.allow(true);
                let items = &u.items;
                let contents = format(head, quote! { #doc #allow #items }, &u.label)?;
                out.push(OutputFile {
                    path: format!("{}.rs", u.module.text).into(),
                    contents,
                });
            }
            Ok(out)
        }
    }
}
