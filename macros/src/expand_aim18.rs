//! Code generation for aiM18 structs, run once every check passed.
//!
//! An entity (`aim18 = "..."`) implements `runtime::aim18::Aim18Entity`, and
//! `Aim18Save` unless it is `readonly`; a sub-table row (`table = "..."` on
//! the struct) implements `Aim18Row`. As for Odoo, each field is one call to
//! a generic runtime helper (`RowReader::get::<T>`, `RowWriter::set::<T>`,
//! `read_rows::<Row>`, `write_rows::<Row>`), so the classType rules live in
//! the runtime and generated aiM18 bindings can call the same helpers. Calls
//! carry the field type's span, so an unsupported type is reported there.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{GenericArgument, LitStr, PathArguments, Type};

use crate::internals::ast::{Container, Field};
use crate::internals::ty::display;

/// A `#[model(table = "...")] Vec<Row>` field.
struct SubTable<'a> {
    field: &'a Field<'a>,
    table: &'a LitStr,
    row: &'a Type,
}

/// `T` of `Vec<T>` (the check made sure the field is one).
fn vec_elem(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Paren(p) => vec_elem(&p.elem),
        Type::Group(g) => vec_elem(&g.elem),
        Type::Path(p) => {
            let last = p.path.segments.last()?;
            if last.ident != "Vec" {
                return None;
            }
            match &last.arguments {
                PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                    GenericArgument::Type(t) => Some(t),
                    _ => None,
                }),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The `table` fields (not skipped), with their row types.
fn sub_tables<'a>(cont: &'a Container<'a>) -> Vec<SubTable<'a>> {
    cont.fields
        .iter()
        .filter(|f| !f.attrs.skip)
        .filter_map(|f| {
            let table = f.attrs.table.as_ref()?;
            Some(SubTable {
                field: f,
                table,
                row: vec_elem(f.ty)?,
            })
        })
        .collect()
}

fn columns<'a>(cont: &'a Container<'a>) -> Vec<&'a Field<'a>> {
    cont.fields.iter().filter(|f| f.is_column()).collect()
}

