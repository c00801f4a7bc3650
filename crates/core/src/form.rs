//! What every form of the newsroom shares.

use std::collections::BTreeMap;

/// Messages keyed by field name, shown next to each field.
pub type FieldErrors = BTreeMap<&'static str, String>;
