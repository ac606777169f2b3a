//! The collocated external-function transport (udf spec 9): the database connects to a
//! unix-domain socket, sends the function name with two shared-memory file descriptors
//! (SCM_RIGHTS), then per request a length; the payloads travel through the shared files.
//!
//! Accepting with descriptor passing, which Node cannot do, and the reads and writes of the
//! shared files live here. The request loop runs in JavaScript on the returned socket.

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use crate::error::CodecError;

/// Smallest size the output file is truncated to (the reference's 128 KiB).
pub const MIN_OUTPUT_SIZE: usize = 128 * 1024;
/// Longest function name accepted in a handshake.
const MAX_NAME: usize = 64 * 1024;
/// Most bytes asked of one pread/pwrite: Linux moves at most 0x7ffff000 per call, and macOS
/// refuses counts above INT_MAX outright.
const MAX_IO: usize = 1 << 30;

fn last_error(what: &str) -> CodecError {
    CodecError::io(format!("{what}: {}", io::Error::last_os_error()))
}

fn close(fd: RawFd) {
    if fd >= 0 {
        // SAFETY: closing a descriptor this module owns; errors are irrelevant at this point.
        unsafe { libc::close(fd) };
    }
}

/// A listening unix-domain socket.
pub struct Listener {
    fd: RawFd,
}

impl Listener {
    /// Binds `path` (replacing a stale socket file) and listens with `backlog`.
    pub fn bind(path: &str, backlog: i32) -> Result<Listener, CodecError> {
        let meta = std::fs::symlink_metadata(path);
        if meta.is_ok() {
            std::fs::remove_file(path).map_err(|e| CodecError::io(format!("could not remove existing socket path {path}: {e}")))?;
        }
        // SAFETY: plain socket(2); the result is checked.
        let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
        if fd < 0 {
            return Err(last_error("socket"));
        }
        let listener = Listener { fd };
        // SAFETY: sockaddr_un is plain data; zeroed is a valid value.
        let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
        addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
        let bytes = path.as_bytes();
        if bytes.len() >= addr.sun_path.len() || bytes.contains(&0) {
            return Err(CodecError::io(format!("socket path is too long or contains NUL: {path}")));
        }
        for (dst, src) in addr.sun_path.iter_mut().zip(bytes) {
            *dst = *src as libc::c_char;
        }
        let len = (std::mem::size_of::<libc::sa_family_t>() + bytes.len() + 1) as libc::socklen_t;
        // SAFETY: addr is initialised and len is within its size.
        if unsafe { libc::bind(fd, std::ptr::addr_of!(addr).cast(), len) } < 0 {
            return Err(last_error(&format!("bind {path}")));
        }
        // SAFETY: listen(2) on our socket.
        if unsafe { libc::listen(fd, backlog.max(1)) } < 0 {
            return Err(last_error("listen"));
        }
        Ok(listener)
    }

    pub fn fd(&self) -> RawFd {
        self.fd
    }

    /// Blocks until a database connects and completes the handshake (bounded by `timeout`).
    pub fn accept(&self, timeout: Duration) -> Result<Accepted, CodecError> {
        loop {
            // SAFETY: accept4 with null address pointers is allowed.
            let fd = unsafe { libc::accept4(self.fd, std::ptr::null_mut(), std::ptr::null_mut(), libc::SOCK_CLOEXEC) };
            if fd < 0 {
                let err = io::Error::last_os_error();
                if err.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(CodecError::io(format!("accept: {err}")));
            }
            return handshake(fd, timeout);
        }
    }

    /// Wakes a blocked `accept` (it then fails) without closing the descriptor under it.
    pub fn shutdown(&self) {
        // SAFETY: shutdown(2) on our socket.
        unsafe { libc::shutdown(self.fd, libc::SHUT_RDWR) };
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        close(self.fd);
    }
}

/// A connection after the handshake. Descriptors are handed to JavaScript, which owns them.
#[derive(Debug)]
pub struct Accepted {
    pub socket: RawFd,
    pub name: String,
    pub input: RawFd,
    pub output: RawFd,
}

fn set_timeout(fd: RawFd, timeout: Option<Duration>) {
    let tv = timeout.map_or(libc::timeval { tv_sec: 0, tv_usec: 0 }, |t| libc::timeval { tv_sec: t.as_secs() as libc::time_t, tv_usec: t.subsec_micros() as libc::suseconds_t });
    // SAFETY: setsockopt with a valid timeval.
    unsafe { libc::setsockopt(fd, libc::SOL_SOCKET, libc::SO_RCVTIMEO, std::ptr::addr_of!(tv).cast(), std::mem::size_of::<libc::timeval>() as libc::socklen_t) };
}

