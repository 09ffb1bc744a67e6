//! Accounts: creating one and confirming its address ([`signup`]), changing its
//! password with the current one ([`password`]), and getting back in through a mailed
//! reset link when the password is lost ([`recovery`], Trouble signing in?).

pub(crate) mod password;
pub(crate) mod recovery;
pub(crate) mod signup;
