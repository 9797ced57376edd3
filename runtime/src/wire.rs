//! Odoo wire values (many2one pairs, `false` for empty, x2many id lists, dates):
//! filled in by the codegen work.
