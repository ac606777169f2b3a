//! The collocated external-function transport (udf spec 9): the database connects to a
//! unix-domain socket, sends the function name with two shared-memory file descriptors
//! (SCM_RIGHTS), then per request a length; the payloads travel through the shared files.
//!
//! Accepting with descriptor passing, which Node cannot do, and the reads and writes of the
//! shared files live here. The request loop runs in JavaScript on the returned socket.

mod acceptor;
mod handshake;
mod intake;

pub use acceptor::{handshake_timeout, Acceptor, Accepting, LONGEST_TIMEOUT};
pub use intake::{Connection, Intake};

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

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

/// A listening unix-domain socket. Its descriptor closes when it is dropped, which the
/// acceptor does as soon as it stops (a listener left to a garbage collector would hold it).
pub struct Listener {
    fd: OwnedFd,
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
        // SAFETY: a fresh descriptor that nothing else owns.
        let listener = Listener { fd: unsafe { OwnedFd::from_raw_fd(fd) } };
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
        self.fd.as_raw_fd()
    }

    /// Makes `accept` return `None` instead of waiting when no connection is queued.
    fn set_nonblocking(&self) -> Result<(), CodecError> {
        // SAFETY: fcntl(2) on our socket.
        let flags = unsafe { libc::fcntl(self.fd(), libc::F_GETFL) };
        if flags < 0 || unsafe { libc::fcntl(self.fd(), libc::F_SETFL, flags | libc::O_NONBLOCK) } < 0 {
            return Err(last_error("fcntl of the listening socket"));
        }
        Ok(())
    }

    /// The next queued connection (non-blocking itself), or `None` when there is none now.
    fn accept(&self) -> Result<Option<OwnedFd>, CodecError> {
        loop {
            // SAFETY: accept4 with null address pointers is allowed.
            let fd = unsafe { libc::accept4(self.fd(), std::ptr::null_mut(), std::ptr::null_mut(), libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK) };
            if fd >= 0 {
                // SAFETY: a fresh descriptor that nothing else owns.
                return Ok(Some(unsafe { OwnedFd::from_raw_fd(fd) }));
            }
            let err = io::Error::last_os_error();
            match err.raw_os_error() {
                Some(libc::EINTR) => continue,
                // The client gave up before it was accepted: nothing to report.
                Some(libc::ECONNABORTED) | Some(libc::EPROTO) => continue,
                Some(code) if code == libc::EAGAIN || code == libc::EWOULDBLOCK => return Ok(None),
                _ => return Err(CodecError::io(format!("accept: {err}"))),
            }
        }
    }
}

/// A connection after the handshake. The descriptors close when it is dropped; `Intake::take`
/// hands the socket to JavaScript and keeps the shared files until JavaScript releases them.
#[derive(Debug)]
pub struct Accepted {
    pub socket: OwnedFd,
    pub name: String,
    pub input: OwnedFd,
    pub output: OwnedFd,
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
mod test_support;

#[cfg(test)]
mod tests {
    use super::test_support::{memfd, send_handshake, Accepting};
    use super::*;
    use std::io::Read;
    use std::os::unix::net::UnixStream;
    use std::time::Duration;

    #[test]
    fn handshake_and_shared_files() {
        let accepting = Accepting::start(Duration::from_secs(5));
        let (input, output) = (memfd("in"), memfd("out"));
        let client = UnixStream::connect(&accepting.path).unwrap();
        send_handshake(&client, "add_one", &[input.as_raw_fd(), output.as_raw_fd()]);
        let acc = accepting.next().unwrap();
        assert_eq!(acc.name, "add_one");
        // The database writes the request into its input file.
        let req = b"hello shared memory";
        unsafe {
            libc::ftruncate(input.as_raw_fd(), 4096);
            libc::pwrite(input.as_raw_fd(), req.as_ptr().cast(), req.len(), 0);
        }
        assert_eq!(read_shared(acc.input.as_raw_fd(), req.len()).unwrap(), req);
        assert!(read_shared(acc.input.as_raw_fd(), 1 << 20).is_err(), "reads past the file are refused");
        write_shared(acc.output.as_raw_fd(), b"answer").unwrap();
        let mut f = std::fs::File::from(output.try_clone().unwrap());
        let mut back = vec![0u8; 6];
        f.read_exact(&mut back).unwrap();
        assert_eq!(&back, b"answer");
        assert_eq!(f.metadata().unwrap().len(), MIN_OUTPUT_SIZE as u64);
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
        let file = memfd("shrinking-in");
        let fd = file.as_raw_fd();
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
    }

    #[test]
    fn an_output_file_that_shrinks_during_a_write_is_not_sigbus() {
        let file = memfd("shrinking-out");
        let fd = file.as_raw_fd();
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
    }

    #[test]
    fn a_request_larger_than_memory_is_an_io_error_not_an_abort() {
        // A sparse file claims the size; no machine's address space holds 2^60 bytes.
        let file = memfd("huge");
        let fd = file.as_raw_fd();
        let length = 1usize << 60;
        assert_eq!(unsafe { libc::ftruncate(fd, length as libc::off_t) }, 0);
        let err = read_shared(fd, length).unwrap_err();
        assert_eq!(err.kind, crate::error::ErrorKind::Io);
        assert!(err.message.starts_with(&format!("could not allocate {length} bytes for the request")), "{err}");
    }
}
