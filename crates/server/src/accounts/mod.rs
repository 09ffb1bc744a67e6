//! Accounts: creating one and confirming its address ([`signup`]), and changing its
//! password with the current one ([`password`]).

pub(crate) mod password;
pub(crate) mod signup;
