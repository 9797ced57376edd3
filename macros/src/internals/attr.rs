//! `#[model(...)]` parsing. As in serde_derive, nothing here returns a
//! `Result`: unknown, malformed and duplicate attributes are reported through
//! the [`Ctxt`] and parsing carries on, so one build shows every mistake.

use proc_macro2::Span;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{LitInt, LitStr, Token};

use super::Ctxt;
use super::suggest;
use super::symbol::*;

/// An attribute that may be given once; a second `set` is an error at the second one.
pub struct Attr<'c, T> {
    cx: &'c Ctxt,
    name: Symbol,
    value: Option<T>,
}

impl<'c, T> Attr<'c, T> {
    fn none(cx: &'c Ctxt, name: Symbol) -> Self {
        Attr {
            cx,
            name,
            value: None,
        }
    }

    fn set<A: ToTokens>(&mut self, obj: A, value: T) {
        if self.value.is_some() {
            self.cx.error_spanned_by(
                obj,
                format!("duplicate model attribute `{}`: give it once", self.name),
            );
        } else {
            self.value = Some(value);
        }
    }

    fn get(self) -> Option<T> {
        self.value
    }
}

/// A flag; keeps where it was written, for errors about it.
struct BoolAttr<'c>(Attr<'c, Span>);

impl<'c> BoolAttr<'c> {
    fn none(cx: &'c Ctxt, name: Symbol) -> Self {
        BoolAttr(Attr::none(cx, name))
    }
    fn set_true<A: ToTokens>(&mut self, obj: A) {
        let span = obj.span();
        self.0.set(obj, span);
    }
    fn get(&self) -> bool {
        self.0.value.is_some()
    }
    fn span(&self) -> Option<Span> {
        self.0.value
    }
}

/// The struct's `#[model(...)]`.
pub struct Container {
    pub odoo: Option<LitStr>,
    pub aim18: Option<LitStr>,
    pub menu_code: Option<LitStr>,
    /// aiM18: the entity's main table, checked against the server's `mainTableName`.
    pub main_table: Option<LitStr>,
    /// aiM18: this struct is a row of that sub table.
    pub table: Option<LitStr>,
    pub schema: Option<LitStr>,
    pub readonly: bool,
    /// Where `readonly` was written (for errors about it).
    pub readonly_span: Option<Span>,
    /// Path to the runtime crate (`::runtime` unless `crate = "..."`).
    pub krate: Option<syn::Path>,
}

/// A field's `#[model(...)]`.
pub struct Field {
    pub rename: Option<LitStr>,
    pub readonly: bool,
    pub skip: bool,
    pub table: Option<LitStr>,
    /// An x2many read as records: at most this many (the rest as ids).
    pub limit: Option<LitInt>,
    /// An x2many read as records: in this order.
    pub order: Option<LitStr>,
}

