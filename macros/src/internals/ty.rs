//! What a field's Rust type is, read from its tokens. Decoding does not
//! depend on this (it goes through the runtime's `FromOdoo` trait, so type
//! aliases work); it serves the clear early errors and the schema check.

use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type};

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Option(Box<Shape>),
    String,
    /// `i64` or `i32`.
    Int,
    /// `f64` or `f32`.
    Float,
    Bool,
    Date,
    /// `DateTime<Utc>`.
    DateTime,
    NaiveDateTime,
    Many2One,
    /// `Ref<T>`: a many2one read as a record of the projection `T`.
    Ref,
    X2Many,
    /// `Vec<i64>`: x2many ids.
    VecI64,
    /// `Vec<Ref<T>>`: an x2many read as records, keeping the entries not read.
    VecRef,
    /// `Vec<T>` of anything else: an Odoo x2many read as records of the
    /// projection `T`, or an aiM18 sub-table's rows.
    VecOther,
    Reference,
    Binary,
    Json,
    /// A path the macro does not know: a selection enum, or an alias.
    /// The runtime's trait bound decides.
    Other,
    /// Cannot work; the message says what to use instead.
    Unsupported(String),
}

impl Shape {
    pub fn of(ty: &Type) -> Shape {
        match ty {
            Type::Paren(p) => Shape::of(&p.elem),
            Type::Group(g) => Shape::of(&g.elem),
            Type::Reference(r) => {
                let inner = display(&r.elem);
                if inner == "str" {
                    Shape::Unsupported("a record owns its values: use `String`".into())
                } else {
                    Shape::Unsupported(format!("a record owns its values: use `{inner}`"))
                }
            }
            Type::Tuple(t) if t.elems.is_empty() => {
                Shape::Unsupported("`()` holds no value".into())
            }
            Type::Tuple(_) | Type::Array(_) | Type::Slice(_) => Shape::Unsupported(
                "use `Many2One<T>` for a many2one `[id, name]` pair, and `Vec<i64>` or \
                 `X2Many<T>` for one2many/many2many ids"
                    .into(),
            ),
            Type::Path(p) if p.qself.is_none() => {
                let Some(last) = p.path.segments.last() else {
                    return Shape::Other;
                };
                let name = last.ident.to_string();
                let arg = first_type_arg(&last.arguments);
                match name.as_str() {
                    "Option" => match arg.map(Shape::of) {
                        Some(Shape::Option(_)) => Shape::Unsupported(
                            "one `Option` is enough: Odoo has a single empty value (`false`)"
                                .into(),
                        ),
                        Some(Shape::Unsupported(why)) => Shape::Unsupported(why),
                        Some(inner) => Shape::Option(Box::new(inner)),
                        None => Shape::Other,
                    },
                    "String" => Shape::String,
                    "i64" | "i32" => Shape::Int,
                    "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i128"
                    | "isize" => Shape::Unsupported(
                        "Odoo integers are 32-bit signed and ids are `i64`: use `i64` (or `i32`)"
                            .into(),
                    ),
                    "f64" | "f32" => Shape::Float,
                    "bool" => Shape::Bool,
                    "char" | "str" => Shape::Unsupported("use `String`".into()),
                    "NaiveDate" => Shape::Date,
                    "NaiveDateTime" => Shape::NaiveDateTime,
                    "DateTime" => match arg.map(display).as_deref() {
                        Some("Utc") | Some("chrono::Utc") | Some("::chrono::Utc") | None => {
                            Shape::DateTime
                        }
                        Some(tz) => Shape::Unsupported(format!(
                            "Odoo sends datetimes in UTC: use `DateTime<Utc>` (not `DateTime<{tz}>`), \
                             or `NaiveDateTime`"
                        )),
                    },
                    "Many2One" => Shape::Many2One,
                    "Ref" => Shape::Ref,
                    "X2Many" => Shape::X2Many,
                    "Vec" => match arg.map(|t| (Shape::of(t), display(t))) {
                        Some((Shape::Int, t)) if t == "i64" => Shape::VecI64,
                        Some((Shape::Int, _)) => {
                            Shape::Unsupported("record ids are `i64`: use `Vec<i64>`".into())
                        }
                        Some((Shape::Ref, _)) => Shape::VecRef,
                        _ => Shape::VecOther,
                    },
                    "Reference" => Shape::Reference,
                    "Binary" => Shape::Binary,
                    "Value" => Shape::Json,
                    "Box" | "Rc" | "Arc" | "Cow" | "RefCell" | "Cell" | "HashMap" | "BTreeMap"
                    | "HashSet" | "BTreeSet" | "VecDeque" => Shape::Unsupported(format!(
                        "`{name}` cannot hold an Odoo value; json and properties fields are `serde_json::Value`"
                    )),
                    _ => Shape::Other,
                }
            }
            _ => Shape::Unsupported(
                "use a named type such as `String`, `i64` or `Option<..>`".into(),
            ),
        }
    }

