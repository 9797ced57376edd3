//! Business methods several models share — a mixin's (`mail.thread`'s `message_post`,
//! `mail.activity.mixin`'s `activity_schedule`), the ORM's (`copy`, `action_archive`) — are
//! written once, as provided methods of a trait in the `mixins` module named after the class
//! that defines them (`MailThread`, `BaseModel` for the ORM), and each model implements the
//! trait in one line. The prelude brings the traits into scope, so
//! `SaleOrder::message_post(&client, &ids, ..)` reads the same as a model's own method.
//!
//! A method goes to its class's trait when at least two models have it from that class (the
//! defining `model` api_doc names), with the same signature and docs; a parameter typed with
//! the model's values types (`copy(default)`) names the trait's associated `Update` / `Create`,
//! which each model sets to its own. A model implements a trait when it has every method of
//! it; where it does not, or where two of its traits would offer one name, the model keeps its
//! own wrapper (an inherent function shadows the traits').

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::Result;
use crate::naming::{self, Case, Name};
use crate::schema::methods::Method;
use crate::typemap::annotations::ParamType;

use super::docs::{self, code};
use super::plan::{MethodPlan, ModelPlan, RECORD_ITEMS, SchemaPlan};

/// A trait a model implements, and the associated types its wrappers need.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MixinUse {
    pub ty: Name,
    /// Some wrapper takes the model's update values (`ValuesType`): `type Update`.
    pub update: bool,
    /// Some wrapper takes a list of its create values (`list[ValuesType]`): `type Create`.
    pub create: bool,
}

/// One trait: the shared wrappers of one defining class.
pub struct MixinPlan<'a> {
    /// The defining class as api_doc names it (`mail.thread`, `core` for the ORM).
    pub class: &'a str,
    pub ty: Name,
    /// Sorted by wire name, named within the trait.
    pub methods: Vec<MethodPlan<'a>>,
    /// How many models implement it.
    pub implementers: usize,
}

impl MixinPlan<'_> {
    fn takes(&self, ty: ParamType) -> bool {
        self.methods
            .iter()
            .any(|mp| mp.params.iter().any(|p| p.ty == ty))
    }

    /// How a model implements it.
    pub fn used(&self) -> MixinUse {
        MixinUse {
            ty: self.ty.clone(),
            update: self.takes(ParamType::Values),
            create: self.takes(ParamType::ValuesList),
        }
    }
}

/// Move the shared wrappers out of `models` into traits (and note on each model the traits it
/// implements).
pub fn split<'a>(models: &mut [ModelPlan<'a>]) -> Result<Vec<MixinPlan<'a>>> {
    // (class, wire) -> (the method, how many models share it, all copies equal)
    let mut groups: BTreeMap<(&'a str, &'a str), (&'a Method, usize, bool)> = BTreeMap::new();
    for m in models.iter().filter(|m| m.has_model_impl()) {
        for mp in &m.methods {
            let Some(class) = mp.method.model.as_deref() else {
                continue;
            };
            if class == m.name {
                continue;
            }
            groups
                .entry((class, mp.wire))
                .and_modify(|(first, n, same)| {
                    *n += 1;
                    *same &= *first == mp.method;
                })
                .or_insert((mp.method, 1, true));
        }
    }
    let mut shared: BTreeMap<&'a str, BTreeSet<&'a str>> = BTreeMap::new();
    for ((class, wire), (_, n, same)) in &groups {
        if *n >= 2 && *same {
            shared.entry(class).or_default().insert(wire);
        }
    }
    // A model implements a class's trait when it has every method of it, one at least from
    // that class.
    let implements = |m: &ModelPlan<'a>, class: &str, wires: &BTreeSet<&str>| {
        m.has_model_impl()
            && wires
                .iter()
                .all(|w| m.methods.iter().any(|mp| mp.wire == *w))
            && m.methods
                .iter()
                .any(|mp| mp.method.model.as_deref() == Some(class) && wires.contains(mp.wire))
    };
    let mut implementers: BTreeMap<&'a str, Vec<usize>> = BTreeMap::new();
    for (class, wires) in &shared {
        for (i, m) in models.iter().enumerate() {
            if implements(m, class, wires) {
                implementers.entry(class).or_default().push(i);
            }
        }
    }
    implementers.retain(|_, v| v.len() >= 2);
    shared.retain(|class, _| implementers.contains_key(class));

    let classes: Vec<&'a str> = shared.keys().copied().collect();
    let sources: Vec<&str> = classes
        .iter()
        .map(|c| if *c == "core" { "base_model" } else { c })
        .collect();
    let mut reserved: Vec<&str> = naming::PRELUDE_TYPES.to_vec();
    reserved.push("Model");
    let names = naming::unique(
        "schema",
        "mixin trait",
        &sources,
        Case::UpperCamel,
        &reserved,
        "Mixin",
    )?;

    let mut out = Vec::with_capacity(classes.len());
    let mut taken: Vec<BTreeMap<&'a str, usize>> = vec![BTreeMap::new(); models.len()];
    for (class, ty) in classes.into_iter().zip(names) {
        let wires = &shared[class];
        let users = &implementers[class];
        for &i in users {
            for w in wires {
                *taken[i].entry(w).or_default() += 1;
            }
        }
        // The plan of each method, from the first implementer (all copies are equal).
        let first = &models[users[0]];
        let mut methods: Vec<MethodPlan<'a>> = first
            .methods
            .iter()
            .filter(|mp| wires.contains(mp.wire))
            .cloned()
            .collect();
        let ws: Vec<&str> = methods.iter().map(|mp| mp.wire).collect();
        let names = naming::unique(class, "method", &ws, Case::Snake, RECORD_ITEMS, "_method")?;
        for (mp, name) in methods.iter_mut().zip(names) {
            mp.name = name;
        }
        out.push(MixinPlan {
            class,
            ty,
            methods,
            implementers: users.len(),
        });
    }
    for (i, m) in models.iter_mut().enumerate() {
        let mine: Vec<&MixinPlan<'a>> = out
            .iter()
            .filter(|t| implementers[t.class].contains(&i))
            .collect();
        if mine.is_empty() {
            continue;
        }
        // Through a trait unless two of the model's traits offer the name.
        let before = m.methods.len();
        m.methods.retain(|mp| {
            let class = mp.method.model.as_deref().unwrap_or_default();
            let via_trait = mine
                .iter()
                .any(|t| t.class == class && t.methods.iter().any(|tm| tm.wire == mp.wire));
            !(via_trait && taken[i].get(mp.wire) == Some(&1))
        });
        m.mixin_methods = before - m.methods.len();
        m.mixins = mine.iter().map(|t| t.used()).collect();
        m.mixins.sort();
    }
    Ok(out)
}