impl Container {
    pub fn from_ast(cx: &Ctxt, item: &syn::DeriveInput) -> Self {
        let mut odoo = Attr::none(cx, ODOO);
        let mut aim18 = Attr::none(cx, AIM18);
        let mut menu_code = Attr::none(cx, MENU_CODE);
        let mut main_table = Attr::none(cx, MAIN_TABLE);
        let mut table = Attr::none(cx, TABLE);
        let mut schema = Attr::none(cx, SCHEMA);
        let mut readonly = BoolAttr::none(cx, READONLY);
        let mut krate = Attr::none(cx, CRATE);

        for attr in &item.attrs {
            if attr.path() != MODEL {
                continue;
            }
            let result = attr.parse_nested_meta(|meta| {
                if meta.path == ODOO {
                    if let Some(s) = non_empty_str(cx, &meta, ODOO)? {
                        odoo.set(&meta.path, s);
                    }
                } else if meta.path == AIM18 {
                    if let Some(s) = non_empty_str(cx, &meta, AIM18)? {
                        aim18.set(&meta.path, s);
                    }
                } else if meta.path == MENU_CODE {
                    if let Some(s) = non_empty_str(cx, &meta, MENU_CODE)? {
                        menu_code.set(&meta.path, s);
                    }
                } else if meta.path == MAIN_TABLE {
                    if let Some(s) = non_empty_str(cx, &meta, MAIN_TABLE)? {
                        main_table.set(&meta.path, s);
                    }
                } else if meta.path == TABLE {
                    if let Some(s) = non_empty_str(cx, &meta, TABLE)? {
                        table.set(&meta.path, s);
                    }
                } else if meta.path == SCHEMA {
                    if let Some(s) = non_empty_str(cx, &meta, SCHEMA)? {
                        schema.set(&meta.path, s);
                    }
                } else if meta.path == READONLY {
                    readonly.set_true(&meta.path);
                } else if meta.path == CRATE {
                    let s: LitStr = meta.value()?.parse()?;
                    match s.parse::<syn::Path>() {
                        Ok(path) => krate.set(&meta.path, path),
                        Err(_) => cx.error_spanned_by(
                            &s,
                            format!(
                                "`crate` must be a path such as \"::runtime\", not {:?}",
                                s.value()
                            ),
                        ),
                    }
                } else {
                    unknown(cx, &meta, CONTAINER_ATTRS, "on a struct")?;
                }
                Ok(())
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        }

        Container {
            odoo: odoo.get(),
            aim18: aim18.get(),
            menu_code: menu_code.get(),
            main_table: main_table.get(),
            table: table.get(),
            schema: schema.get(),
            readonly: readonly.get(),
            readonly_span: readonly.span(),
            krate: krate.get(),
        }
    }
}

impl Field {
    pub fn from_ast(cx: &Ctxt, field: &syn::Field) -> Self {
        let mut rename = Attr::none(cx, RENAME);
        let mut readonly = BoolAttr::none(cx, READONLY);
        let mut skip = BoolAttr::none(cx, SKIP);
        let mut table = Attr::none(cx, TABLE);
        let mut limit = Attr::none(cx, LIMIT);
        let mut order = Attr::none(cx, ORDER);

        for attr in &field.attrs {
            if attr.path() != MODEL {
                continue;
            }
            let result = attr.parse_nested_meta(|meta| {
                if meta.path == RENAME {
                    if let Some(s) = non_empty_str(cx, &meta, RENAME)? {
                        rename.set(&meta.path, s);
                    }
                } else if meta.path == READONLY {
                    readonly.set_true(&meta.path);
                } else if meta.path == SKIP {
                    skip.set_true(&meta.path);
                } else if meta.path == TABLE {
                    if let Some(s) = non_empty_str(cx, &meta, TABLE)? {
                        table.set(&meta.path, s);
                    }
                } else if meta.path == LIMIT {
                    let n: LitInt = meta.value()?.parse()?;
                    match n.base10_parse::<u32>() {
                        Ok(0) => cx.error_spanned_by(
                            &n,
                            "`limit = 0` reads none of the related records: read their ids with \
                             `Vec<i64>` instead",
                        ),
                        Ok(_) => limit.set(&meta.path, n),
                        Err(_) => cx.error_spanned_by(
                            &n,
                            "`limit` is a number of records, from 1 to 4294967295",
                        ),
                    }
                } else if meta.path == ORDER {
                    if let Some(s) = non_empty_str(cx, &meta, ORDER)? {
                        order.set(&meta.path, s);
                    }
                } else {
                    unknown(cx, &meta, FIELD_ATTRS, "on a field")?;
                }
                Ok(())
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        }

        Field {
            rename: rename.get(),
            readonly: readonly.get(),
            skip: skip.get(),
            table: table.get(),
            limit: limit.get(),
            order: order.get(),
        }
    }
}

/// `name = "..."`, with an empty string reported (and ignored).
fn non_empty_str(cx: &Ctxt, meta: &ParseNestedMeta, name: Symbol) -> syn::Result<Option<LitStr>> {
    let s: LitStr = meta.value()?.parse()?;
    if s.value().trim().is_empty() {
        cx.error_spanned_by(&s, format!("`{name}` must not be empty"));
        return Ok(None);
    }
    Ok(Some(s))
}

/// Report an unknown key, then skip its value (`= expr` or `(...)`) so the
/// attributes after it are still parsed.
fn unknown(cx: &Ctxt, meta: &ParseNestedMeta, known: &[Symbol], place: &str) -> syn::Result<()> {
    let name = meta.path.to_token_stream().to_string().replace(' ', "");
    let list = known
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let hint = suggest::did_you_mean(&name, known.iter().map(|s| s.0));
    cx.error_spanned_by(
        &meta.path,
        format!("unknown model attribute `{name}` {place}{hint}\n  expected one of: {list}"),
    );
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| {
            if inner.input.peek(Token![=]) {
                inner.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        })?;
    }
    Ok(())
}
