//! Accounts: creating one and confirming its address ([`signup`]), changing its
//! password with the current one ([`password`]), getting back in through a mailed
//! reset link when the password is lost ([`recovery`], Trouble signing in?), and
//! when a password may open an account at all ([`password_opens`]).

use courier_store::User;

pub(crate) mod password;
pub(crate) mod recovery;
pub(crate) mod signup;

/// Whether the right password signs `user` in: only once the address is confirmed
/// (by its confirmation link, or by a reset link sent to it). Before that, signing in
/// must answer exactly like a wrong password: otherwise signing up with an address
/// and then signing in with the password just chosen would tell whether the address
/// already had an account (then the chosen password fails).
pub(crate) fn password_opens(user: &User) -> bool {
    user.email_confirmed_at.is_some()
}
