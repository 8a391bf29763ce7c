//! One service per inbox: an exclusive lock on `.copydesk.lock` in the inbox.
//!
//! Two services on one inbox would each clean every dump, and the second one's start-up
//! sweep would delete the first one's temp files. The lock is an `flock` held for as long
//! as the service runs: the kernel drops it when the process ends, however it ends, so a
//! `kill -9` never leaves a stale lock behind. The file holds the owner's pid, so the
//! second service can say who is in the way.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The lock file's name inside the inbox (a dotfile: never taken for a dump).
pub const FILE_NAME: &str = ".copydesk.lock";

/// The lock on one inbox; dropping it releases the lock.
#[derive(Debug)]
pub struct InboxLock {
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another copydesk (pid {pid}) is already running on the inbox {inbox}: stop it first, or give this one another inbox")]
    Held { inbox: PathBuf, pid: String },
    #[error("cannot lock the inbox {inbox} ({file}): {source}")]
    Io {
        inbox: PathBuf,
        file: PathBuf,
        source: io::Error,
    },
}

/// Takes the inbox's lock and writes our pid into it.
pub fn acquire(inbox: &Path) -> Result<InboxLock, LockError> {
    let file_path = inbox.join(FILE_NAME);
    let io_err = |source| LockError::Io {
        inbox: inbox.to_path_buf(),
        file: file_path.clone(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&file_path)
        .map_err(io_err)?;
    if let Err(e) = try_lock(&file) {
        if e.kind() == io::ErrorKind::WouldBlock {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            let pid = pid.trim();
            return Err(LockError::Held {
                inbox: inbox.to_path_buf(),
                pid: if pid.is_empty() {
                    "unknown".into()
                } else {
                    pid.into()
                },
            });
        }
        return Err(io_err(e));
    }
    file.set_len(0).map_err(io_err)?;
    file.rewind().map_err(io_err)?;
    writeln!(file, "{}", std::process::id()).map_err(io_err)?;
    Ok(InboxLock { _file: file })
}

#[cfg(unix)]
fn try_lock(file: &File) -> io::Result<()> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock on a descriptor we own; no memory is involved.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn try_lock(_: &File) -> io::Result<()> {
    Ok(())
}

/// Whether the process `pid` is alive on this machine (a status file can outlive its
/// service by a kill -9).
#[cfg(unix)]
pub fn pid_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
pub fn pid_alive(_: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_inbox_is_refused_naming_the_pid() {
        let dir = tempfile::tempdir().unwrap();
        let first = acquire(dir.path()).unwrap();
        let e = acquire(dir.path()).unwrap_err().to_string();
        assert!(e.contains(&format!("pid {}", std::process::id())), "{e}");
        drop(first);
        assert!(acquire(dir.path()).is_ok());
        assert!(pid_alive(std::process::id()));
        assert!(!pid_alive(u32::MAX));
    }
}
