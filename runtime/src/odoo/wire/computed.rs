//! Fields a generated type holds but does not read unless asked: non-stored computed fields.
//!
//! Odoo computes them per record in Python on every read, so reading them by default made a
//! typed read of a big model several times slower than a stored read (res.partner on Odoo 18:
//! 63 s instead of 8.7 s for 10,000 records). A typed read asks for them only when told
//! (`.with(res_partner::fields::total_invoiced())`, or `.all_fields()`).
//!
//! A field that was not asked for must not read as "the server said empty" (`0`, `None`):
//! such a field is a [`Computed<T>`], a distinct type whose not-read state is a variant of its
//! own, so `partner.total_invoiced == 0.0` does not compile and the value is reached only
//! through [`Computed::get`] and friends, which say "not read". Trade-off, against a
//! compile-time set of asked fields (one type per combination): one `match` or `.get()` at
//! each use, and a field asked for at run time is checked at run time; in exchange one record
//! type serves every read, nested reads and least-privilege field lists included (a field
//! left out of the read, for whatever reason, is [`Computed::NotRead`]).

use std::fmt;

/// A field value that is only there when the read asked for it.
///
/// ```
/// use runtime::odoo::wire::Computed;
/// let total: Computed<f64> = Computed::Read(0.0); // asked for: the server says 0.0
/// assert_eq!(total.get(), Some(&0.0));
/// let total: Computed<f64> = Computed::NotRead; // not asked for: no value at all
/// assert_eq!(total.get(), None);
/// ```
///
/// Comparing it with a plain value, as if it were one, does not compile (nor does asking a list
/// read for a binary field: `.with(res_partner::fields::image_1920())`, a handle that is not
/// [`Readable`](crate::odoo::fields::Readable)):
///
/// ```compile_fail
/// use runtime::odoo::wire::Computed;
/// let total: Computed<f64> = Computed::NotRead;
/// if total == 0.0 {}
/// ```
#[derive(Clone, PartialEq, Default)]
pub enum Computed<T> {
    /// The read did not ask for this field (the default for computed fields), or the server
    /// did not send it. Not the same as an empty value: that is `Read(0)`, `Read(None)`, ...
    #[default]
    NotRead,
    /// The value the server sent (Odoo's `false` is already `None` or the type's default).
    Read(T),
}

impl<T> Computed<T> {
    /// The value, or `None` when the field was not read.
    pub fn get(&self) -> Option<&T> {
        match self {
            Computed::Read(v) => Some(v),
            Computed::NotRead => None,
        }
    }

    /// The value, or an error naming what to do when the field was not read.
    pub fn value(&self) -> Result<&T, NotRead> {
        self.get().ok_or(NotRead)
    }

    /// The value, by value.
    pub fn into_read(self) -> Option<T> {
        match self {
            Computed::Read(v) => Some(v),
            Computed::NotRead => None,
        }
    }

    pub fn is_read(&self) -> bool {
        matches!(self, Computed::Read(_))
    }
}

impl<T: fmt::Debug> fmt::Debug for Computed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Computed::Read(v) => v.fmt(f),
            Computed::NotRead => f.write_str("<not read>"),
        }
    }
}

/// A computed field was used without being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotRead;

impl fmt::Display for NotRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "this computed field was not read: add it to the read with `.with(fields::<name>())` \
             or `.all_fields()`",
        )
    }
}

impl std::error::Error for NotRead {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_read_is_not_an_empty_value() {
        let not_asked: Computed<f64> = Computed::default();
        let empty = Computed::Read(0.0);
        assert_ne!(not_asked, empty);
        assert_eq!(not_asked.get(), None);
        assert_eq!(empty.get(), Some(&0.0));
        assert_eq!(not_asked.value(), Err(NotRead));
        assert_eq!(format!("{not_asked:?} {empty:?}"), "<not read> 0.0");
        let nullable: Computed<Option<String>> = Computed::Read(None);
        assert_eq!(nullable.get(), Some(&None));
    }
}
