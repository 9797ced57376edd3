//! Rules that need more than one attribute or field, after parsing
//! (serde_derive's `check.rs`). Each reports through the [`Ctxt`] at the
//! offending tokens and says how to fix it.

use std::collections::BTreeMap;

use super::Ctxt;
use super::ast::{Container, Field};
use super::ty::{Shape, display};

pub fn check(cx: &Ctxt, cont: &Container) {
    check_model_kind(cx, cont);
    for field in &cont.fields {
        check_field(cx, cont, field);
    }
    check_id(cx, cont);
    check_duplicate_wire_names(cx, cont);
}

/// Exactly one kind: an Odoo model (`odoo`), an aiM18 entity (`aim18` with
/// `menu_code`), or an aiM18 sub-table row (`table`); the attributes of one
/// kind are errors on another.
fn check_model_kind(cx: &Ctxt, cont: &Container) {
    let a = &cont.attrs;
    if let Some(table) = &a.table {
        check_row_kind(cx, cont, table);
        return;
    }
    match (&a.odoo, &a.aim18) {
        (None, None) => cx.error_spanned_by(
            cont.ident,
            format!(
                "missing model: say which model `{}` reads with `#[model(odoo = \"res.partner\")]` \
                 (or `#[model(aim18 = \"employee\", menu_code = \"employee\")]` for an aiM18 entity, \
                 `#[model(table = \"sot\")]` for a row of an aiM18 sub table)",
                cont.ident
            ),
        ),
        (Some(_), Some(aim18)) => cx.error_spanned_by(
            aim18,
            "a struct is either an Odoo model (`odoo = ...`) or an aiM18 entity (`aim18 = ...`), not both",
        ),
        (Some(_), None) => {
            if let Some(m) = &a.menu_code {
                cx.error_spanned_by(m, "`menu_code` is for aiM18 entities (`aim18 = \"...\"`); Odoo models have none");
            }
            if let Some(m) = &a.main_table {
                cx.error_spanned_by(
                    m,
                    "`main_table` names an aiM18 entity's main table (with `aim18 = \"...\"`); Odoo models have none",
                );
            }
        }
        (None, Some(aim18)) => {
            if a.menu_code.is_none() {
                cx.error_spanned_by(
                    aim18,
                    format!(
                        "an aiM18 entity also needs its menu code: `#[model(aim18 = \"{}\", menu_code = \"...\")]`",
                        aim18.value()
                    ),
                );
            }
            // Checked here, before the snapshot is read: there is nothing to read it for.
            if let Some(schema) = &a.schema {
                cx.error_spanned_by(
                    schema,
                    format!(
                        "`schema` checks Odoo models only: aiM18 schema snapshots are not supported yet, \
                         so `{}` cannot be checked at compile time; remove `schema` (a read checks every \
                         column against the server's table and names the one that does not fit)",
                        aim18.value()
                    ),
                );
            }
        }
    }
}

/// `table = "sot"` on a struct: a row of an aiM18 sub table. It belongs to an
/// entity, so the entity-level attributes are mistakes here.
fn check_row_kind(cx: &Ctxt, cont: &Container, table: &syn::LitStr) {
    let a = &cont.attrs;
    let t = table.value();
    for (lit, name) in [(&a.odoo, "odoo"), (&a.aim18, "aim18")] {
        if let Some(lit) = lit {
            cx.error_spanned_by(
                lit,
                format!(
                    "`table = \"{t}\"` makes `{}` a row of an aiM18 sub table, not a model: drop `{name}`; \
                     the entity holds the rows as `#[model(table = \"{t}\")] lines: Vec<{}>`",
                    cont.ident, cont.ident
                ),
            );
        }
    }
    for (lit, name) in [
        (&a.menu_code, "menu_code"),
        (&a.main_table, "main_table"),
        (&a.schema, "schema"),
    ] {
        if let Some(lit) = lit {
            cx.error_spanned_by(
                lit,
                format!("`{name}` belongs on the entity struct, not on a row of sub table `{t}`"),
            );
        }
    }
    if let Some(span) = a.readonly_span {
        cx.syn_error(syn::Error::new(
            span,
            format!(
                "a row of sub table `{t}` is written with its entity: mark the entity `readonly`, \
                 or single fields `#[model(readonly)]`"
            ),
        ));
    }
}

/// The three kinds of struct, for rules that differ between them.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Odoo,
    Entity,
    Row,
}

