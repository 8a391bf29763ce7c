//! Opening a dump without trusting what sits in the inbox.
//!
//! Anything can land in an inbox: a symlink to `/etc/passwd`, a FIFO that blocks whoever
//! opens it for reading, a socket, a device, a name that is not UTF-8. A dump is therefore
//! opened with `O_NOFOLLOW | O_NONBLOCK` (a symlink fails to open, a FIFO opens without
//! waiting for a writer) and judged by `fstat` on the open handle, not by a `stat` of the
//! name that a rename could change in between. Whatever is not a regular file is refused
//! with a reason the service writes into the quarantine's error file.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// Why an inbox entry is not a dump copydesk will read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// What went wrong opening a dump.
#[derive(Debug)]
pub enum OpenError {
    /// Not something to read as a dump: quarantine it with this reason.
    Refused(Refused),
    /// The open or read itself failed.
    Io(io::Error),
}

/// Opens `path` as a dump: a regular file, not through a symlink, with a UTF-8 name.
/// Returns the handle and its `fstat`.
pub fn regular(path: &Path) -> Result<(File, Metadata), OpenError> {
    if let Some(name) = path.file_name() {
        if name.to_str().is_none() {
            return Err(OpenError::Refused(Refused(format!(
                "its name is not valid UTF-8 ({:?}); rename it to a UTF-8 name and drop it in again",
                name
            ))));
        }
    }
    let file = open_no_follow(path).map_err(|e| match refused_by_open(path, &e) {
        Some(r) => OpenError::Refused(r),
        None => OpenError::Io(e),
    })?;
    let meta = file.metadata().map_err(OpenError::Io)?;
    match kind(&meta) {
        None => Ok((file, meta)),
        Some(what) => Err(OpenError::Refused(Refused(format!(
            "it is {what}, not a regular file; only regular files are cleaned"
        )))),
    }
}

/// Reads at most `limit + 1` bytes, so an oversized file is noticed without reading it all.
pub fn read_limited(file: &mut File, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    file.by_ref().take(limit + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// An open that failed because of what the entry is (a symlink refused by `O_NOFOLLOW`, a
/// socket, which cannot be opened) rather than a passing I/O problem.
fn refused_by_open(path: &Path, e: &io::Error) -> Option<Refused> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_else(|_| "?".into());
        let state = match std::fs::metadata(path) {
            Ok(_) => "",
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => " (a symlink loop)",
            Err(_) => " (dangling: its target does not exist)",
        };
        return Some(Refused(format!(
            "it is a symlink to {target}{state}; symlinks are never followed: drop the file itself"
        )));
    }
    let _ = e;
    kind(&meta).map(|what| {
        Refused(format!(
            "it is {what}, not a regular file; only regular files are cleaned"
        ))
    })
}

/// What a non-regular entry is, in words; `None` for a regular file.
fn kind(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_block_device() || t.is_char_device() {
            return Some("a device");
        }
    }
    if t.is_symlink() {
        return Some("a symlink");
    }
    if t.is_dir() {
        return Some("a folder");
    }
    Some("not a regular file")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn refusal(path: &Path) -> String {
        match regular(path) {
            Err(OpenError::Refused(Refused(r))) => r,
            other => panic!("{} was not refused: {other:?}", path.display()),
        }
    }

    #[test]
    fn only_regular_files_open() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.txt"), "x").unwrap();
        let (mut f, meta) = regular(&d.join("a.txt")).unwrap();
        assert!(meta.is_file());
        assert_eq!(read_limited(&mut f, 10).unwrap(), b"x");

        std::os::unix::fs::symlink(d.join("a.txt"), d.join("link.txt")).unwrap();
        assert!(refusal(&d.join("link.txt")).contains("symlink to"));
        std::os::unix::fs::symlink(d.join("nowhere"), d.join("dangling.txt")).unwrap();
        assert!(refusal(&d.join("dangling.txt")).contains("dangling"));
        std::os::unix::fs::symlink(d.join("loop.txt"), d.join("loop.txt")).unwrap();
        assert!(refusal(&d.join("loop.txt")).contains("loop"));

        let fifo = std::ffi::CString::new(d.join("pipe.txt").to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        // Would block for ever without O_NONBLOCK.
        assert!(refusal(&d.join("pipe.txt")).contains("FIFO"));

        let _sock = std::os::unix::net::UnixListener::bind(d.join("sock.txt")).unwrap();
        assert!(refusal(&d.join("sock.txt")).contains("socket"));

        assert!(refusal(Path::new("/dev/null")).contains("device"));

        use std::os::unix::ffi::OsStrExt;
        let odd = d.join(std::ffi::OsStr::from_bytes(b"bad-\xff.txt"));
        std::fs::write(&odd, "x").unwrap();
        assert!(refusal(&odd).contains("not valid UTF-8"));
    }
}
