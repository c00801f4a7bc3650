//! Passwords and tokens for the newsroom's handlers, from
//! [`kolokol_operations::secrets`] (a mailed link's token is read by
//! [`crate::extract::SecretToken`]).

pub use kolokol_operations::secrets::{
    hash, is_token, random_token, same_secret, token_hash, verify, verify_nothing,
};