fn kind(cont: &Container) -> Kind {
    if cont.is_aim18_row() {
        Kind::Row
    } else if cont.is_aim18() {
        Kind::Entity
    } else {
        Kind::Odoo
    }
}

fn check_field(cx: &Ctxt, cont: &Container, field: &Field) {
    let a = &field.attrs;
    let kind = kind(cont);
    if a.skip {
        if let Some(r) = &a.rename {
            cx.error_spanned_by(
                r,
                "a `skip` field is neither read nor written: drop `rename` or `skip`",
            );
        }
        if let Some(t) = &a.table {
            cx.error_spanned_by(
                t,
                "a `skip` field is neither read nor written: drop `table` or `skip`",
            );
        }
        return;
    }
    if let Some(table) = &a.table {
        match kind {
            Kind::Odoo => cx.error_spanned_by(
                table,
                "`table` marks an aiM18 sub-table; Odoo one2many fields are `Vec<i64>` or `X2Many<T>`",
            ),
            Kind::Row => cx.error_spanned_by(
                table,
                format!(
                    "sub tables do not nest: a row of `{}` cannot hold rows of `{}`",
                    cont.attrs.table.as_ref().map(|t| t.value()).unwrap_or_default(),
                    table.value()
                ),
            ),
            Kind::Entity if field.shape != Shape::VecOther => cx.error_spanned_by(
                field.ty,
                format!(
                    "a `#[model(table = \"{t}\")]` field holds the sub table's rows: `Vec<Row>`, where \
                     `Row` derives `Model` with `#[model(table = \"{t}\")]`, not `{}`",
                    display(field.ty),
                    t = table.value(),
                ),
            ),
            Kind::Entity => {}
        }
        if let Some(r) = &a.rename {
            cx.error_spanned_by(r, "`table` already names the sub-table: drop `rename`");
        }
        return;
    }
    if kind != Kind::Odoo {
        for (lit, name) in [
            (a.limit.as_ref().map(|l| l.span()), "limit"),
            (a.order.as_ref().map(|o| o.span()), "order"),
        ] {
            if let Some(span) = lit {
                cx.syn_error(syn::Error::new(
                    span,
                    format!(
                        "`{name}` applies to an Odoo one2many or many2many read as records; an aiM18 \
                         sub table is read whole"
                    ),
                ));
            }
        }
        check_aim18_column(cx, kind, field);
        return;
    }
    match &field.shape {
        Shape::Unsupported(why) => cx.error_spanned_by(
            field.ty,
            format!("unsupported field type `{}`: {why}", display(field.ty)),
        ),
        Shape::Option(inner) if inner.is_many_records() => cx.error_spanned_by(
            field.ty,
            format!(
                "a one2many or many2many is never empty as `false` (it reads `[]`): declare `{}` \
                 without `Option`",
                display(inner_ty(field.ty))
            ),
        ),
        _ => {}
    }
    check_sub_limit(cx, field);
}

/// `limit`/`order` only mean something on an x2many read as records.
fn check_sub_limit(cx: &Ctxt, field: &Field) {
    if field.shape.is_many_records() {
        return;
    }
    let a = &field.attrs;
    for (span, name) in [
        (a.limit.as_ref().map(|l| l.span()), "limit"),
        (a.order.as_ref().map(|o| o.span()), "order"),
    ] {
        if let Some(span) = span {
            cx.syn_error(syn::Error::new(
                span,
                format!(
                    "`{name}` applies to a one2many or many2many read as records (`Vec<T>` or \
                     `Vec<Ref<T>>`, where `T` derives `Model`), not to `{}: {}`",
                    field.ident,
                    display(field.ty)
                ),
            ));
        }
    }
}

/// The Rust types an aiM18 column reads into, for messages.
const AIM18_TYPES: &str = "`String`, `i64`, `i32`, `f64`, `bool`, `NaiveDate`, `NaiveDateTime` or \
                           `serde_json::Value`, in an `Option` when the cell may be empty";