/// Reads exactly `buf.len()` bytes (the reference assumes one recv suffices; we do not).
fn read_exact(fd: RawFd, buf: &mut [u8]) -> Result<(), CodecError> {
    let mut got = 0;
    while got < buf.len() {
        // SAFETY: the pointer and length describe the unfilled tail of buf.
        let n = unsafe { libc::recv(fd, buf[got..].as_mut_ptr().cast(), buf.len() - got, 0) };
        if n == 0 {
            return Err(CodecError::io("connection closed during the handshake"));
        }
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(CodecError::io(format!("handshake read: {err}")));
        }
        got += n as usize;
    }
    Ok(())
}

fn handshake(fd: RawFd, timeout: Duration) -> Result<Accepted, CodecError> {
    let fail = |e: CodecError| {
        close(fd);
        e
    };
    set_timeout(fd, Some(timeout));
    let mut head = [0u8; 16];
    read_exact(fd, &mut head).map_err(fail)?;
    let name_len = i64::from_le_bytes(head[8..].try_into().expect("8 bytes"));
    if name_len <= 0 || name_len as usize > MAX_NAME {
        return Err(fail(CodecError::malformed(format!("function name length {name_len} in the handshake is not plausible"))));
    }
    let mut name = vec![0u8; name_len as usize];
    let (input, output) = recv_with_fds(fd, &mut name).map_err(fail)?;
    set_timeout(fd, None);
    match String::from_utf8(name) {
        Ok(name) => Ok(Accepted { socket: fd, name, input, output }),
        Err(_) => {
            close(input);
            close(output);
            Err(fail(CodecError::encoding("function name in the handshake is not UTF-8")))
        }
    }
}

/// Receives the name bytes and the two descriptors sent with them in one SCM_RIGHTS message.
fn recv_with_fds(fd: RawFd, name: &mut [u8]) -> Result<(RawFd, RawFd), CodecError> {
    let mut fds: Vec<RawFd> = Vec::new();
    let mut got = 0usize;
    while got < name.len() {
        let mut iov = libc::iovec { iov_base: name[got..].as_mut_ptr().cast(), iov_len: name.len() - got };
        // Room for a few descriptors, so extra ones can be closed instead of leaking.
        let mut control = [0u64; 16];
        // SAFETY: msghdr is plain data.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&control) as _;
        // SAFETY: msg points at live buffers of the stated sizes.
        let n = unsafe { libc::recvmsg(fd, &mut msg, libc::MSG_CMSG_CLOEXEC) };
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            fds.into_iter().for_each(close);
            return Err(CodecError::io(format!("handshake recvmsg: {err}")));
        }
        // SAFETY: walking the control messages the kernel just wrote into `control`.
        unsafe {
            let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
            while !cmsg.is_null() {
                if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS {
                    let data = libc::CMSG_DATA(cmsg).cast::<RawFd>();
                    let count = ((*cmsg).cmsg_len as usize - libc::CMSG_LEN(0) as usize) / std::mem::size_of::<RawFd>();
                    for i in 0..count {
                        fds.push(std::ptr::read_unaligned(data.add(i)));
                    }
                }
                cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
            }
        }
        if n == 0 {
            fds.into_iter().for_each(close);
            return Err(CodecError::io("connection closed during the handshake"));
        }
        got += n as usize;
    }
    if fds.len() != 2 {
        let count = fds.len();
        fds.into_iter().for_each(close);
        return Err(CodecError::malformed(format!("handshake carried {count} file descriptors; expected 2 (input, output)")));
    }
    Ok((fds[0], fds[1]))
}

/// Copies `length` bytes from offset 0 of the shared input file.
///
/// The file belongs to the database, which may truncate it at any moment; a read through a
/// mapping would then touch pages past the end and die of SIGBUS, which nothing in Rust or Node
/// can turn into an error. pread instead reports a short file as 0 bytes read. `length` comes
/// from the peer too, so the buffer is reserved fallibly: a failed allocation in `Vec`'s
/// ordinary paths aborts the process, past the reach of catch_unwind.
pub fn read_shared(fd: RawFd, length: usize) -> Result<Vec<u8>, CodecError> {
    if length == 0 {
        return Ok(Vec::new());
    }
    // SAFETY: fstat into a zeroed struct.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(fd, &mut st) } < 0 {
        return Err(last_error("fstat of the input file"));
    }
    if (st.st_size as u64) < length as u64 {
        return Err(CodecError::malformed(format!("request of {length} bytes but the shared input file holds {}", st.st_size)));
    }
    let mut out: Vec<u8> = Vec::new();
    out.try_reserve_exact(length).map_err(|e| CodecError::io(format!("could not allocate {length} bytes for the request: {e}")))?;
    let mut got = 0usize;
    while got < length {
        let want = (length - got).min(MAX_IO);
        // SAFETY: the destination is the reserved, not yet initialised tail of `out` (capacity
        // >= length); pread writes at most `want` bytes there. Offsets stay below the file size
        // checked above, which fits off_t.
        let n = unsafe { libc::pread(fd, out.as_mut_ptr().add(got).cast(), want, got as libc::off_t) };
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(CodecError::io(format!("read of the input file: {err}")));
        }
        if n == 0 {
            return Err(CodecError::malformed(format!("the shared input file ended after {got} of the request's {length} bytes (it shrank during the read)")));
        }
        got += n as usize;
    }
    // SAFETY: pread initialised every byte up to `length`.
    unsafe { out.set_len(length) };
    Ok(out)
}

