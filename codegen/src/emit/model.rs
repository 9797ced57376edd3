//! One model's items: the record struct, its `Model` impl, one values type for
//! create and update, typed field handles and selection enums. Each `gen_*` returns
//! one `TokenStream`; the shared logic is generic code in the runtime, and what is
//! said once per field (a setter, a handle, a selection value) is one line of a
//! runtime macro's list (see [`super::splice`]).

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::schema::Digits;
use crate::typemap::odoo::RustType;

use super::Settings;
use super::docs::{self, code};
use super::plan::{FieldPlan, ModelPlan, SchemaPlan};
use super::splice::{self, doc_text, name_text, type_text};

/// Where an item sits, for relative paths: the model module or its `fields` module.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Depth {
    Model,
    Fields,
    /// Inside `impl<K> XValues<K>`, where a model type or selection enum named `K` would be
    /// shadowed by the type parameter: local items are named through `self::`.
    Values,
}

struct Ctx<'p, 'a> {
    plan: &'p SchemaPlan<'a>,
    m: &'p ModelPlan<'a>,
    rt: TokenStream,
}

impl Ctx<'_, '_> {
    fn sup(&self, depth: Depth) -> TokenStream {
        match depth {
            Depth::Model | Depth::Values => quote!(super),
            Depth::Fields => quote!(super::super),
        }
    }