    /// The type inside `Option`, or itself.
    pub fn inner(&self) -> &Shape {
        match self {
            Shape::Option(inner) => inner,
            other => other,
        }
    }

    pub fn is_option(&self) -> bool {
        matches!(self, Shape::Option(_))
    }

    /// An x2many read as records (`Vec<T>`, `Vec<Ref<T>>`), on an Odoo model.
    pub fn is_many_records(&self) -> bool {
        matches!(self, Shape::VecOther | Shape::VecRef)
    }
}

/// How a field of an Odoo model is read in a nested read, with the record
/// type it is read into.
pub enum Nested<'a> {
    /// A many2one read as `Many2One<T>`: id and display name.
    DisplayName,
    /// `Ref<T>` / `Option<Ref<T>>`: a related record.
    One(&'a Type),
    /// `Vec<T>` / `Vec<Ref<T>>`: related records.
    Many(&'a Type),
}

/// The nested-read role of a field of type `ty`, if it has one.
pub fn nested(ty: &Type) -> Option<Nested<'_>> {
    let shape = Shape::of(ty);
    let ty = match &shape {
        Shape::Option(_) => type_arg(ty)?,
        _ => ty,
    };
    match shape.inner() {
        Shape::Many2One => Some(Nested::DisplayName),
        Shape::Ref => type_arg(ty).map(Nested::One),
        Shape::VecOther => type_arg(ty).map(Nested::Many),
        Shape::VecRef => type_arg(type_arg(ty)?).map(Nested::Many),
        _ => None,
    }
}

/// `T` of `Name<T>`.
fn type_arg(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Paren(p) => type_arg(&p.elem),
        Type::Group(g) => type_arg(&g.elem),
        Type::Path(p) => first_type_arg(&p.path.segments.last()?.arguments),
        _ => None,
    }
}

fn first_type_arg(args: &PathArguments) -> Option<&Type> {
    match args {
        PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// The type as a user would write it: `Option<Many2One<Partner>>`, not
/// `Option < Many2One < Partner > >`.
pub fn display<T: ToTokens>(ty: T) -> String {
    let raw = ty.into_token_stream().to_string();
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        if c == ' ' {
            let next = chars.peek().copied().unwrap_or(' ');
            // Keep the space only between two word characters (`dyn Trait`, `& 'a`).
            let wordy = |c: char| c.is_alphanumeric() || c == '_' || c == '\'';
            let keep = (wordy(prev) && wordy(next)) || (prev == ',' && next != ' ');
            if !keep {
                continue;
            }
        }
        out.push(c);
        prev = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(s: &str) -> Shape {
        Shape::of(&syn::parse_str(s).unwrap())
    }

    #[test]
    fn shapes() {
        assert_eq!(
            shape("Option<String>"),
            Shape::Option(Box::new(Shape::String))
        );
        assert_eq!(shape("runtime::odoo::wire::Many2One<P>"), Shape::Many2One);
        assert_eq!(shape("Vec<i64>"), Shape::VecI64);
        assert_eq!(shape("Vec<Line>"), Shape::VecOther);
        assert_eq!(shape("Vec<runtime::Ref<Line>>"), Shape::VecRef);
        assert_eq!(
            shape("Option<Ref<Partner>>"),
            Shape::Option(Box::new(Shape::Ref))
        );
        assert_eq!(shape("chrono::DateTime<chrono::Utc>"), Shape::DateTime);
        assert_eq!(shape("sale_order::State"), Shape::Other);
        assert!(matches!(shape("&str"), Shape::Unsupported(_)));
        assert!(matches!(
            shape("Option<Option<i64>>"),
            Shape::Unsupported(_)
        ));
        assert!(matches!(shape("DateTime<Local>"), Shape::Unsupported(_)));
        assert!(matches!(shape("u64"), Shape::Unsupported(_)));
    }

    #[test]
    fn nested_roles_name_the_record_type() {
        let role = |s: &str| {
            let ty: Type = syn::parse_str(s).unwrap();
            match nested(&ty) {
                None => "-".to_owned(),
                Some(Nested::DisplayName) => "name".to_owned(),
                Some(Nested::One(t)) => format!("one {}", display(t)),
                Some(Nested::Many(t)) => format!("many {}", display(t)),
            }
        };
        assert_eq!(role("Option<Ref<crate::Card>>"), "one crate::Card");
        assert_eq!(role("Ref<Card>"), "one Card");
        assert_eq!(role("Vec<Line>"), "many Line");
        assert_eq!(role("Vec<runtime::Ref<Line>>"), "many Line");
        assert_eq!(role("Option<Many2One<Card>>"), "name");
        assert_eq!(role("Vec<i64>"), "-");
        assert_eq!(role("Option<String>"), "-");
    }

    #[test]
    fn display_is_compact() {
        let t: Type = syn::parse_str("Option < Many2One < crate :: Partner > >").unwrap();
        assert_eq!(display(&t), "Option<Many2One<crate::Partner>>");
        let t: Type = syn::parse_str("HashMap<String, i64>").unwrap();
        assert_eq!(display(&t), "HashMap<String, i64>");
    }
}
