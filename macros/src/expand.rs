//! Code generation, run only once every check passed (`ctxt.check()?`).
//!
//! Generated impls are small: a map visitor whose arms each call the
//! runtime's generic `__private::field::<T>(wire_name)`, so the wire rules
//! (`false` as `None`, many2one pairs, dates) live in the runtime. Paths go
//! through `::runtime` (or `#[model(crate = "...")]`), so users need no serde
//! dependency, and tokens carry the field's span so a type error lands on
//! the user's field.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, parse_quote};

use crate::expand_aim18;
use crate::internals::ast::{Container, Field};
use crate::internals::{Ctxt, check, schema, ty};

pub fn derive(input: &DeriveInput) -> Result<TokenStream, Vec<syn::Error>> {
    let cx = Ctxt::new();
    let Some(cont) = Container::from_ast(&cx, input) else {
        cx.check()?;
        return Ok(TokenStream::new());
    };
    check::check(&cx, &cont);
    // Snapshots describe Odoo models; on aiM18 structs `check` reports `schema`.
    let checked = match (&cont.attrs.odoo, &cont.attrs.schema) {
        (Some(_), Some(s)) => schema::check(&cx, &cont, s),
        _ => schema::Checked::default(),
    };
    cx.check()?;

    let krate: syn::Path = cont
        .attrs
        .krate
        .clone()
        .unwrap_or_else(|| parse_quote!(::runtime));
    let body = if cont.is_aim18_row() {
        expand_aim18::row(&cont, &krate)
    } else if cont.is_aim18() {
        expand_aim18::entity(&cont, &krate)
    } else {
        odoo(&cont, &krate, &checked)
    };
    let track = checked.path.and_then(track_file);
    Ok(quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications, clippy::all)]
        const _: () = {
            #track
            #body
        };
    })
}

