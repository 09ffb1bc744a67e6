//! The server's own files: its data folder and what it keeps there (the database, the
//! signing key, the mail outbox) are for the server's user alone.

use std::path::Path;

/// Creates `folder` (and missing parents) with mode 0700: it holds the database, the
/// signing key and mails with sign-in links. A folder that already exists is left as
/// its owner set it (it may be one they chose and share on purpose).
pub fn create_private_dir(folder: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder)
}
