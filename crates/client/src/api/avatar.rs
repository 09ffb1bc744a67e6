//! Avatars as the server accepts them (`PUT /api/v1/me/avatar`): PNG or JPEG, at most
//! 1 MiB, checked here before a megabyte is sent for nothing.

use courier_proto::ErrorKind;

use crate::error::{Error, Result};

/// The largest avatar the server accepts (`PUT /api/v1/me/avatar`).
pub const AVATAR_MAX_BYTES: usize = 1024 * 1024;

/// The image types an avatar may have.
pub const AVATAR_TYPES: [&str; 2] = ["image/png", "image/jpeg"];

/// Refuses an avatar the server would refuse, before sending a megabyte for nothing.
pub fn check_avatar(content_type: &str, size: usize) -> Result<()> {
    let refuse = avatar_refused;
    if !AVATAR_TYPES.contains(&content_type) {
        return Err(refuse(
            ErrorKind::InvalidInput,
            "the picture must be a PNG or JPEG image",
        ));
    }
    if size == 0 {
        return Err(refuse(ErrorKind::InvalidInput, "the picture is empty"));
    }
    if size > AVATAR_MAX_BYTES {
        return Err(refuse(
            ErrorKind::PayloadTooLarge,
            "the picture is larger than 1 MiB",
        ));
    }
    Ok(())
}

/// An avatar refused on this side, shaped like the server's answer (beside the
/// `avatar` field).
pub(crate) fn avatar_refused(kind: ErrorKind, message: &str) -> Error {
    Error::refused_field(kind, "avatar", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avatars_are_checked_before_sending() {
        assert!(check_avatar("image/png", 10).is_ok());
        assert!(check_avatar("image/jpeg", AVATAR_MAX_BYTES).is_ok());
        let too_big = check_avatar("image/png", AVATAR_MAX_BYTES + 1).unwrap_err();
        assert_eq!(too_big.kind(), "payload_too_large");
        assert_eq!(too_big.fields()[0].field, "avatar");
        assert_eq!(
            check_avatar("image/gif", 10).unwrap_err().kind(),
            "invalid_input"
        );
        assert_eq!(
            check_avatar("image/png", 0).unwrap_err().kind(),
            "invalid_input"
        );
    }
}