/// `include_bytes!` of the snapshot, so cargo rebuilds the crate when the
/// snapshot changes (the bytes are never used).
fn track_file(path: PathBuf) -> Option<TokenStream> {
    let path = path.canonicalize().ok()?;
    let path = path.to_str()?;
    Some(quote! { const _: &[u8] = ::core::include_bytes!(#path); })
}

fn odoo(cont: &Container, krate: &syn::Path, checked: &schema::Checked) -> TokenStream {
    let model = cont.attrs.odoo.as_ref().expect("checked").value();
    let ident = cont.ident;
    let columns: Vec<&Field> = cont.fields.iter().filter(|f| f.is_column()).collect();
    let wire_names: Vec<String> = columns.iter().map(|f| f.wire_name()).collect();
    let id = columns
        .iter()
        .find(|f| f.wire_name() == "id")
        .expect("checked")
        .ident;

    let model_impl = quote! {
        #[automatically_derived]
        impl #krate::odoo::model::Model for #ident {
            const MODEL: &'static str = #model;
            const FIELDS: &'static [&'static str] = &[#(#wire_names),*];
            #[inline]
            fn id(&self) -> i64 {
                self.#id
            }
        }
    };
    let projection = projection(cont, krate, checked);
    let de = deserialize(cont, krate, &format!("a {model} record"));
    let ser = if cont.attrs.readonly {
        TokenStream::new()
    } else {
        serialize(cont, krate)
    };
    quote! {
        #model_impl
        #projection
        #de
        #ser
    }
}

/// `impl Projection`: how each relational field is read in a nested read.
/// The record types of `Ref<T>`/`Vec<T>` fields meet the `Projection` bound
/// here, at their own span; with a schema snapshot, a constant also checks
/// that `T` reads the field's related model.
fn projection(cont: &Container, krate: &syn::Path, checked: &schema::Checked) -> TokenStream {
    let ident = cont.ident;
    let n = quote!(#krate::odoo::projection);
    let mut relations = Vec::new();
    let mut asserts = Vec::new();
    for f in cont.fields.iter().filter(|f| f.is_column()) {
        let wire = f.wire_name();
        let target = match ty::nested(f.ty) {
            None => continue,
            Some(ty::Nested::DisplayName) => {
                relations.push(quote!(#n::Relation::display_name(#wire)));
                continue;
            }
            Some(ty::Nested::One(t)) => {
                relations.push(quote_spanned!(t.span()=>
                    #n::Relation::one(#wire, #n::Target::of::<#t>())
                ));
                t
            }
            Some(ty::Nested::Many(t)) => {
                let limit = match &f.attrs.limit {
                    Some(l) => quote!(::core::option::Option::Some(#l)),
                    None => quote!(::core::option::Option::None),
                };
                let order = match &f.attrs.order {
                    Some(o) => quote!(::core::option::Option::Some(#o)),
                    None => quote!(::core::option::Option::None),
                };
                relations.push(quote_spanned!(t.span()=>
                    #n::Relation::many(#wire, #n::Target::of::<#t>(), #limit, #order)
                ));
                t
            }
        };
        if let Some(rel) = checked.relations.get(&wire) {
            let msg = format!(
                "`{wire}` links to {rel} records: its record type must be a projection of {rel} \
                 (`#[model(odoo = \"{rel}\")]`)"
            );
            asserts.push(quote_spanned!(target.span()=>
                const _: () = ::core::assert!(
                    #krate::__private::str_eq(<#target as #krate::odoo::model::Model>::MODEL, #rel),
                    #msg
                );
            ));
        }
    }
    quote! {
        #[automatically_derived]
        impl #n::Projection for #ident {
            const RELATIONS: &'static [#n::Relation] = &[#(#relations),*];
        }
        #(#asserts)*
    }
}

/// `impl Deserialize`: a map visitor over the record's keys.
fn deserialize(cont: &Container, krate: &syn::Path, expecting: &str) -> TokenStream {
    let p = quote!(#krate::__private);
    let ident = cont.ident;
    let columns: Vec<(usize, &Field)> = cont
        .fields
        .iter()
        .filter(|f| f.is_column())
        .enumerate()
        .collect();
    let var = |i: usize| format_ident!("__f{}", i);

    // The slot is the one place the field type meets the `FromOdoo` bound.
    let decls = columns.iter().map(|(i, f)| {
        let v = var(*i);
        let ty = f.ty;
        quote_spanned!(ty.span()=> let mut #v = #p::slot::<#ty, __A>();)
    });
    let arms = columns.iter().map(|(i, f)| {
        let v = var(*i);
        let wire = f.wire_name();
        quote!(#wire => #v.read(&mut __map, #wire)?,)
    });
    let mut column_vars = columns.iter();
    let inits = cont.fields.iter().map(|f| {
        let name = f.ident;
        if f.is_column() {
            let (i, _) = column_vars.next().expect("same order");
            let v = var(*i);
            let wire = f.wire_name();
            quote!(#name: #v.finish(#wire)?)
        } else {
            // `skip` (and, for aiM18, sub-tables filled by the entity decoder).
            quote_spanned!(f.original.span()=> #name: ::core::default::Default::default())
        }
    });

    quote! {
        #[automatically_derived]
        impl<'de> #p::serde::Deserialize<'de> for #ident {
            fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
            where
                __D: #p::serde::Deserializer<'de>,
            {
                struct __Visitor;
                impl<'de> #p::serde::de::Visitor<'de> for __Visitor {
                    type Value = #ident;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<__A>(self, mut __map: __A) -> ::core::result::Result<#ident, __A::Error>
                    where
                        __A: #p::serde::de::MapAccess<'de>,
                    {
                        #(#decls)*
                        while let ::core::option::Option::Some(__key) =
                            __map.next_key::<::std::string::String>()?
                        {
                            match __key.as_str() {
                                #(#arms)*
                                _ => {
                                    __map.next_value::<#p::serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        ::core::result::Result::Ok(#ident {
                            #(#inits,)*
                        })
                    }
                }
                __deserializer.deserialize_map(__Visitor)
            }
        }
    }
}

/// `impl Serialize` (Odoo's create/write values) plus `CreateValues` and
/// `UpdateValues`: every column except `id` and `readonly` ones.
fn serialize(cont: &Container, krate: &syn::Path) -> TokenStream {
    let p = quote!(#krate::__private);
    let ident = cont.ident;
    let writable: Vec<&Field> = cont
        .fields
        .iter()
        .filter(|f| f.is_column() && !f.attrs.readonly && f.wire_name() != "id")
        // related records are read, not written: write a relation by id
        .filter(|f| {
            !matches!(
                ty::nested(f.ty),
                Some(ty::Nested::One(_) | ty::Nested::Many(_))
            )
        })
        .collect();
    let len = writable.len();
    let entries = writable.iter().map(|f| {
        let name = f.ident;
        let wire = f.wire_name();
        let ty = f.ty;
        quote_spanned!(ty.span()=> #p::serialize_entry::<#ty, _>(&mut __m, #wire, &self.#name)?;)
    });
    quote! {
        #[automatically_derived]
        impl #p::serde::Serialize for #ident {
            fn serialize<__S>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error>
            where
                __S: #p::serde::Serializer,
            {
                use #p::serde::ser::SerializeMap as _;
                #[allow(unused_mut)]
                let mut __m = __serializer.serialize_map(::core::option::Option::Some(#len))?;
                #(#entries)*
                __m.end()
            }
        }

        #[automatically_derived]
        impl #krate::odoo::model::CreateValues for #ident {
            type Model = Self;
        }

        #[automatically_derived]
        impl #krate::odoo::model::UpdateValues for #ident {
            type Model = Self;
        }
    }
}
