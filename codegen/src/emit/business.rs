//! Business-method wrappers: one associated function per method on the record
//! struct, `SaleOrder::action_confirm(&client, &ids)` for a method on records,
//! `ResPartner::get_empty_list_help(&client, ..)` for an `@api.model` one. Each is
//! generic over the client's mode (it answers the async client's builder, to `.await`, or
//! the blocking client's, to `.call()`), collects its arguments by name and calls
//! `Client::call_method`; all the logic is in the runtime. Names, types and docs were decided in the plan; text
//! from the server lands in doc comments and string literals only.

use proc_macro2::TokenStream;
use quote::quote;

use crate::typemap::annotations::{ParamType, ReturnType};

use super::docs::{self, code};
use super::plan::{MethodPlan, ModelPlan, ParamPlan};

/// The `impl` block with the wrappers of `m` alone, and its implementations of the mixin
/// traits that carry the shared ones (empty when it has none).
pub fn gen_methods(m: &ModelPlan<'_>, rt: &TokenStream) -> TokenStream {
    let ty = m.ty.ident();
    let base = m.ty.text.trim_end_matches('_');
    let mixins = m.mixins.iter().map(|u| {
        let t = u.ty.ident();
        let update = u.update.then(|| {
            let v =
                proc_macro2::Ident::new(&format!("{base}Update"), proc_macro2::Span::call_site());
            quote!(type Update = #v;)
        });
        let create = u.create.then(|| {
            let v =
                proc_macro2::Ident::new(&format!("{base}Create"), proc_macro2::Span::call_site());
            quote!(type Create = #v;)
        });
        quote!(impl super::mixins::#t for #ty { #update #create })
    });
    let own = (!m.methods.is_empty()).then(|| {
        let fns = m
            .methods
            .iter()
            .map(|mp| gen_method(&Owner::Model(m), mp, rt));
        quote! {
            /// Business methods (see the module docs for where the list comes from).
            impl #ty {
                #( #fns )*
            }
        }
    });
    quote! {
        #own
        #( #mixins )*
    }
}

/// The module-doc lines about a model's business methods (none when it has none).
pub fn module_doc_lines(m: &ModelPlan<'_>) -> Vec<String> {
    let n = m.methods.len() + m.mixin_methods;
    if n == 0 {
        return Vec::new();
    }
    let source = m
        .methods_source
        .map(|s| format!(" (method list: {})", docs::escape_line(s)))
        .unwrap_or_default();
    let mut line = format!(
        "{n} business method{} as associated functions of the record struct{source}; \
         the ORM methods the typed CRUD API covers are left out.",
        if n == 1 { "" } else { "s" }
    );
    if !m.mixins.is_empty() {
        let traits: Vec<String> = m
            .mixins
            .iter()
            .map(|u| format!("[`{0}`](super::mixins::{0})", u.ty.text))
            .collect();
        line.push_str(&format!(
            " {} of them shared with other models, through {} (in the prelude).",
            m.mixin_methods,
            traits.join(", ")
        ));
    }
    vec![String::new(), line]
}

/// Whose wrapper it is: a model's own, or a mixin trait's (any implementing model's).
pub enum Owner<'p, 'a> {
    Model(&'p ModelPlan<'a>),
    Mixin(&'a str),
}

fn param_type(owner: &Owner<'_, '_>, p: &ParamPlan<'_>, rt: &TokenStream) -> TokenStream {
    let base = match owner {
        Owner::Model(m) => m.ty.text.trim_end_matches('_'),
        Owner::Mixin(_) => "",
    };
    let inner = match p.ty {
        // A trait's wrapper names the implementing model's types.
        ParamType::Values if base.is_empty() => quote!(&Self::Update),
        ParamType::ValuesList if base.is_empty() => quote!(&[Self::Create]),
        ParamType::Int => quote!(i64),
        ParamType::Float => quote!(f64),
        ParamType::Bool => quote!(bool),
        ParamType::Str => quote!(&str),
        ParamType::Ids => quote!(&[i64]),
        ParamType::Strs => quote!(&[&str]),
        ParamType::Domain => quote!(#rt::Domain),
        ParamType::Values => {
            let t =
                proc_macro2::Ident::new(&format!("{base}Update"), proc_macro2::Span::call_site());
            quote!(&#t)
        }
        ParamType::ValuesList => {
            let t =
                proc_macro2::Ident::new(&format!("{base}Create"), proc_macro2::Span::call_site());
            quote!(&[#t])
        }
        ParamType::Json => quote!(::serde_json::Value),
    };
    if p.optional || p.nullable {
        quote!(Option<#inner>)
    } else {
        inner
    }
}

fn return_type(mp: &MethodPlan<'_>, rt: &TokenStream) -> TokenStream {
    let inner = match mp.returns {
        ReturnType::Unit => quote!(()),
        ReturnType::Bool => quote!(bool),
        ReturnType::Int => quote!(i64),
        ReturnType::Float => quote!(f64),
        ReturnType::Str => quote!(String),
        ReturnType::Ids => quote!(Vec<i64>),
        ReturnType::Action => quote!(#rt::odoo::ActionResult),
        ReturnType::Json => quote!(::serde_json::Value),
    };
    if mp.returns_nullable {
        quote!(Option<#inner>)
    } else {
        inner
    }
}

pub(crate) fn gen_method(
    owner: &Owner<'_, '_>,
    mp: &MethodPlan<'_>,
    rt: &TokenStream,
) -> TokenStream {
    let name = mp.name.ident();
    let (model, vis) = match owner {
        Owner::Model(m) => {
            let model = m.name;
            (quote!(#model), quote!(pub))
        }
        Owner::Mixin(_) => (quote!(<Self as #rt::Model>::MODEL), quote!()),
    };
    let wire = mp.wire;
    let doc = docs::outer(&method_docs(owner, mp));
    let ret = return_type(mp, rt);
    // Generic over the client's mode: the same wrapper serves the async and the blocking client.
    let mut params = vec![quote!(client: &'c #rt::odoo::Client<X>)];
    if mp.on_records {
        params.push(quote!(ids: &[i64]));
    }
    let mut sets = Vec::new();
    for p in &mp.params {
        let arg = p.name.ident();
        let ty = param_type(owner, p, rt);
        params.push(quote!(#arg: #ty));
        let pw = p.param.name.as_str();
        sets.push(if p.optional {
            quote!(method_args.opt(#pw, #arg);)
        } else {
            quote!(method_args.arg(#pw, &#arg);)
        });
    }
    if let Some(kw) = &mp.var_keyword {
        let arg = kw.ident();
        params.push(quote!(#arg: Option<::serde_json::Map<String, ::serde_json::Value>>));
        sets.push(quote!(method_args.extra(#arg);));
    }
    let ids = if mp.on_records {
        quote!(Some(ids))
    } else {
        quote!(None)
    };
    let many = (params.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let body = if sets.is_empty() {
        quote! {
            client.call_method(#model, #wire, #ids, #rt::odoo::MethodArgs::new())
        }
    } else {
        quote! {
            let mut method_args = #rt::odoo::MethodArgs::new();
            #( #sets )*
            client.call_method(#model, #wire, #ids, method_args)
        }
    };
    quote! {
        #doc
        #many
        #vis fn #name<'c, X: #rt::odoo::Exec>( #( #params ),* ) -> #rt::odoo::Execute<'c, #ret, X> {
            #body
        }
    }
}

/// Doc lines: the method's own doc, its parameters, return value and errors,
/// then where it is defined and how it is called.
fn method_docs(owner: &Owner<'_, '_>, mp: &MethodPlan<'_>) -> Vec<String> {
    let method = mp.method;
    let mut lines = method
        .doc
        .as_deref()
        .map(docs::html_lines)
        .unwrap_or_default();
    if lines.is_empty() {
        lines.push(format!(
            "{} (no documentation on the server).",
            code(mp.wire)
        ));
    }
    if !mp.params.is_empty() || mp.var_keyword.is_some() || !mp.var_positional.is_empty() {
        lines.push(String::new());
        lines.push("# Parameters".into());
        lines.push(String::new());
        if mp.params.iter().any(|p| p.optional) {
            lines.push(
                "A parameter with a default is an `Option`: `None` leaves the server's default."
                    .into(),
            );
            lines.push(String::new());
        }
        for p in &mp.params {
            let mut facts = Vec::new();
            if let Some(a) = &p.param.annotation {
                facts.push(format!("annotated {}", code(a)));
            }
            match &p.param.default {
                Some(d) => facts.push(format!("default {}", code(&python_literal(d)))),
                None if p.nullable => facts.push("`None` is sent as `null`".into()),
                None => {}
            }
            let mut line = format!("- {}", code(&p.param.name));
            if !facts.is_empty() {
                line.push_str(&format!(" ({})", facts.join("; ")));
            }
            let doc = one_line(p.param.doc.as_deref());
            if !doc.is_empty() {
                line.push_str(": ");
                line.push_str(&doc);
            }
            lines.push(line);
        }
        if let Some(kw) = mp.method.parameters.iter().find(|p| p.is_var_keyword()) {
            lines.push(format!(
                "- {}: extra keyword arguments (`**{}`), sent as given",
                code(&kw.name),
                docs::escape_line(&kw.name)
            ));
        }
        for name in &mp.var_positional {
            lines.push(format!(
                "- {}: `*args` cannot be sent by name and is left out; use `client.call` to pass it",
                code(name)
            ));
        }
    }
    if let Some(r) = &method.returns {
        let doc = one_line(r.doc.as_deref());
        if r.annotation.is_some() || !doc.is_empty() {
            lines.push(String::new());
            lines.push("# Returns".into());
            lines.push(String::new());
            let mut line = r
                .annotation
                .as_deref()
                .map(|a| format!("Annotated {}", code(a)))
                .unwrap_or_default();
            if !doc.is_empty() {
                if !line.is_empty() {
                    line.push_str(": ");
                }
                line.push_str(&doc);
            }
            lines.push(line);
        }
    }
    if !method.raise.is_empty() {
        lines.push(String::new());
        lines.push("# Errors".into());
        lines.push(String::new());
        for (exc, doc) in &method.raise {
            let doc = one_line(Some(doc));
            let line = match (exc.is_empty(), doc.is_empty()) {
                (true, _) => format!("- {doc}"),
                (false, true) => format!("- {}", code(exc)),
                (false, false) => format!("- {}: {doc}", code(exc)),
            };
            lines.push(line);
        }
    }
    lines.push(String::new());
    let target = match owner {
        Owner::Model(m) => code(m.name),
        Owner::Mixin(_) if mp.on_records => "the implementing model's".into(),
        Owner::Mixin(_) => "the implementing model".into(),
    };
    let mut call = format!(
        "Calls {} on {} {}",
        code(mp.wire),
        target,
        if mp.on_records {
            "records (`ids`)"
        } else {
            "(an `@api.model` method: no ids)"
        }
    );
    match (&method.model, &method.module) {
        (Some(class), Some(module)) => call.push_str(&format!(
            "; defined by {} in module {}",
            code(class),
            code(module)
        )),
        (None, Some(module)) => call.push_str(&format!("; defined in module {}", code(module))),
        (Some(class), None) => call.push_str(&format!("; defined by {}", code(class))),
        (None, None) => {}
    }
    call.push('.');
    lines.push(call);
    if let Some(sig) = &method.signature {
        lines.push(String::new());
        lines.push(format!("Signature: {}", code(sig)));
    }
    lines
}

/// Doc text flattened into one escaped line (for list items).
fn one_line(html: Option<&str>) -> String {
    let Some(html) = html else {
        return String::new();
    };
    docs::html_lines(html)
        .into_iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.strip_prefix("- ").map(str::to_owned).unwrap_or(l))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A JSON default as Python writes it: `None`, `True`, `''`, `0`.
fn python_literal(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "None".into(),
        serde_json::Value::Bool(true) => "True".into(),
        serde_json::Value::Bool(false) => "False".into(),
        serde_json::Value::String(s) if s.is_empty() => "''".into(),
        other => other.to_string(),
    }
}

/// The wrappers of one model of `plan` as a formatted file (for tests and
/// review): `None` in the plan is an error naming the model.
pub fn render(
    plan: &super::SchemaPlan<'_>,
    model: &str,
    settings: &super::Settings,
) -> crate::error::Result<String> {
    let m = plan.get(model).ok_or_else(|| crate::error::Error::Input {
        what: model.to_owned(),
        message: "no such model in the plan".into(),
    })?;
    let ty = m.ty.ident();
    let tokens = gen_methods(m, &settings.runtime());
    // A stand-in struct so that the block is a complete file.
    super::format("", quote! { pub struct #ty; #tokens }, model)
}

/// The `mixins` module of `plan` as a formatted file (for tests and review).
pub fn render_mixins(
    plan: &super::SchemaPlan<'_>,
    settings: &super::Settings,
) -> crate::error::Result<String> {
    let tokens = super::mixins::gen_mixins(plan, &settings.runtime());
    super::format("", tokens, "mixins")
}
