//! Telling systemd how the service is doing (`Type=notify`).
//!
//! READY once the rules are loaded, the inbox is watched and the backlog is being worked
//! on, so `systemctl start` returns when copydesk really works; STOPPING when a shutdown
//! begins; STATUS with the counts, shown by `systemctl status`. Without `NOTIFY_SOCKET`
//! (not under systemd) each call does nothing.

use sd_notify::NotifyState;

pub fn ready(status: &str) {
    send(&[NotifyState::Ready, NotifyState::Status(status)]);
}

pub fn stopping() {
    send(&[NotifyState::Stopping, NotifyState::Status("stopping")]);
}

pub fn status(status: &str) {
    send(&[NotifyState::Status(status)]);
}

fn send(states: &[NotifyState]) {
    if let Err(e) = sd_notify::notify(false, states) {
        tracing::debug!(error = %e, "cannot notify systemd");
    }
}
