//! Python `repr()` of JSON values, because Odoo's error texts embed Python reprs of what the
//! client sent (`('no_such_field', '=', 1)`, `'not-an-int'`), and tests compare those texts.

use serde_json::Value;

/// `repr(str)` as CPython prints it: single quotes unless the text holds a `'` and no `"`.
pub(crate) fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `repr()` of the Python value a JSON value decodes to (lists stay lists).
pub(crate) fn repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                float_repr(f)
            } else {
                n.to_string()
            }
        }
        Value::String(s) => str_repr(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(repr).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", str_repr(k), repr(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// `repr(float)`: always shows a fractional part (`1.0`), like Python.
pub(crate) fn float_repr(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

/// `repr(tuple(items))`, the way Odoo prints a domain leaf.
pub(crate) fn tuple_repr(items: &[Value]) -> String {
    let parts: Vec<String> = items.iter().map(repr).collect();
    if parts.len() == 1 {
        format!("({},)", parts[0])
    } else {
        format!("({})", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reprs_match_python() {
        assert_eq!(
            tuple_repr(&[json!("no_such_field"), json!("="), json!(1)]),
            "('no_such_field', '=', 1)"
        );
        assert_eq!(str_repr("not-an-int"), "'not-an-int'");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(repr(&json!([1, false, null, 2.0])), "[1, False, None, 2.0]");
    }
}