/// A column of an aiM18 entity or row: one plain value. Types the macro can
/// recognise as wrong get a message here; unknown paths reach the runtime's
/// `FromCell` bound.
fn check_aim18_column(cx: &Ctxt, kind: Kind, field: &Field) {
    let ty = display(field.ty);
    let msg = match field.shape.inner() {
        // ty.rs words its reasons for Odoo; only the Odoo-free ones fit here.
        Shape::Unsupported(why)
            if !(why.contains("Odoo")
                || why.contains("Many2One")
                || why.contains("record ids")) =>
        {
            format!("unsupported field type `{ty}`: {why}")
        }
        Shape::Unsupported(_) => {
            format!(
                "unsupported field type `{ty}`: an aiM18 column holds one value: use {AIM18_TYPES}"
            )
        }
        Shape::VecOther if kind == Kind::Entity => format!(
            "`{ty}` looks like sub-table rows: mark the field `#[model(table = \"...\")]` with the \
             table's name"
        ),
        Shape::VecOther => {
            "sub tables do not nest: a sub-table row cannot hold rows of another table".to_owned()
        }
        Shape::VecI64 => format!(
            "`{ty}` is for Odoo x2many ids: an aiM18 column holds one value, and sub-table rows \
             are a `Vec<Row>` marked `#[model(table = \"...\")]`"
        ),
        Shape::Many2One
        | Shape::Ref
        | Shape::VecRef
        | Shape::X2Many
        | Shape::Reference
        | Shape::Binary => format!(
            "`{ty}` is an Odoo type: an aiM18 column holds one plain value, and a link to another \
             record is its id (`i64`)"
        ),
        Shape::DateTime => {
            "aiM18 date-times carry no time zone: use `NaiveDateTime` (or `NaiveDate`)".to_owned()
        }
        Shape::Float if inner_ty_name(field.ty) == "f32" => {
            "aiM18 numbers read as `f64` (or `i64`/`i32` when whole): use `f64`".to_owned()
        }
        _ => return,
    };
    cx.error_spanned_by(field.ty, msg);
}

/// `T` of `Option<T>`, or the type itself.
fn inner_ty(ty: &syn::Type) -> &syn::Type {
    if let syn::Type::Path(p) = ty
        && let Some(last) = p.path.segments.last()
        && last.ident == "Option"
        && let syn::PathArguments::AngleBracketed(a) = &last.arguments
        && let Some(syn::GenericArgument::Type(t)) = a.args.first()
    {
        return t;
    }
    ty
}

/// `f32` for `f32` and `Option<f32>`.
fn inner_ty_name(ty: &syn::Type) -> String {
    match Shape::of(ty) {
        Shape::Option(_) => {
            if let syn::Type::Path(p) = ty
                && let Some(last) = p.path.segments.last()
                && let syn::PathArguments::AngleBracketed(a) = &last.arguments
                && let Some(syn::GenericArgument::Type(t)) = a.args.first()
            {
                return display(t);
            }
            display(ty)
        }
        _ => display(ty),
    }
}

/// `id: i64`, read from the server: `Model::id` returns it. A sub-table row
/// may leave it out (its rows are then always sent as new rows).
fn check_id(cx: &Ctxt, cont: &Container) {
    let id = cont
        .fields
        .iter()
        .find(|f| f.is_column() && f.wire_name() == "id");
    match id {
        None if cont.is_aim18_row() => {}
        None => cx.error_spanned_by(
            cont.ident,
            format!(
                "`{}` has no `id` field: add `id: i64`, the record id",
                cont.ident
            ),
        ),
        Some(f) if f.shape != Shape::Int || display(f.ty) != "i64" => cx.error_spanned_by(
            f.ty,
            format!("the record id is an `i64`: declare `{}: i64`", f.ident),
        ),
        Some(_) => {}
    }
}

/// Two fields read the same wire name (after `rename`): one would silently
/// win, so it is an error on the second.
fn check_duplicate_wire_names(cx: &Ctxt, cont: &Container) {
    let mut seen: BTreeMap<String, &Field> = BTreeMap::new();
    for field in cont.fields.iter().filter(|f| f.is_column()) {
        let name = field.wire_name();
        if let Some(first) = seen.get(&name) {
            cx.syn_error(syn::Error::new(
                field.wire_span(),
                format!(
                    "duplicate wire name `{name}`: fields `{}` and `{}` both read it; \
                     remove one, or `#[model(rename = \"...\")]` one to another field",
                    first.ident, field.ident
                ),
            ));
        } else {
            seen.insert(name, field);
        }
    }
    // aiM18 sub-tables must be distinct too.
    let mut tables: BTreeMap<String, &Field> = BTreeMap::new();
    for field in &cont.fields {
        if let (false, Some(t)) = (field.attrs.skip, &field.attrs.table) {
            if let Some(first) = tables.get(&t.value()) {
                cx.error_spanned_by(
                    t,
                    format!(
                        "duplicate sub-table `{}`: fields `{}` and `{}` both hold it",
                        t.value(),
                        first.ident,
                        field.ident
                    ),
                );
            } else {
                tables.insert(t.value(), field);
            }
        }
    }
}
