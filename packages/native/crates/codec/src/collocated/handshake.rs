//! The handshake of one database connection (udf spec 9.2), read without ever blocking: the
//! acceptor advances many at once, so a client that is silent, or sends a byte now and then,
//! holds up no one but itself.
//!
//! ```text
//! 16 bytes: [version: i64][name_len: i64]
//! name_len bytes of UTF-8 name, with SCM_RIGHTS carrying [input_fd, output_fd]
//! ```

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Instant;

use super::{Accepted, MAX_NAME};
use crate::error::CodecError;

/// Room for this many descriptors per message, so that extra ones arrive (and are closed by
/// their `OwnedFd`) instead of being cut off.
const CONTROL_WORDS: usize = 16;

pub(super) struct Handshake {
    socket: OwnedFd,
    deadline: Instant,
    head: [u8; 16],
    /// Allocated once the head has named its length.
    name: Option<Vec<u8>>,
    /// Bytes read into the head, then into the name.
    got: usize,
    /// Every descriptor received so far, wherever in the stream it came.
    fds: Vec<OwnedFd>,
}

pub(super) enum Step {
    /// Not all of it has arrived yet.
    Waiting(Handshake),
    Done(Accepted),
}

impl Handshake {
    pub fn new(socket: OwnedFd, deadline: Instant) -> Handshake {
        Handshake { socket, deadline, head: [0; 16], name: None, got: 0, fds: Vec::new() }
    }

    pub fn fd(&self) -> RawFd {
        self.socket.as_raw_fd()
    }

    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Reads whatever has arrived. An error drops the connection with every descriptor it sent.
    pub fn advance(mut self) -> Result<Step, CodecError> {
        loop {
            let fd = self.socket.as_raw_fd();
            // Exactly what is missing of the current part: bytes past the name are the first
            // request's length, which belongs to the JavaScript side.
            let buf = match self.name.as_mut() {
                None => &mut self.head[self.got..],
                Some(name) => &mut name[self.got..],
            };
            match receive(fd, buf, &mut self.fds) {
                Ok(0) => return Err(CodecError::io("connection closed during the handshake")),
                Ok(n) => self.got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(Step::Waiting(self)),
                Err(e) => return Err(CodecError::io(format!("handshake read: {e}"))),
            }
            match &self.name {
                None if self.got == self.head.len() => {
                    let name_len = i64::from_le_bytes(self.head[8..].try_into().unwrap_or([0; 8]));
                    if name_len <= 0 || name_len as u64 > MAX_NAME as u64 {
                        return Err(CodecError::malformed(format!("function name length {name_len} in the handshake is not plausible")));
                    }
                    self.name = Some(vec![0; name_len as usize]);
                    self.got = 0;
                }
                Some(name) if self.got == name.len() => return self.finish(),
                _ => {}
            }
        }
    }

    fn finish(self) -> Result<Step, CodecError> {
        let Handshake { socket, name, fds, .. } = self;
        let [input, output]: [OwnedFd; 2] = fds
            .try_into()
            .map_err(|fds: Vec<OwnedFd>| CodecError::malformed(format!("handshake carried {} file descriptors; expected 2 (input, output)", fds.len())))?;
        let name = String::from_utf8(name.unwrap_or_default()).map_err(|_| CodecError::encoding("function name in the handshake is not UTF-8"))?;
        Ok(Step::Done(Accepted { socket, name, input, output }))
    }
}

/// One non-blocking recvmsg into `buf`; descriptors that came with the bytes go to `fds`.
fn receive(fd: RawFd, buf: &mut [u8], fds: &mut Vec<OwnedFd>) -> io::Result<usize> {
    let mut iov = libc::iovec { iov_base: buf.as_mut_ptr().cast(), iov_len: buf.len() };
    let mut control = [0u64; CONTROL_WORDS];
    // SAFETY: msghdr is plain data; zeroed is a valid value.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control) as _;
    // SAFETY: msg points at live buffers of the stated sizes.
    let n = unsafe { libc::recvmsg(fd, &mut msg, libc::MSG_DONTWAIT | libc::MSG_CMSG_CLOEXEC) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: walking the control messages the kernel just wrote into `control`; each received
    // descriptor is new to this process and owned by nothing else.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS {
                let data = libc::CMSG_DATA(cmsg).cast::<RawFd>();
                let count = ((*cmsg).cmsg_len as usize).saturating_sub(libc::CMSG_LEN(0) as usize) / std::mem::size_of::<RawFd>();
                for i in 0..count {
                    fds.push(OwnedFd::from_raw_fd(std::ptr::read_unaligned(data.add(i))));
                }
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
    }
    Ok(n as usize)
}
