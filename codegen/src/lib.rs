//! erpbind code generator.