/// `Ok(Self { .. })` from `reader` (a `RowReader` in scope) and, for an
/// entity, `entity` (the `&SqlEntity`).
fn construct(cont: &Container, krate: &syn::Path, reader: &TokenStream) -> TokenStream {
    let a = quote!(#krate::aim18);
    let ident = cont.ident;
    let inits = cont.fields.iter().map(|f| {
        let name = f.ident;
        let ty = f.ty;
        if f.is_column() {
            let wire = f.wire_name();
            quote_spanned!(ty.span()=> #name: #reader.get::<#ty>(#wire)?)
        } else if let (false, Some(table), Some(row)) =
            (f.attrs.skip, &f.attrs.table, vec_elem(f.ty))
        {
            quote_spanned!(ty.span()=> #name: #a::read_rows::<#row>(__entity, #table)?)
        } else {
            quote_spanned!(f.original.span()=> #name: ::core::default::Default::default())
        }
    });
    quote! {
        ::core::result::Result::Ok(#ident {
            #(#inits,)*
        })
    }
}

/// `writer.set::<T>(wire, &self.field)?;` for every written column.
fn sets(cont: &Container, writer: &TokenStream) -> Vec<TokenStream> {
    columns(cont)
        .into_iter()
        .filter(|f| !f.attrs.readonly)
        .map(|f| {
            let name = f.ident;
            let wire = f.wire_name();
            let ty = f.ty;
            quote_spanned!(ty.span()=> #writer.set::<#ty>(#wire, &self.#name)?;)
        })
        .collect()
}

/// A compile-time check that the row type of `#[model(table = "sot")] Vec<Row>`
/// is a row of `sot` (its own `#[model(table = ...)]`).
fn table_assertion(krate: &syn::Path, cont: &Container, sub: &SubTable) -> TokenStream {
    let row = sub.row;
    let table = sub.table;
    // A literal without braces: it is a format string to `panic!`.
    let msg = format!(
        "field `{}` of `{}` is `#[model(table = \"{}\")]` but `{}` is a row of another table: \
         make its `#[model(table = ...)]` agree",
        sub.field.ident,
        cont.ident,
        table.value(),
        display(row)
    );
    quote_spanned! {table.span()=>
        const _: () = {
            if !#krate::__private::str_eq(<#row as #krate::aim18::Aim18Row>::TABLE, #table) {
                ::core::panic!(#msg);
            }
        };
    }
}

pub(crate) fn entity(cont: &Container, krate: &syn::Path) -> TokenStream {
    let a = quote!(#krate::aim18);
    let ident = cont.ident;
    let attrs = &cont.attrs;
    let (Some(module), Some(menu_code)) = (&attrs.aim18, &attrs.menu_code) else {
        // `check` reported it; nothing to generate.
        return TokenStream::new();
    };
    let main_table = match &attrs.main_table {
        Some(t) => quote!(::core::option::Option::Some(#t)),
        None => quote!(::core::option::Option::None),
    };
    let cols = columns(cont);
    let wire_names: Vec<String> = cols.iter().map(|f| f.wire_name()).collect();
    let subs = sub_tables(cont);
    let table_names: Vec<&LitStr> = subs.iter().map(|s| s.table).collect();
    let Some(id) = cols.iter().find(|f| f.wire_name() == "id").map(|f| f.ident) else {
        return TokenStream::new();
    };
    let reader = quote!(__main);
    let construct = construct(cont, krate, &reader);
    let assertions = subs.iter().map(|s| table_assertion(krate, cont, s));

    let save = if attrs.readonly {
        TokenStream::new()
    } else {
        let writer = quote!(__w);
        let sets = sets(cont, &writer);
        let rows = subs
            .iter()
            .filter(|s| !s.field.attrs.readonly)
            .map(|s| {
                let name = s.field.ident;
                let table = s.table;
                let row = s.row;
                quote_spanned!(s.field.ty.span()=> #a::write_rows::<#row>(__entity, #table, &self.#name)?;)
            });
        quote! {
            #[automatically_derived]
            impl #a::Aim18Save for #ident {
                fn write_entity(&self, __entity: &mut #a::SqlEntity) -> #krate::Result<()> {
                    #a::write_main(__entity, <Self as #a::Aim18Entity>::MAIN_TABLE, |__w| {
                        #(#sets)*
                        ::core::result::Result::Ok(())
                    })?;
                    #(#rows)*
                    ::core::result::Result::Ok(())
                }
            }
        }
    };

    quote! {
        #[automatically_derived]
        impl #a::Aim18Entity for #ident {
            const MODULE: &'static str = #module;
            const MENU_CODE: &'static str = #menu_code;
            const MAIN_TABLE: ::core::option::Option<&'static str> = #main_table;
            const COLUMNS: &'static [&'static str] = &[#(#wire_names),*];
            const SUB_TABLES: &'static [&'static str] = &[#(#table_names),*];
            #[inline]
            fn id(&self) -> i64 {
                self.#id
            }
            fn from_entity(__entity: &#a::SqlEntity) -> #krate::Result<Self> {
                let #reader = #a::RowReader::main(__entity, <Self as #a::Aim18Entity>::MAIN_TABLE)?;
                #construct
            }
        }
        #save
        #(#assertions)*
    }
}

pub(crate) fn row(cont: &Container, krate: &syn::Path) -> TokenStream {
    let a = quote!(#krate::aim18);
    let ident = cont.ident;
    let Some(table) = &cont.attrs.table else {
        return TokenStream::new();
    };
    let cols = columns(cont);
    let wire_names: Vec<String> = cols.iter().map(|f| f.wire_name()).collect();
    let row_id = match cols.iter().find(|f| f.wire_name() == "id") {
        Some(f) => {
            let id = f.ident;
            quote!(::core::option::Option::Some(self.#id))
        }
        None => quote!(::core::option::Option::None),
    };
    let reader = quote!(__row);
    let construct = construct(cont, krate, &reader);
    let writer = quote!(__row);
    let sets = sets(cont, &writer);
    quote! {
        #[automatically_derived]
        impl #a::Aim18Row for #ident {
            const TABLE: &'static str = #table;
            const COLUMNS: &'static [&'static str] = &[#(#wire_names),*];
            #[inline]
            fn row_id(&self) -> ::core::option::Option<i64> {
                #row_id
            }
            fn from_row(__row: &#a::RowReader<'_>) -> #krate::Result<Self> {
                #construct
            }
            fn write_row(&self, __row: &mut #a::RowWriter<'_>) -> #krate::Result<()> {
                #(#sets)*
                ::core::result::Result::Ok(())
            }
        }
    }
}
