//! The derive input as erpbind sees it: a named-field struct with parsed
//! attributes. `original` keeps the syn nodes so every later error can point
//! at the user's tokens. Enums, unions, tuple structs and generics are
//! rejected here.

use proc_macro2::Span;
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Type};

use super::Ctxt;
use super::attr;
use super::ty::Shape;

pub struct Container<'a> {
    pub ident: &'a Ident,
    pub attrs: attr::Container,
    pub fields: Vec<Field<'a>>,
}

pub struct Field<'a> {
    pub ident: &'a Ident,
    pub attrs: attr::Field,
    pub ty: &'a Type,
    pub shape: Shape,
    pub original: &'a syn::Field,
}

impl<'a> Container<'a> {
    /// `None` when the input is not a struct with named fields (already reported).
    pub fn from_ast(cx: &Ctxt, item: &'a DeriveInput) -> Option<Container<'a>> {
        let attrs = attr::Container::from_ast(cx, item);
        let fields = match &item.data {
            Data::Struct(s) => match &s.fields {
                Fields::Named(named) => &named.named,
                Fields::Unnamed(_) | Fields::Unit => {
                    cx.error_spanned_by(
                        &item.ident,
                        "#[derive(Model)] needs a struct with named fields, one per model field: \
                         `struct Contact { id: i64, name: Option<String> }`",
                    );
                    return None;
                }
            },
            Data::Enum(e) => {
                cx.error_spanned_by(
                    e.enum_token,
                    "#[derive(Model)] works on structs (a record's fields); an Odoo selection is read \
                     into an enum that implements `runtime::odoo::wire::Selection`",
                );
                return None;
            }
            Data::Union(u) => {
                cx.error_spanned_by(
                    u.union_token,
                    "#[derive(Model)] works on structs, not unions",
                );
                return None;
            }
        };
        if !item.generics.params.is_empty() {
            cx.error_spanned_by(
                &item.generics,
                "#[derive(Model)] does not support generic parameters: a model struct names its \
                 field types (use `Many2One<Target>` with a concrete target)",
            );
        }
        let fields = fields
            .iter()
            .map(|f| Field {
                ident: f.ident.as_ref().expect("named field"),
                attrs: attr::Field::from_ast(cx, f),
                ty: &f.ty,
                shape: Shape::of(&f.ty),
                original: f,
            })
            .collect();
        Some(Container {
            ident: &item.ident,
            attrs,
            fields,
        })
    }

    /// An aiM18 entity (`aim18 = "..."`).
    pub fn is_aim18(&self) -> bool {
        self.attrs.aim18.is_some()
    }

    /// An aiM18 sub-table row (`table = "..."` on the struct).
    pub fn is_aim18_row(&self) -> bool {
        self.attrs.table.is_some()
    }
}

impl Field<'_> {
    /// The name on the wire: `rename`, or the Rust name without `r#`.
    pub fn wire_name(&self) -> String {
        match &self.attrs.rename {
            Some(s) => s.value(),
            None => self.ident.to_string().trim_start_matches("r#").to_owned(),
        }
    }

    /// Where errors about the wire name point: the `rename` string, or the field name.
    pub fn wire_span(&self) -> Span {
        match &self.attrs.rename {
            Some(s) => s.span(),
            None => self.ident.span(),
        }
    }

    pub fn rename(&self) -> Option<&LitStr> {
        self.attrs.rename.as_ref()
    }

    /// Read from the server (not `skip`, not an aiM18 sub-table).
    pub fn is_column(&self) -> bool {
        !self.attrs.skip && self.attrs.table.is_none()
    }
}
