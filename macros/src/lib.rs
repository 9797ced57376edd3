//! erpbind derive macros.