/// Sizes the shared output file to max(128 KiB, data) and writes `data` at offset 0.
///
/// pwrite rather than a mapping, for the reason read_shared gives: should the database shrink
/// the file between the ftruncate and the copy, a write through a mapping dies of SIGBUS where
/// pwrite just extends the file again.
pub fn write_shared(fd: RawFd, data: &[u8]) -> Result<(), CodecError> {
    let size = data.len().max(MIN_OUTPUT_SIZE);
    let size = libc::off_t::try_from(size).map_err(|_| CodecError::io(format!("answer of {} bytes is too large for the output file", data.len())))?;
    // SAFETY: ftruncate(2) on a descriptor we were given.
    if unsafe { libc::ftruncate(fd, size) } < 0 {
        return Err(last_error("ftruncate of the output file"));
    }
    let mut done = 0usize;
    while done < data.len() {
        let want = (data.len() - done).min(MAX_IO);
        // SAFETY: the source is the unwritten tail of `data`; the offset is below `size`.
        let n = unsafe { libc::pwrite(fd, data[done..].as_ptr().cast(), want, done as libc::off_t) };
        if n < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(CodecError::io(format!("write of the output file: {err}")));
        }
        if n == 0 {
            return Err(CodecError::io(format!("write of the output file stopped after {done} of {} bytes", data.len())));
        }
        done += n as usize;
    }
    Ok(())
}

/// Closes a descriptor handed out by `accept`.
pub fn close_fd(fd: RawFd) {
    close(fd);
}