/// The `mixins` module's items: one trait per shared class.
pub fn gen_mixins(plan: &SchemaPlan<'_>, rt: &TokenStream) -> TokenStream {
    let traits = plan.mixins.iter().map(|t| {
        let ty = t.ty.ident();
        let verbatim = t.ty.verbatim || t.methods.iter().any(MethodPlan::verbatim_names);
        let placeholder = t.methods.iter().any(MethodPlan::placeholder_names);
        let mut lints = Vec::new();
        if verbatim {
            lints.push(quote!(non_snake_case));
            lints.push(quote!(non_camel_case_types));
        }
        if placeholder {
            lints.push(quote!(clippy::disallowed_names));
        }
        let allow = (!lints.is_empty()).then(|| quote!(#[allow( #(#lints),* )]));
        let doc = docs::outer(&[
            format!(
                "Business methods {} defines, shared by the {} models of these bindings that inherit them.",
                if t.class == "core" { "the ORM (`BaseModel`)".to_owned() } else { code(t.class) },
                t.implementers
            ),
            "Each of their record structs implements this trait, and the prelude brings it into".into(),
            "scope: call them as the model's own (`SaleOrder::message_post(&client, &ids, ..)`).".into(),
        ]);
        let fns = t
            .methods
            .iter()
            .map(|mp| super::business::gen_method(&super::business::Owner::Mixin(t.class), mp, rt));
        let used = t.used();
        let update = used.update.then(|| {
            quote! {
                /// The model's update values (`<Model>Update`), for the wrappers that take them.
                type Update: #rt::UpdateValues<Model = Self>;
            }
        });
        let create = used.create.then(|| {
            quote! {
                /// The model's create values (`<Model>Create`), for the wrappers that take a list.
                type Create: #rt::CreateValues<Model = Self>;
            }
        });
        quote! {
            #doc
            #allow
            pub trait #ty: #rt::Model {
                #update
                #create
                #( #fns )*
            }
        }
    });
    quote! { #( #traits )* }
}

/// The module's docs.
pub fn mixins_docs() -> Vec<String> {
    vec![
        "Business methods several models share (a mixin's, the ORM's), written once: one trait"
            .into(),
        "per defining class, implemented by the record structs that have its methods (the".into(),
        "prelude brings the traits into scope).".into(),
    ]
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use crate::emit::{SchemaPlan, Settings};
    use crate::schema::Schema;
    use crate::schema::methods::MethodsFile;

    /// Models `a`..`e` with an `id` (so they implement `Model`), except `e`; each with the
    /// methods `spec` gives (name → defining class; `"!x"` is class `x` with a different doc).
    fn plan_of(spec: &[(&str, &[(&str, &str)])]) -> (Schema, MethodsFile) {
        let mut models = serde_json::Map::new();
        let mut methods = serde_json::Map::new();
        for (model, ms) in spec {
            let mut fields = json!({"name": {"type": "char", "string": "Name"}});
            if *model != "e" {
                fields["id"] = json!({"type": "integer", "string": "ID", "readonly": true});
            }
            models.insert((*model).into(), json!({"module": "m", "fields": fields}));
            let mut mine = serde_json::Map::new();
            for (name, class) in *ms {
                let (class, doc) = match class.strip_prefix('!') {
                    Some(c) => (c, format!("<p>{model}'s own {name}</p>")),
                    None => (*class, format!("<p>{name}</p>")),
                };
                let mut m = json!({"model": class, "module": "m", "doc": doc, "signature": "()"});
                if *name == "copy" {
                    m["parameters"] = json!([{"name": "default", "annotation": "ValuesType | None", "default": null}]);
                    m["signature"] = json!("(default=None)");
                }
                mine.insert((*name).into(), m);
            }
            methods.insert((*model).into(), serde_json::Value::Object(mine));
        }
        let schema = json!({"format": 1, "erp": "odoo", "version": "18.0", "models": models});
        let schema = Schema::parse(&schema.to_string(), Path::new("t.json")).unwrap();
        let file =
            json!({"format": 1, "kind": "odoo-methods", "source": "test", "models": methods});
        let file = MethodsFile::parse(&file.to_string(), Path::new("t.methods.json")).unwrap();
        (schema, file)
    }

    #[test]
    fn shared_once_overrides_and_gaps_stay_with_the_model() {
        let (mut schema, file) = plan_of(&[
            (
                "a",
                &[
                    ("message_post", "mail.thread"),
                    ("message_new", "mail.thread"),
                    ("copy", "core"),
                ],
            ),
            (
                "b",
                &[
                    ("message_post", "mail.thread"),
                    ("message_new", "!b"),
                    ("copy", "core"),
                ],
            ),
            // lacks message_new: does not implement MailThread, keeps its own message_post
            (
                "c",
                &[
                    ("message_post", "mail.thread"),
                    ("copy", "core"),
                    ("own", "c"),
                ],
            ),
            (
                "d",
                &[
                    ("message_post", "mail.thread"),
                    ("message_new", "mail.thread"),
                ],
            ),
            // no `id`: no `Model` impl, so no trait; its wrappers stay its own
            (
                "e",
                &[
                    ("message_post", "mail.thread"),
                    ("message_new", "mail.thread"),
                ],
            ),
        ]);
        schema.attach_methods(&file);
        let settings = Settings::default();
        let plan = SchemaPlan::new(&schema, &settings).unwrap();
        let traits: Vec<(&str, Vec<&str>, usize)> = plan
            .mixins
            .iter()
            .map(|t| {
                (
                    t.ty.text.as_str(),
                    t.methods.iter().map(|m| m.wire).collect(),
                    t.implementers,
                )
            })
            .collect();
        assert_eq!(
            traits,
            [
                ("BaseModel", vec!["copy"], 3),
                ("MailThread", vec!["message_new", "message_post"], 3)
            ]
        );
        let own = |m: &str| -> Vec<&str> {
            plan.get(m)
                .unwrap()
                .methods
                .iter()
                .map(|mp| mp.wire)
                .collect()
        };
        let uses = |m: &str| -> Vec<(String, bool)> {
            plan.get(m)
                .unwrap()
                .mixins
                .iter()
                .map(|u| (u.ty.text.clone(), u.update))
                .collect()
        };
        assert_eq!(own("a"), Vec::<&str>::new());
        assert_eq!(
            uses("a"),
            [("BaseModel".into(), true), ("MailThread".into(), false)]
        );
        // b overrides message_new: its own wrapper shadows the trait's
        assert_eq!(own("b"), ["message_new"]);
        assert_eq!(own("c"), ["message_post", "own"]);
        assert_eq!(uses("c"), [("BaseModel".to_owned(), true)]);
        assert_eq!(own("e"), ["message_new", "message_post"]);
        assert!(uses("e").is_empty());
        // The generated code parses, `copy` naming the implementing model's update values.
        let text = crate::emit::business::render_mixins(&plan, &settings).unwrap();
        assert!(text.contains("default: Option<&Self::Update>"), "{text}");
        let a = crate::emit::business::render(&plan, "a", &settings).unwrap();
        assert!(a.contains("type Update = AUpdate;"), "{a}");
    }
}
