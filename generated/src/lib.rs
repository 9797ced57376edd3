//! Generated bindings.