/// A path for a fresh socket in the temporary directory.
pub fn default_socket_path() -> String {
    let mut bytes = [0u8; 16];
    // SAFETY: getrandom into a local buffer; on failure the time-based fallback below is used.
    let n = unsafe { libc::getrandom(bytes.as_mut_ptr().cast(), bytes.len(), 0) };
    if n != bytes.len() as isize {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        bytes = t.to_le_bytes();
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    std::env::temp_dir().join(hex).to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    use std::os::fd::AsRawFd;

    fn memfd(name: &str) -> RawFd {
        let c = CString::new(name).unwrap();
        // SAFETY: memfd_create with a valid name.
        unsafe { libc::memfd_create(c.as_ptr(), 0) }
    }

    fn send_handshake(stream: &UnixStream, name: &str, fds: &[RawFd]) {
        let mut head = Vec::new();
        head.extend_from_slice(&1i64.to_le_bytes());
        head.extend_from_slice(&(name.len() as i64).to_le_bytes());
        (&*stream).write_all(&head).unwrap();
        let mut iov = libc::iovec { iov_base: name.as_ptr() as *mut _, iov_len: name.len() };
        let mut control = [0u64; 8];
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = unsafe { libc::CMSG_SPACE((fds.len() * 4) as u32) } as _;
        unsafe {
            let cmsg = libc::CMSG_FIRSTHDR(&msg);
            (*cmsg).cmsg_level = libc::SOL_SOCKET;
            (*cmsg).cmsg_type = libc::SCM_RIGHTS;
            (*cmsg).cmsg_len = libc::CMSG_LEN((fds.len() * 4) as u32) as _;
            std::ptr::copy_nonoverlapping(fds.as_ptr(), libc::CMSG_DATA(cmsg).cast::<RawFd>(), fds.len());
            assert!(libc::sendmsg(stream.as_raw_fd(), &msg, 0) > 0);
        }
    }

    #[test]
    fn handshake_and_shared_files() {
        let path = default_socket_path();
        let listener = Listener::bind(&path, 4).unwrap();
        let (input, output) = (memfd("in"), memfd("out"));
        let client = std::thread::spawn({
            let path = path.clone();
            move || {
                let s = UnixStream::connect(&path).unwrap();
                send_handshake(&s, "add_one", &[input, output]);
                s
            }
        });
        let acc = listener.accept(Duration::from_secs(5)).unwrap();
        assert_eq!(acc.name, "add_one");
        let _s = client.join().unwrap();
        // The database writes the request into its input file.
        let req = b"hello shared memory";
        unsafe {
            libc::ftruncate(input, 4096);
            libc::pwrite(input, req.as_ptr().cast(), req.len(), 0);
        }
        assert_eq!(read_shared(acc.input, req.len()).unwrap(), req);
        assert!(read_shared(acc.input, 1 << 20).is_err(), "reads past the file are refused");
        write_shared(acc.output, b"answer").unwrap();
        let mut f = unsafe { <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(libc::dup(output)) };
        let mut back = vec![0u8; 6];
        f.read_exact(&mut back).unwrap();
        assert_eq!(&back, b"answer");
        assert_eq!(f.metadata().unwrap().len(), MIN_OUTPUT_SIZE as u64);
        for fd in [acc.socket, acc.input, acc.output, input, output] {
            close_fd(fd);
        }
        std::fs::remove_file(&path).unwrap();
    }

    /// Runs `body` while another thread keeps truncating `fd` to nothing and regrowing it to
    /// `size`, as a database reusing its shared file might.
    fn with_shrinking_file(fd: RawFd, size: usize, body: impl FnOnce()) {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let peer = std::thread::spawn({
            let stop = stop.clone();
            move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    unsafe {
                        libc::ftruncate(fd, 0);
                        libc::ftruncate(fd, size as libc::off_t);
                    }
                }
            }
        });
        body();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        peer.join().unwrap();
    }

    #[test]
    fn an_input_file_that_shrinks_during_a_read_is_an_error_not_sigbus() {
        let fd = memfd("shrinking-in");
        let size = 8 << 20;
        unsafe { libc::ftruncate(fd, size as libc::off_t) };
        let (mut whole, mut refused) = (0, 0);
        with_shrinking_file(fd, size, || {
            let end = std::time::Instant::now() + Duration::from_millis(1500);
            while std::time::Instant::now() < end {
                match read_shared(fd, size) {
                    Ok(v) => {
                        assert_eq!(v.len(), size);
                        whole += 1;
                    }
                    Err(e) => {
                        assert_eq!(e.kind, crate::error::ErrorKind::Malformed, "{e}");
                        assert!(e.message.contains("the shared input file"), "{e}");
                        refused += 1;
                    }
                }
            }
        });
        assert!(whole + refused > 0);
        close_fd(fd);
    }

    #[test]
    fn an_output_file_that_shrinks_during_a_write_is_not_sigbus() {
        let fd = memfd("shrinking-out");
        let data = vec![7u8; 8 << 20];
        with_shrinking_file(fd, MIN_OUTPUT_SIZE, || {
            let end = std::time::Instant::now() + Duration::from_millis(1500);
            while std::time::Instant::now() < end {
                write_shared(fd, &data).unwrap();
            }
        });
        // Without the peer, the answer lands whole.
        write_shared(fd, &data).unwrap();
        let mut back = vec![0u8; data.len()];
        assert_eq!(unsafe { libc::pread(fd, back.as_mut_ptr().cast(), back.len(), 0) }, data.len() as isize);
        assert_eq!(back, data);
        close_fd(fd);
    }

    #[test]
    fn a_request_larger_than_memory_is_an_io_error_not_an_abort() {
        // A sparse file claims the size; no machine's address space holds 2^60 bytes.
        let fd = memfd("huge");
        let length = 1usize << 60;
        assert_eq!(unsafe { libc::ftruncate(fd, length as libc::off_t) }, 0);
        let err = read_shared(fd, length).unwrap_err();
        assert_eq!(err.kind, crate::error::ErrorKind::Io);
        assert!(err.message.starts_with(&format!("could not allocate {length} bytes for the request")), "{err}");
        close_fd(fd);
    }

    #[test]
    fn a_handshake_without_descriptors_is_refused() {
        let path = default_socket_path();
        let listener = Listener::bind(&path, 4).unwrap();
        let client = std::thread::spawn({
            let path = path.clone();
            move || {
                let mut s = UnixStream::connect(&path).unwrap();
                let mut head = 1i64.to_le_bytes().to_vec();
                head.extend_from_slice(&3i64.to_le_bytes());
                head.extend_from_slice(b"abc");
                s.write_all(&head).unwrap();
                s
            }
        });
        let err = listener.accept(Duration::from_secs(5)).unwrap_err();
        assert!(err.message.contains("expected 2"), "{err}");
        drop(client.join());
        let slow = std::thread::spawn({
            let path = path.clone();
            move || UnixStream::connect(&path).unwrap()
        });
        let err = listener.accept(Duration::from_millis(200)).unwrap_err();
        assert!(err.message.contains("handshake"), "a silent client times out: {err}");
        drop(slow.join());
        std::fs::remove_file(&path).unwrap();
    }
}
