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

/// Exactly one of `odoo` / `aim18`; `menu_code` goes with `aim18`.
fn check_model_kind(cx: &Ctxt, cont: &Container) {
    let a = &cont.attrs;
    match (&a.odoo, &a.aim18) {
        (None, None) => cx.error_spanned_by(
            cont.ident,
            format!(
                "missing model: say which model `{}` reads with `#[model(odoo = \"res.partner\")]` \
                 (or `#[model(aim18 = \"employee\", menu_code = \"employee\")]`)",
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
        }
    }
}

fn check_field(cx: &Ctxt, cont: &Container, field: &Field) {
    let a = &field.attrs;
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
        if !cont.is_aim18() {
            cx.error_spanned_by(
                table,
                "`table` marks an aiM18 sub-table; Odoo one2many fields are `Vec<i64>` or `X2Many<T>`",
            );
        } else if field.shape != Shape::VecOther {
            cx.error_spanned_by(
                field.ty,
                format!(
                    "a sub-table field holds its rows: `Vec<Row>` where `Row` derives `Model`, not `{}`",
                    display(field.ty)
                ),
            );
        }
        if let Some(r) = &a.rename {
            cx.error_spanned_by(r, "`table` already names the sub-table: drop `rename`");
        }
        return;
    }
    match &field.shape {
        Shape::Unsupported(why) => cx.error_spanned_by(
            field.ty,
            format!("unsupported field type `{}`: {why}", display(field.ty)),
        ),
        _ if field.shape.inner() == &Shape::VecOther => {
            let msg = if cont.is_aim18() {
                format!(
                    "`{}` looks like sub-table rows: mark the field `#[model(table = \"...\")]` with the \
                     table's name",
                    display(field.ty)
                )
            } else {
                format!(
                    "unsupported field type `{}`: one2many and many2many fields read as ids, use \
                     `Vec<i64>` or `X2Many<T>`",
                    display(field.ty)
                )
            };
            cx.error_spanned_by(field.ty, msg);
        }
        _ => {}
    }
}

/// `id: i64`, read from the server: `Model::id` returns it.
fn check_id(cx: &Ctxt, cont: &Container) {
    let id = cont
        .fields
        .iter()
        .find(|f| f.is_column() && f.wire_name() == "id");
    match id {
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