    /// The type a relation's marker parameter names: the target's alias in
    /// `rel` (which is `AnyModel` when the target's feature is off), or
    /// `AnyModel` when the target is not generated at all.
    fn target(&self, target: &str, depth: Depth) -> TokenStream {
        let rt = &self.rt;
        match self.plan.get(target) {
            Some(t) => {
                let sup = self.sup(depth);
                let ty = t.ty.ident();
                quote!(#sup::rel::#ty)
            }
            None => quote!(#rt::AnyModel),
        }
    }

    fn own_type(&self, depth: Depth) -> TokenStream {
        let ty = self.m.ty.ident();
        match depth {
            Depth::Model => quote!(#ty),
            Depth::Fields => quote!(super::#ty),
            Depth::Values => quote!(self::#ty),
        }
    }

    fn enum_type(&self, f: &FieldPlan<'_>, depth: Depth) -> TokenStream {
        let e = f
            .enum_name
            .as_ref()
            .expect("selection fields have an enum")
            .ident();
        match depth {
            Depth::Model => quote!(#e),
            Depth::Fields => quote!(super::#e),
            Depth::Values => quote!(self::#e),
        }
    }

    /// The Rust type of a value of this field (without `Option`).
    fn value_type(&self, f: &FieldPlan<'_>, depth: Depth) -> TokenStream {
        let rt = &self.rt;
        match &f.ty {
            RustType::String | RustType::SelectionString => quote!(String),
            RustType::Integer | RustType::Many2OneReference => quote!(i64),
            RustType::Float => quote!(f64),
            RustType::Bool => quote!(bool),
            RustType::Date => quote!(::chrono::NaiveDate),
            RustType::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
            RustType::Selection(_) => self.enum_type(f, depth),
            RustType::Many2One { target } => {
                let t = self.target(target, depth);
                quote!(#rt::Many2One<#t>)
            }
            RustType::X2Many { target } => {
                let t = self.target(target, depth);
                quote!(#rt::X2Many<#t>)
            }
            RustType::Binary => quote!(#rt::odoo::wire::Binary),
            RustType::Reference => quote!(#rt::odoo::wire::Reference),
            RustType::Json => quote!(::serde_json::Value),
        }
    }
}

/// The items of one model module. Texts for its splice placeholders are pushed to `splices`,
/// in the order the placeholders appear (see [`splice`]).
pub fn model_items(
    plan: &SchemaPlan<'_>,
    m: &ModelPlan<'_>,
    settings: &Settings,
    splices: &mut Vec<String>,
) -> TokenStream {
    let cx = Ctx {
        plan,
        m,
        rt: settings.runtime(),
    };
    let record = gen_struct(&cx);
    let has_id = m.has_model_impl();
    let methods = super::business::gen_methods(m, &cx.rt);
    if m.fields.is_empty() {
        // An abstract or service model (fields_get describes nothing): only
        // the type (so relations can name it) and its business methods.
        return quote! {
            #record
            #methods
        };
    }
    let impl_model = if has_id {
        gen_impl_model(&cx, splices)
    } else {
        quote!()
    };
    let values = gen_values(&cx, has_id, splices);
    let fields = gen_fields_module(&cx, splices);
    let enums: Vec<TokenStream> = m
        .fields
        .iter()
        .filter(|f| matches!(f.ty, RustType::Selection(_)))
        .map(|f| gen_selection_enum(&cx, f, splices))
        .collect();
    quote! {
        #record
        #impl_model
        #methods
        #values
        #fields
        #( #enums )*
    }
}

/// Models that `ir.model` lists and `fields_get` describes, but that have no table: every
/// `read`/`search_read` of them fails server-side (observed on real Odoo 16–19).
const TABLELESS: &[&str] = &[
    "calendar.alarm_manager",
    "publisher_warranty.contract",
    "res.users.apikeys.show",
];

/// Module docs: what the model is and where it comes from.
pub fn module_docs(m: &ModelPlan<'_>) -> Vec<String> {
    let mut lines = Vec::new();
    match &m.model.description {
        Some(d) => lines.push(format!("{}: {}", code(m.name), docs::escape_line(d))),
        None => lines.push(code(m.name)),
    }
    lines.push(String::new());
    let mut facts = vec![format!("Defined by module {}", code(&m.model.module))];
    let others: Vec<String> = m
        .model
        .modules
        .iter()
        .filter(|x| **x != m.model.module)
        .map(|x| code(x))
        .collect();
    if !others.is_empty() {
        facts.push(format!("extended by {}", others.join(", ")));
    }
    lines.push(format!("{}.", facts.join("; ")));
    if m.model.transient {
        lines.push(String::new());
        lines.push(
            "A transient (wizard) model: the server deletes its records after a while.".into(),
        );
    }
    if let Some(order) = &m.model.order {
        lines.push(String::new());
        lines.push(format!("Default order: {}.", code(order)));
    }
    if m.fields.is_empty() {
        lines.push(String::new());
        lines.push("fields_get describes no field: an abstract or service model.".into());
    }
    if TABLELESS.contains(&m.name) {
        lines.push(String::new());
        lines.push(
            "No table behind it: any read of this model fails on the server (seen on real \
             Odoo 16–19), whoever asks; only its methods are of use."
                .into(),
        );
    }
    lines.extend(super::business::module_doc_lines(m));
    let skipped: Vec<String> = m
        .fields
        .iter()
        .filter(|f| !f.in_record())
        .map(|f| code(f.wire))
        .collect();
    if !skipped.is_empty() {
        lines.push(String::new());
        lines.push(format!(
            "Not in the record struct (binary fields are downloaded one record at a time, \
             `client.download(fields::<name>(), id)`; reified group fields cannot be read): {}.",
            skipped.join(", ")
        ));
    }
    lines
}

/// Doc lines of a field: label, help, then the facts a caller needs.
fn field_docs(version: &str, f: &FieldPlan<'_>) -> Vec<String> {
    let field = f.field;
    let mut lines = Vec::new();
    let label = if field.string.trim().is_empty() {
        f.wire.to_owned()
    } else {
        docs::escape_line(&field.string)
    };
    lines.push(label);
    if let Some(help) = &field.help {
        let help = docs::text_lines(help);
        if !help.is_empty() {
            lines.push(String::new());
            lines.extend(help);
        }
    }
    let mut facts = vec![code(&field.ttype)];
    if let Some(rel) = &field.relation {
        let mut s = format!("to {}", code(rel));
        if let Some(inv) = &field.relation_field {
            s.push_str(&format!(" (inverse {})", code(inv)));
        }
        facts.push(s);
    }
    if field.required {
        facts.push("required".into());
    }
    if field.readonly {
        facts.push("readonly".into());
    }
    if let Some(rel) = &field.related {
        facts.push(format!("related {}", code(rel)));
    } else if field.is_computed() && !f.on_demand() {
        facts.push("computed".into());
    }
    if field.store == Some(false) && !f.on_demand() {
        facts.push("not stored".into());
    }
    if field.company_dependent == Some(true) {
        facts.push("company-dependent".into());
    }
    match field.digits {
        Some(Digits::Fixed(p, s)) => facts.push(format!("digits ({p}, {s})")),
        Some(Digits::Unrounded(_)) => facts.push("digits: not rounded".into()),
        None => {}
    }
    if let Some(c) = &field.currency_field {
        facts.push(format!("currency in {}", code(c)));
    }
    if let Some(mf) = &field.model_field {
        facts.push(format!("model name in {}", code(mf)));
    }
    if f.on_demand() {
        facts.push(format!(
            "computed per record, not stored: not read by default (`NotRead`), ask with `.with(fields::{}())`",
            f.name.display()
        ));
    }
    lines.push(String::new());
    lines.push(format!("{}.", facts.join(", ")));
    if let Some(g) = field.groups.as_deref().filter(|g| !g.trim().is_empty()) {
        // A user outside these groups does not get the field: typed reads leave it out.
        lines.push(String::new());
        lines.push(format!(
            "Readable by: {} ({}); other users read it as empty.",
            docs::escape_line(&crate::groups::readable_by(version, g)),
            code(g)
        ));
    }
    if let Some(sel) = &field.selection {
        let shown: Vec<String> = sel
            .iter()
            .take(12)
            .map(|(k, label)| {
                let k = match k.as_str() {
                    Some(s) => s.to_owned(),
                    None => serde_json::to_string(k).unwrap_or_default(),
                };
                format!("{} ({})", code(&k), docs::escape_line(label))
            })
            .collect();
        if !shown.is_empty() {
            let more = if sel.len() > shown.len() {
                format!(", and {} more", sel.len() - shown.len())
            } else {
                String::new()
            };
            lines.push(String::new());
            lines.push(format!("Values: {}{more}.", shown.join(", ")));
        }
    }
    lines
}

fn gen_struct(cx: &Ctx<'_, '_>) -> TokenStream {
    let m = cx.m;
    let rt = &cx.rt;
    let ty = m.ty.ident();
    let label = m
        .model
        .description
        .as_deref()
        .map(docs::escape_line)
        .unwrap_or_else(|| m.name.to_owned());
    let doc = docs::outer(&[
        format!(
            "{label} ({}): one record, as `search_read` and `read` return it.",
            code(m.name)
        ),
        String::new(),
        "Fields that are empty on the server (`false`) are `None`; numbers and booleans, which \
         Odoo sends as `0` and `false`, are plain values, and empty x2many fields empty lists. \
         Computed fields are `Computed<T>`, `NotRead` unless the read asked for them."
            .into(),
    ]);
    let fields = m.fields.iter().filter(|f| f.in_record()).map(|f| {
        let name = f.name.ident();
        let doc = docs::outer(&field_docs(&cx.plan.schema.version, f));
        let value = cx.value_type(f, Depth::Model);
        let value = if f.ty.nullable() && f.wire != "id" {
            quote!(Option<#value>)
        } else {
            value
        };
        if f.on_demand() {
            quote! { #doc pub #name: #rt::Computed<#value>, }
        } else {
            quote! { #doc pub #name: #value, }
        }
    });
    // Decoding is one `match` from the index of a key in the sorted wire
    // names to a field, each arm one call to a runtime helper generic only
    // over the field's Rust type: far less code than a serde derive, and not
    // generic over the deserializer, so it is compiled once, here.
    let mut decoded: Vec<&FieldPlan<'_>> = m.fields.iter().filter(|f| f.in_record()).collect();
    decoded.sort_by(|a, b| a.wire.cmp(b.wire));
    // A model's decoder list is its default fields and its computed ones (`Model::FIELDS`
    // and `Model::COMPUTED`), merged at compile time: each name is written once.
    let decoder_fields = if m.has_model_impl() {
        if decoded.iter().any(|f| f.on_demand()) {
            let n = proc_macro2::Literal::usize_unsuffixed(decoded.len());
            quote! {
                &#rt::__private::merge_sorted::<#n>(
                    <Self as #rt::Model>::FIELDS,
                    <Self as #rt::Model>::COMPUTED,
                )
            }
        } else {
            quote!(<Self as #rt::Model>::FIELDS)
        }
    } else {
        let wires = decoded.iter().map(|f| f.wire);
        quote!(&[ #( #wires ),* ])
    };
    let read = |f: &FieldPlan<'_>| {
        let method = match (f.ty.nullable() && f.wire != "id", f.on_demand()) {
            (true, false) => quote!(nullable),
            (false, false) => quote!(value),
            (true, true) => quote!(computed_nullable),
            (false, true) => quote!(computed),
        };
        quote!(r.#method()?)
    };
    let arms = decoded.iter().enumerate().map(|(i, f)| {
        let name = f.name.ident();
        let value = read(f);
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote! { #i => record.#name = #value, }
    });
    let body = if decoded.is_empty() {
        quote! {
            while r.next()?.is_some() {}
            Ok(#ty::default())
        }
    } else if let [f] = decoded.as_slice() {
        // One field (no `match` with a single arm, which clippy flags).
        let name = f.name.ident();
        let value = read(f);
        quote! {
            let mut record = #ty::default();
            while r.next()?.is_some() {
                record.#name = #value;
            }
            Ok(record)
        }
    } else {
        quote! {
            let mut record = #ty::default();
            while let Some(i) = r.next()? {
                match i {
                    #( #arms )*
                    _ => {}
                }
            }
            Ok(record)
        }
    };
    quote! {
        #doc
        #[derive(Debug, Clone, Default)]
        pub struct #ty {
            #( #fields )*
        }

        impl<'de> ::serde::Deserialize<'de> for #ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #rt::__private::deserialize_record(d)
            }
        }

        impl #rt::__private::FromRecord for #ty {
            const FIELDS: &'static [&'static str] = #decoder_fields;
            fn from_record(r: &mut #rt::__private::Record<'_>) -> Result<Self, #rt::__private::Fail> {
                #body
            }
        }
    }
}

fn gen_impl_model(cx: &Ctx<'_, '_>, splices: &mut Vec<String>) -> TokenStream {
    let rt = &cx.rt;
    let ty = cx.m.ty.ident();
    let model = cx.m.name;
    let read_by_default = |f: &&FieldPlan<'_>| f.in_record() && !f.on_demand();
    let wires = cx.m.fields.iter().filter(read_by_default).map(|f| f.wire);
    let on_demand: Vec<&str> =
        cx.m.fields
            .iter()
            .filter(|f| f.on_demand())
            .map(|f| f.wire)
            .collect();
    let computed = (!on_demand.is_empty())
        .then(|| quote!(const COMPUTED: &'static [&'static str] = &[ #( #on_demand ),* ];));
    // In a nested read (`client.search_nested::<Self>`), many2one fields come
    // with their display name, as `read` sends them. Nested reads ask for the
    // default fields only, so computed many2ones need no entry.
    let many2ones =
        cx.m.fields
            .iter()
            .filter(read_by_default)
            .filter(|f| matches!(f.ty, RustType::Many2One { .. }))
            .map(|f| f.wire);
    // One spec a line: as a chain of builder calls prettyplease would give each call a line.
    let specs: String =
        cx.m.fields
            .iter()
            .filter_map(|f| gen_field_spec(cx, f))
            .map(|spec| format!("    {spec},\n"))
            .collect();
    splices.push(format!(
        "const FIELD_SPECS: &'static [{}::FieldSpec] = &[\n{specs}];",
        type_text(rt)
    ));
    let field_specs = splice::placeholder();
    quote! {
        impl #rt::Model for #ty {
            const MODEL: &'static str = #model;
            const FIELDS: &'static [&'static str] = &[ #( #wires ),* ];
            #computed
            #field_specs
            fn id(&self) -> i64 {
                self.id
            }
        }

        impl #rt::odoo::projection::Projection for #ty {
            const RELATIONS: &'static [#rt::odoo::projection::Relation] = &[
                #( #rt::odoo::projection::Relation::display_name(#many2ones) ),*
            ];
        }
    }
}

/// What a drift check compares of one field (`client.verify::<M>()`): plain data, one const
/// expression. Reified group fields are left out (they exist in fields_get only, and only up
/// to Odoo 18).
fn gen_field_spec(cx: &Ctx<'_, '_>, f: &FieldPlan<'_>) -> Option<String> {
    if f.field.reified {
        return None;
    }
    let lit = |s: &str| proc_macro2::Literal::string(s).to_string();
    let list = |items: &[&str]| {
        let items: Vec<String> = items.iter().map(|s| lit(s)).collect();
        format!("&[{}]", items.join(", "))
    };
    let mut spec = format!(
        "{}::FieldSpec::new({}, {})",
        type_text(&cx.rt),
        lit(f.wire),
        lit(&f.field.ttype)
    );
    if let Some(r) = &f.field.relation {
        spec.push_str(&format!(".relation({})", lit(r)));
    }
    if f.field.required {
        spec.push_str(".required()");
    }
    // Only a writable field can become "no longer writable"; the others need not say.
    if f.field.facts().writable == Some(true) {
        spec.push_str(".writable(true)");
    }
    let groups: Vec<&str> = f
        .field
        .groups
        .iter()
        .flat_map(|g| g.split(','))
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .collect();
    if !groups.is_empty() {
        spec.push_str(&format!(".groups({})", list(&groups)));
    }
    let keys = f.selection_keys();
    if let Some(shared) = cx.plan.shared_keys.get(&keys) {
        spec.push_str(&format!(".selection(super::verify::{shared})"));
    } else if !keys.is_empty() {
        spec.push_str(&format!(".selection({})", list(&keys)));
    }
    Some(spec)
}

/// The parameter type of a setter for this field, as the create constructor takes it.
fn setter_param(cx: &Ctx<'_, '_>, f: &FieldPlan<'_>) -> TokenStream {
    let rt = &cx.rt;
    match setter_kind(cx, f) {
        (SetterKind::Into, ty) => quote!(impl Into<#ty>),
        (SetterKind::Value, ty) => ty,
        (SetterKind::Commands, t) => quote!(impl IntoIterator<Item = #rt::odoo::wire::Command<#t>>),
    }
}

/// How a setter takes its value (the `how` of `__private::setters!`).
#[derive(Clone, Copy)]
enum SetterKind {
    Into,
    Value,
    Commands,
}

fn setter_kind(cx: &Ctx<'_, '_>, f: &FieldPlan<'_>) -> (SetterKind, TokenStream) {
    let rt = &cx.rt;
    match &f.ty {
        RustType::String | RustType::SelectionString => (SetterKind::Into, quote!(String)),
        RustType::Many2One { .. } => (SetterKind::Value, quote!(i64)),
        RustType::X2Many { target } => (SetterKind::Commands, cx.target(target, Depth::Values)),
        RustType::Binary => (SetterKind::Into, quote!(#rt::odoo::wire::Binary)),
        _ => (SetterKind::Value, cx.value_type(f, Depth::Values)),
    }
}

/// `__private::setters! { .. }`, one entry a writable field (empty when none is).
fn gen_setters(cx: &Ctx<'_, '_>) -> String {
    let mut body = String::new();
    for f in cx.m.fields.iter().filter(|f| f.writable) {
        doc_text(
            &[format!(
                "Set {} ({}).",
                code(f.wire),
                docs::escape_line(&f.field.string)
            )],
            &mut body,
            "    ",
        );
        let (kind, ty) = setter_kind(cx, f);
        let how = match kind {
            SetterKind::Into => "into",
            SetterKind::Value => "value",
            SetterKind::Commands => "commands",
        };
        body.push_str(&format!(
            "    {}: {how} {};\n",
            name_text(&f.setter, f.wire),
            type_text(&ty)
        ));
    }
    if body.is_empty() {
        return body;
    }
    format!("{}::__private::setters! {{\n{body}}}", type_text(&cx.rt))
}

/// One values type for create and update, `XValues<K>`, with the setters written once;
/// `XCreate` and `XUpdate` are its two kinds (type aliases), each with its own constructor.
fn gen_values(cx: &Ctx<'_, '_>, has_id: bool, splices: &mut Vec<String>) -> TokenStream {
    let m = cx.m;
    let rt = &cx.rt;
    let own = cx.own_type(Depth::Values);
    let ty = Ident::new(&m.values_ty, Span::call_site());
    let create_ty = Ident::new(&m.create_ty, Span::call_site());
    let update_ty = Ident::new(&m.update_ty, Span::call_site());
    let setters = gen_setters(cx);
    let setters = (!setters.is_empty()).then(|| {
        splices.push(setters);
        splice::placeholder()
    });
    let args: Vec<&FieldPlan<'_>> = m.fields.iter().filter(|f| f.create_arg).collect();
    let params = args.iter().map(|f| {
        let name = f.name.ident();
        let param = setter_param(cx, f);
        quote!(#name: #param)
    });
    // The constructor chains the setters instead of binding a local: a local
    // (`values`) could share its name with a required field's parameter.
    let sets = args.iter().map(|f| {
        let setter = f.setter.ident();
        let arg = f.name.ident();
        quote!(.#setter(#arg))
    });
    let required: Vec<String> = args.iter().map(|f| code(f.wire)).collect();
    let doc = docs::outer(&[format!(
        "Values for creating ([`{create_ty}`]) or updating ([`{update_ty}`]) {} records: \
         only the fields set here are sent.",
        code(m.name)
    )]);
    let create_doc = docs::outer(&[format!(
        "Values for creating a {} record: the constructor takes the required fields, setters add the rest.",
        code(m.name)
    )]);
    let update_doc = docs::outer(&[format!(
        "Values for updating {} records: only the fields set here are written.",
        code(m.name)
    )]);
    let new_doc = docs::outer(&[if required.is_empty() {
        "No field is required (those with server defaults or computed values are left out)."
            .to_owned()
    } else {
        format!(
            "Takes the required fields: {} (readonly, computed and x2many fields are left out).",
            required.join(", ")
        )
    }]);
    let empty =
        quote!(#ty { values: #rt::odoo::wire::Values::new(), kind: ::core::marker::PhantomData });
    let many_args = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    // Without required fields, create values have a `Default` too (as update values do).
    let create_new = if args.is_empty() {
        quote! {
            impl #create_ty {
                #new_doc
                pub fn new() -> Self {
                    Self::default()
                }
            }

            impl Default for #create_ty {
                fn default() -> Self {
                    #empty
                }
            }
        }
    } else {
        quote! {
            impl #create_ty {
                #new_doc
                #many_args
                pub fn new( #( #params ),* ) -> Self {
                    #empty #( #sets )*
                }
            }
        }
    };
    let trait_impls = has_id.then(|| {
        quote! {
            impl #rt::CreateValues for #create_ty {
                type Model = #own;
            }

            impl #rt::UpdateValues for #update_ty {
                type Model = #own;
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone)]
        pub struct #ty<K> {
            values: #rt::odoo::wire::Values,
            kind: ::core::marker::PhantomData<K>,
        }

        #create_doc
        pub type #create_ty = #ty<#rt::odoo::model::ForCreate>;

        #update_doc
        pub type #update_ty = #ty<#rt::odoo::model::ForUpdate>;

        impl<K> ::serde::Serialize for #ty<K> {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(&self.values, s)
            }
        }

        #create_new

        impl #update_ty {
            /// No field set yet.
            pub fn new() -> Self {
                Self::default()
            }
        }

        impl Default for #update_ty {
            fn default() -> Self {
                #empty
            }
        }

        impl<K> #ty<K> {
            /// Write `false` to a field: empty it.
            pub fn clear(mut self, field: impl #rt::odoo::fields::FieldHandle<Model = #own>) -> Self {
                self.values.clear(field.name());
                self
            }

            /// The values set so far, by wire name.
            pub fn values(&self) -> &#rt::odoo::wire::Values {
                &self.values
            }

            #setters
        }

        #trait_impls
    }
}

fn gen_fields_module(cx: &Ctx<'_, '_>, splices: &mut Vec<String>) -> TokenStream {
    let rt = &cx.rt;
    let own = cx.own_type(Depth::Fields);
    let mut body = format!("    {};\n", type_text(&own));
    for f in cx.m.fields.iter().filter(|f| f.has_handle()) {
        let (kind, params) = match &f.ty {
            RustType::String | RustType::SelectionString => ("CharField", None),
            RustType::Integer => ("NumField", Some(quote!(i64))),
            RustType::Float => ("NumField", Some(quote!(f64))),
            RustType::Bool => ("BoolField", None),
            RustType::Date => ("DateField", Some(quote!(::chrono::NaiveDate))),
            RustType::DateTime => ("DateField", Some(quote!(::chrono::DateTime<::chrono::Utc>))),
            RustType::Selection(_) => ("SelectionField", Some(cx.enum_type(f, Depth::Fields))),
            RustType::Many2One { target } => {
                ("Many2OneField", Some(cx.target(target, Depth::Fields)))
            }
            RustType::X2Many { target } => ("X2ManyField", Some(cx.target(target, Depth::Fields))),
            RustType::Binary => ("BinaryField", None),
            RustType::Reference | RustType::Many2OneReference | RustType::Json => {
                ("AnyField", None)
            }
        };
        doc_text(
            &[format!(
                "{} ({}, {}).",
                docs::escape_line(&f.field.string),
                code(f.wire),
                code(&f.field.ttype)
            )],
            &mut body,
            "    ",
        );
        let params = params
            .map(|p| format!("<{}>", type_text(&p)))
            .unwrap_or_default();
        body.push_str(&format!(
            "    {}: {kind}{params};\n",
            name_text(&f.name, f.wire)
        ));
    }
    splices.push(format!(
        "{}::__private::field_handles! {{\n{body}}}",
        type_text(rt)
    ));
    let handles = splice::placeholder();
    quote! {
        /// Typed field handles for domains, e.g. `fields::name().ilike("acme")`.
        pub mod fields {
            #handles
        }
    }
}

fn gen_selection_enum(
    cx: &Ctx<'_, '_>,
    f: &FieldPlan<'_>,
    splices: &mut Vec<String>,
) -> TokenStream {
    let RustType::Selection(values) = &f.ty else {
        return quote!();
    };
    let e = f
        .enum_name
        .as_ref()
        .expect("selection fields have an enum")
        .ident();
    let mut text = format!("{}::__private::selection! {{\n", type_text(&cx.rt));
    doc_text(
        &[
            format!(
                "Values of {} ({}) on {}.",
                code(f.wire),
                docs::escape_line(&f.field.string),
                code(cx.m.name)
            ),
            String::new(),
            "`Unknown` keeps a value this binding does not know (the server may add values)."
                .into(),
        ],
        &mut text,
        "    ",
    );
    text.push_str(&format!("    pub enum {e} {{\n"));
    for ((v, label), variant) in values.iter().zip(&f.variants) {
        let label = if label.trim().is_empty() {
            code(v)
        } else {
            format!("{} ({})", docs::escape_line(label), code(v))
        };
        doc_text(&[label], &mut text, "        ");
        text.push_str(&format!(
            "        {} = {},\n",
            variant.ident(),
            proc_macro2::Literal::string(v)
        ));
    }
    text.push_str("    }\n}");
    splices.push(text);
    splice::placeholder()
}
