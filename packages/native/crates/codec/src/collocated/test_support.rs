//! The database's side of the handshake, and an acceptor whose outcomes a test can wait for.

use std::ffi::CString;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use super::{default_socket_path, Accepted, Acceptor, Listener};
use crate::error::CodecError;

pub fn memfd(name: &str) -> OwnedFd {
    let c = CString::new(name).unwrap();
    // SAFETY: memfd_create with a valid name; the result is checked.
    let fd = unsafe { libc::memfd_create(c.as_ptr(), 0) };
    assert!(fd >= 0, "memfd_create: {}", std::io::Error::last_os_error());
    // SAFETY: a fresh descriptor that nothing else owns.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

/// The 16-byte head: version 1 and the name's length.
pub fn head(name_len: i64) -> Vec<u8> {
    let mut head = 1i64.to_le_bytes().to_vec();
    head.extend_from_slice(&name_len.to_le_bytes());
    head
}

/// Sends `bytes` in one message with `fds` attached.
pub fn send_with_fds(stream: &UnixStream, bytes: &[u8], fds: &[RawFd]) {
    let mut iov = libc::iovec { iov_base: bytes.as_ptr() as *mut _, iov_len: bytes.len() };
    let mut control = [0u64; 8];
    // SAFETY: msghdr is plain data; the control buffer has room for the few descriptors tests send.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = libc::CMSG_SPACE((fds.len() * 4) as u32) as _;
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN((fds.len() * 4) as u32) as _;
        std::ptr::copy_nonoverlapping(fds.as_ptr(), libc::CMSG_DATA(cmsg).cast::<RawFd>(), fds.len());
        assert_eq!(libc::sendmsg(stream.as_raw_fd(), &msg, 0), bytes.len() as isize);
    }
}

/// The handshake as the database sends it: the head, then the name with the descriptors.
pub fn send_handshake(stream: &UnixStream, name: &str, fds: &[RawFd]) {
    (&*stream).write_all(&head(name.len() as i64)).unwrap();
    send_with_fds(stream, name.as_bytes(), fds);
}

/// An acceptor on a fresh socket path, its outcomes collected in order.
pub struct Accepting {
    pub path: String,
    pub acceptor: Acceptor,
    outcomes: Receiver<Result<Accepted, CodecError>>,
}

impl Accepting {
    pub fn start(timeout: Duration) -> Accepting {
        let path = default_socket_path();
        let listener = Listener::bind(&path, 4).unwrap();
        let (send, outcomes) = channel();
        let acceptor = Acceptor::start(listener, timeout, move |outcome| {
            let _ = send.send(outcome);
        })
        .unwrap();
        Accepting { path, acceptor, outcomes }
    }

    /// The next outcome (the cap only turns a hang into a failure).
    pub fn next(&self) -> Result<Accepted, CodecError> {
        self.outcomes.recv_timeout(Duration::from_secs(20)).expect("an outcome within 20 s")
    }

    pub fn connect(&self) -> UnixStream {
        UnixStream::connect(&self.path).unwrap()
    }
}

impl Drop for Accepting {
    fn drop(&mut self) {
        self.acceptor.close();
        let _ = std::fs::remove_file(&self.path);
    }
}
