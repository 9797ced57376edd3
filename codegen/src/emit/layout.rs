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
    /// Some name is one clippy keeps for placeholders (`foo`, `baz`, `quux`).
    pub placeholder_names: bool,
    /// Module docs (the file's inner docs, or the inline module's outer docs).
    pub docs: Vec<String>,
    /// The one-line doc of its declaration in `mod.rs`.
    pub decl_doc: String,
    pub items: TokenStream,
    /// Hand-formatted texts for the splice placeholders in `items`, in order (see
    /// [`super::splice`]).
    pub splices: Vec<String>,
    /// Names the unit in errors (the model's source name).
    pub label: String,
}

impl Unit {
    pub fn cfg(&self) -> TokenStream {
        cfg(self.feature.as_deref())
    }

    fn allow(&self, inner: bool) -> TokenStream {
        let mut lints = Vec::new();
        if self.verbatim_names {
            // Names kept verbatim by the collision ladder (`fooBar` next to `foo_bar`).
            lints.push(quote!(non_snake_case));
            lints.push(quote!(non_camel_case_types));
        }
        if self.placeholder_names {
            // A server's field or method may well be called `foo`.
            lints.push(quote!(clippy::disallowed_names));
        }
        if lints.is_empty() {
            return quote!();
        }
        if inner {
            quote!(#![allow( #(#lints),* )])
        } else {
            quote!(#[allow( #(#lints),* )])
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
            let splices: Vec<String> = units.iter().flat_map(|u| u.splices.clone()).collect();
            let contents = format(head, tokens, "(all models)")?;
            Ok(vec![OutputFile {
                path: name.into(),
                contents: super::splice::apply(contents, &splices, "(all models)")?,
            }])
        }
        Layout::Tree => {
            let decls: Vec<Decl> = units.iter().map(Decl::of).collect();
            let mut out = tree_index(head, index_doc, support, &decls)?;
            for u in units {
                out.push(tree_unit(head, u)?);
            }
            Ok(out)
        }
    }
}

/// [`files`], with each unit made by `make(i)` for `i` in `0..count`. In a tree, units are
/// made and formatted on every core (formatting is most of the time of generating); the
/// files are the same, in the same order, as [`files`] gives.
pub fn files_par(
    layout: &Layout,
    head: &str,
    index_doc: &[String],
    support: &[Support],
    count: usize,
    make: &(dyn Fn(usize) -> Unit + Sync),
) -> Result<Vec<OutputFile>> {
    if !matches!(layout, Layout::Tree) {
        let units: Vec<Unit> = (0..count).map(make).collect();
        return files(layout, head, index_doc, support, &units);
    }
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, count.max(1));
    // Worker k makes units k, k + workers, ...: neighbours differ in size, strides even out.
    let done: Vec<Vec<Made>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|k| {
                scope.spawn(move || {
                    (k..count)
                        .step_by(workers)
                        .map(|i| {
                            let u = make(i);
                            (i, tree_unit(head, &u).map(|f| (Decl::of(&u), f)))
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut made: Vec<Made> = done.into_iter().flatten().collect();
    made.sort_by_key(|(i, _)| *i);
    let mut decls = Vec::with_capacity(count);
    let mut unit_files = Vec::with_capacity(count);
    for (_, r) in made {
        let (d, f) = r?;
        decls.push(d);
        unit_files.push(f);
    }
    let mut out = tree_index(head, index_doc, support, &decls)?;
    out.extend(unit_files);
    Ok(out)
}

/// Unit `i`'s declaration and file.
type Made = (usize, Result<(Decl, OutputFile)>);

/// What `mod.rs` says of a unit.
struct Decl {
    module: Name,
    feature: Option<String>,
    doc: String,
}

impl Decl {
    fn of(u: &Unit) -> Decl {
        Decl {
            module: u.module.clone(),
            feature: u.feature.clone(),
            doc: u.decl_doc.clone(),
        }
    }
}

/// `mod.rs` and the support modules' files.
fn tree_index(
    head: &str,
    index_doc: &[String],
    support: &[Support],
    units: &[Decl],
) -> Result<Vec<OutputFile>> {
    let mut out = Vec::with_capacity(units.len() + support.len() + 1);
    let mut names: Vec<&str> = support.iter().map(|s| s.name).collect();
    names.sort_unstable();
    let support_decls = names.iter().map(|n| {
        let n = proc_macro2::Ident::new(n, proc_macro2::Span::call_site());
        quote!(pub mod #n;)
    });
    let decls = units.iter().map(|u| {
        let cfg = cfg(u.feature.as_deref());
        let module = u.module.ident();
        let doc = docs::outer(std::slice::from_ref(&u.doc));
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
    Ok(out)
}

/// One unit's own file.
fn tree_unit(head: &str, u: &Unit) -> Result<OutputFile> {
    let doc = docs::inner(&u.docs);
    let allow = u.allow(true);
    let items = &u.items;
    let contents = format(head, quote! { #doc #allow #items }, &u.label)?;
    let contents = super::splice::apply(contents, &u.splices, &u.label)?;
    Ok(OutputFile {
        path: format!("{}.rs", u.module.text).into(),
        contents,
    })
}
