//! The one table from Python annotations (as Odoo 19's `api_doc` prints them)
//! to the Rust types of business-method wrappers. Annotations are free text from
//! the server: anything not listed here maps to `serde_json::Value`, never to code.
//!
//! Parameters (`X | None` / `Optional[X]` is `X`, nullable):
//!
//! | annotation                                                   | parameter type          |
//! |--------------------------------------------------------------|-------------------------|
//! | `int`                                                        | `i64`                   |
//! | `float`                                                      | `f64`                   |
//! | `bool`                                                       | `bool`                  |
//! | `str`, `string`                                              | `&str`                  |
//! | `list[int]`, `list(int)`, `Sequence[int]`, `Collection[int]`, `Self` | `&[i64]`        |
//! | `list[str]`, `Sequence[str]`, `Collection[str]`, `list[str] \| tuple[str, ...]` | `&[&str]` |
//! | `DomainType`                                                 | `runtime::Domain`       |
//! | `ValuesType`                                                 | `&<Model>Update`        |
//! | `list[ValuesType]`                                           | `&[<Model>Create]`      |
//! | anything else, or none                                       | `serde_json::Value`     |
//!
//! A parameter with a default becomes an `Option` (`None`: the server's default);
//! a nullable one without a default becomes an `Option` sent as `null`.
//! `**kwargs` becomes `Option<serde_json::Map<..>>`; `*args` cannot be sent by
//! name, so it is left out (and said so in the docs).
//!
//! Returns:
//!
//! | annotation                                        | return type                 |
//! |---------------------------------------------------|-----------------------------|
//! | `bool`, `typing.Literal[True]`                    | `bool`                      |
//! | `int` / `float` / `str`                           | `i64` / `f64` / `String`    |
//! | `list[int]`, `Self` (a recordset travels as ids)  | `Vec<i64>`                  |
//! | `None`                                            | `()`                        |
//! | none or `dict`, on `action_*` / `button_*`        | `runtime::odoo::ActionResult` (an `Action` with `res_model`, `res_id`, or a plain value) |
//! | anything else, or none                            | `serde_json::Value`         |
//!
//! `X | None` as a return is `Option<X>` for the scalar rows above.

/// A parameter's Rust shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    Int,
    Float,
    Bool,
    Str,
    Ids,
    Strs,
    Domain,
    /// The model's generated update values (`ValuesType`).
    Values,
    /// A list of the model's generated create values (`list[ValuesType]`).
    ValuesList,
    Json,
}

/// A return value's Rust shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnType {
    Unit,
    Bool,
    Int,
    Float,
    Str,
    Ids,
    Action,
    Json,
}

/// A parameter's type: the shape, and whether `None` is a value the server accepts.
pub fn param(annotation: Option<&str>) -> (ParamType, bool) {
    let Some(a) = annotation else {
        return (ParamType::Json, false);
    };
    let (core, nullable) = strip_none(a);
    let ty = match core.as_str() {
        "int" => ParamType::Int,
        "float" => ParamType::Float,
        "bool" => ParamType::Bool,
        "str" | "string" => ParamType::Str,
        "list[int]" | "list(int)" | "Sequence[int]" | "Collection[int]" | "Self" => ParamType::Ids,
        "list[str]" | "Sequence[str]" | "Collection[str]" | "list[str]|tuple[str,...]" => {
            ParamType::Strs
        }
        "DomainType" => ParamType::Domain,
        "ValuesType" => ParamType::Values,
        "list[ValuesType]" => ParamType::ValuesList,
        _ => ParamType::Json,
    };
    (ty, nullable)
}

/// A return type: the shape, and whether it may be `null`.
pub fn returns(method: &str, annotation: Option<&str>) -> (ReturnType, bool) {
    let button = method.starts_with("action_") || method.starts_with("button_");
    let Some(a) = annotation else {
        return if button {
            (ReturnType::Action, false)
        } else {
            (ReturnType::Json, false)
        };
    };
    if a.trim() == "None" {
        return (ReturnType::Unit, false);
    }
    let (core, nullable) = strip_none(a);
    let ty = match core.as_str() {
        "bool" | "typing.Literal[True]" | "Literal[True]" => ReturnType::Bool,
        "int" => ReturnType::Int,
        "float" => ReturnType::Float,
        "str" => ReturnType::Str,
        "list[int]" | "Self" => ReturnType::Ids,
        "dict" if button => ReturnType::Action,
        _ => return (ReturnType::Json, false),
    };
    (ty, nullable)
}

/// `int | None`, `None | int`, `Optional[int]` → (`int`, true). Spaces are removed,
/// so `list[str] | tuple[str, ...]` compares as `list[str]|tuple[str,...]`.
fn strip_none(annotation: &str) -> (String, bool) {
    let compact: String = annotation.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(inner) = compact
        .strip_prefix("Optional[")
        .or_else(|| compact.strip_prefix("typing.Optional["))
        .and_then(|s| s.strip_suffix(']'))
    {
        return (inner.to_owned(), true);
    }
    // Split on top-level `|` only.
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for c in compact.chars() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            '|' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    let before = parts.len();
    parts.retain(|p| p != "None");
    let nullable = parts.len() != before;
    (parts.join("|"), nullable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params() {
        assert_eq!(param(Some("int")), (ParamType::Int, false));
        assert_eq!(param(Some("int | None")), (ParamType::Int, true));
        assert_eq!(param(Some("Optional[str]")), (ParamType::Str, true));
        assert_eq!(param(Some("DomainType | None")), (ParamType::Domain, true));
        assert_eq!(
            param(Some("list[str] | tuple[str, ...]")),
            (ParamType::Strs, false)
        );
        assert_eq!(
            param(Some("dict[str, int | list]")),
            (ParamType::Json, false)
        );
        assert_eq!(param(Some("str|Markup")), (ParamType::Json, false));
        assert_eq!(param(Some("None")), (ParamType::Json, true));
        assert_eq!(param(Some("")), (ParamType::Json, false));
        assert_eq!(param(None), (ParamType::Json, false));
        assert_eq!(param(Some("fn evil() {}")), (ParamType::Json, false));
    }

    #[test]
    fn return_types() {
        assert_eq!(
            returns("action_confirm", Some("bool")),
            (ReturnType::Bool, false)
        );
        assert_eq!(returns("action_post", None), (ReturnType::Action, false));
        assert_eq!(
            returns("button_validate", Some("dict")),
            (ReturnType::Action, false)
        );
        assert_eq!(
            returns("get_views", Some("dict")),
            (ReturnType::Json, false)
        );
        assert_eq!(returns("message_post", None), (ReturnType::Json, false));
        assert_eq!(returns("x", Some("None")), (ReturnType::Unit, false));
        assert_eq!(returns("x", Some("int | None")), (ReturnType::Int, true));
        assert_eq!(returns("copy", Some("list[int]")), (ReturnType::Ids, false));
        assert_eq!(
            returns("x", Some("tuple[int, str] | typing.Literal[False]")),
            (ReturnType::Json, false)
        );
    }
}
