//! A listener as JavaScript uses it: accepting on its own thread, the outcomes waiting here until
//! JavaScript takes them, and the shared files of the connections it serves owned here until it
//! releases them.
//!
//! JavaScript holds descriptors as plain numbers, which nothing closes when its thread ends
//! without closing the server (a worker terminated, or calling `process.exit()`); and a value
//! still queued on a Node-API threadsafe function when its environment goes away is never
//! dropped. So the accepting thread only wakes JavaScript, and `teardown`, which the binding
//! runs from the environment's cleanup hook, closes whatever JavaScript has not: the listener,
//! the connections not yet taken, the files of those being served, and the sockets taken but
//! not yet wrapped in a Node socket (Node closes the ones it wraps as its environment ends).

use std::collections::{HashMap, VecDeque};
use std::os::fd::{AsRawFd, IntoRawFd, OwnedFd, RawFd};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::{close, Accepted, Accepting, Acceptor, Listener};
use crate::error::CodecError;

/// A connection past its handshake, as handed to JavaScript: the socket is the caller's once
/// `adopted` (or closed with `release`), `input` and `output` stay the intake's until released.
#[derive(Debug)]
pub struct Connection {
    pub socket: RawFd,
    pub name: String,
    pub input: RawFd,
    pub output: RawFd,
}

enum Listening {
    Bound(Listener),
    Accepting(Acceptor),
    Stopped,
}

#[derive(Default)]
struct Handed {
    /// Set by `close`: outcomes that come later are dropped at once.
    stopped: bool,
    queue: VecDeque<Accepting>,
    /// The shared files of connections taken and not yet released, by descriptor number.
    files: HashMap<RawFd, OwnedFd>,
    /// Sockets taken and not yet adopted, with what they were.
    sockets: HashMap<RawFd, Identity>,
}

/// Which open file a descriptor number stands for.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Identity {
    dev: u64,
    ino: u64,
}

fn identity(fd: RawFd) -> Option<Identity> {
    // SAFETY: fstat into a zeroed struct; a closed descriptor is an error, not undefined.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    (unsafe { libc::fstat(fd, &mut st) } == 0).then_some(Identity { dev: st.st_dev as u64, ino: st.st_ino as u64 })
}

pub struct Intake {
    listening: Mutex<Listening>,
    handed: Arc<Mutex<Handed>>,
}

/// A panic elsewhere must not also leave every descriptor behind.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Intake {
    pub fn bind(path: &str, backlog: i32) -> Result<Intake, CodecError> {
        Ok(Intake { listening: Mutex::new(Listening::Bound(Listener::bind(path, backlog)?)), handed: Arc::default() })
    }

    /// Accepts until `close`. `wake` runs on the accepting thread whenever outcomes come to wait
    /// where none were, so that one `take` collects everything a wake-up announced; it must
    /// not block.
    pub fn start<W>(&self, handshake_timeout: Duration, mut wake: W) -> Result<(), CodecError>
    where
        W: FnMut() + Send + 'static,
    {
        let mut listening = lock(&self.listening);
        let listener = match std::mem::replace(&mut *listening, Listening::Stopped) {
            Listening::Bound(listener) => listener,
            other => {
                *listening = other;
                return Err(CodecError::io("the listener is already accepting, or closed"));
            }
        };
        let handed = self.handed.clone();
        let acceptor = Acceptor::start(listener, handshake_timeout, move |outcome| {
            let mut state = lock(&handed);
            if state.stopped {
                return;
            }
            let first = state.queue.is_empty();
            state.queue.push_back(outcome);
            drop(state);
            if first {
                wake();
            }
        })?;
        *listening = Listening::Accepting(acceptor);
        Ok(())
    }

    /// Every outcome waiting, in order.
    pub fn take(&self) -> Vec<Result<Connection, CodecError>> {
        let mut state = lock(&self.handed);
        let outcomes: Vec<Accepting> = state.queue.drain(..).collect();
        outcomes
            .into_iter()
            .map(|outcome| {
                let Accepted { socket, name, input, output } = outcome?;
                let (input_fd, output_fd) = (input.as_raw_fd(), output.as_raw_fd());
                state.files.insert(input_fd, input);
                state.files.insert(output_fd, output);
                if let Some(id) = identity(socket.as_raw_fd()) {
                    state.sockets.insert(socket.as_raw_fd(), id);
                }
                Ok(Connection { socket: socket.into_raw_fd(), name, input: input_fd, output: output_fd })
            })
            .collect()
    }

    /// The socket of a taken connection is wrapped: Node closes it from now on.
    pub fn adopted(&self, socket: RawFd) {
        lock(&self.handed).sockets.remove(&socket);
    }

    /// Closes a shared file, or a socket not adopted, of a taken connection; false (and nothing
    /// closed) for a descriptor that is not one, or is one no longer.
    pub fn release(&self, fd: RawFd) -> bool {
        let mut state = lock(&self.handed);
        if let Some(file) = state.files.remove(&fd) {
            drop(file);
            return true;
        }
        let socket = state.sockets.remove(&fd).is_some();
        if socket {
            close(fd);
        }
        socket
    }

    /// Stops accepting, ends the handshakes in progress, closes the listening socket and drops
    /// the outcomes not taken; returns once the accepting thread has ended. The files of taken
    /// connections stay until released.
    pub fn close(&self) {
        let mut listening = lock(&self.listening);
        if let Listening::Accepting(acceptor) = &mut *listening {
            // Joins the thread, which takes no lock but `handed`'s.
            acceptor.close();
        }
        *listening = Listening::Stopped;
        drop(listening);
        let queued = {
            let mut state = lock(&self.handed);
            state.stopped = true;
            std::mem::take(&mut state.queue)
        };
        drop(queued);
    }

    /// `close`, and what JavaScript held of taken connections closed too: for when it is gone.
    ///
    /// JavaScript can be stopped between wrapping a socket and saying so, and its environment
    /// closes the sockets it wrapped before running cleanup hooks. So a socket not adopted is
    /// closed only if its number still stands for the same socket (the kernel numbers sockets'
    /// inodes afresh): closing a number freed by Node could close a file another thread has
    /// opened since.
    pub fn teardown(&self) {
        self.close();
        let (files, sockets) = {
            let mut state = lock(&self.handed);
            (std::mem::take(&mut state.files), std::mem::take(&mut state.sockets))
        };
        drop(files);
        for (fd, id) in sockets {
            if identity(fd) == Some(id) {
                close(fd);
            }
        }
    }

    /// Closed, with every file released and every socket adopted or released: nothing is left
    /// for `teardown` to do.
    pub fn finished(&self) -> bool {
        let state = lock(&self.handed);
        state.stopped && state.files.is_empty() && state.sockets.is_empty()
    }

    #[cfg(test)]
    fn queued(&self) -> usize {
        lock(&self.handed).queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{memfd, send_handshake};
    use super::super::default_socket_path;
    use super::Intake;
    use std::io::Read;
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    /// Descriptors of this process open on memfd files whose name starts with `prefix`.
    fn open_files(prefix: &str) -> usize {
        std::fs::read_dir("/proc/self/fd")
            .unwrap()
            .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
            .filter(|target| target.to_string_lossy().starts_with(&format!("/memfd:{prefix}")))
            .count()
    }

    fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
        let end = Instant::now() + Duration::from_secs(20);
        while !done() {
            assert!(Instant::now() < end, "still waiting for {what} after 20 s");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    struct Started {
        path: String,
        intake: Intake,
        wakes: Arc<AtomicUsize>,
    }

    fn started() -> Started {
        let path = default_socket_path();
        let intake = Intake::bind(&path, 8).unwrap();
        let wakes = Arc::new(AtomicUsize::new(0));
        let counted = wakes.clone();
        intake
            .start(Duration::from_secs(60), move || {
                counted.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
        Started { path, intake, wakes }
    }

    impl Drop for Started {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.path);
        }
    }

    /// A database connection whose shared files are named `prefix…`; the client's own copies
    /// are closed at once, so that the ones counted are the server's.
    fn connect(path: &str, prefix: &str) -> UnixStream {
        let (input, output) = (memfd(&format!("{prefix}-in")), memfd(&format!("{prefix}-out")));
        let client = UnixStream::connect(path).unwrap();
        send_handshake(&client, "add_one", &[input.as_raw_fd(), output.as_raw_fd()]);
        client
    }

    fn hung_up(client: &UnixStream) -> bool {
        client.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        matches!((&*client).read(&mut [0u8; 1]), Ok(0) | Err(_))
    }

    #[test]
    fn teardown_closes_what_javascript_did_not() {
        let s = started();
        let prefix = "intake-teardown";
        let taken_clients: Vec<UnixStream> = (0..3).map(|_| connect(&s.path, prefix)).collect();
        wait_for("three outcomes", || s.intake.queued() == 3);
        assert_eq!(s.wakes.load(Ordering::SeqCst), 1, "one wake-up announces every outcome until they are taken");
        let taken: Vec<_> = s.intake.take().into_iter().map(Result::unwrap).collect();
        assert_eq!(taken.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["add_one"; 3]);
        // Served and done with.
        for fd in [taken[0].socket, taken[0].input, taken[0].output] {
            assert!(s.intake.release(fd));
        }
        // Wrapped by Node, which closed it as its environment ended before JavaScript could say
        // so; the number now stands for another file.
        let other = memfd("intake-other");
        assert_eq!(unsafe { libc::dup2(other.as_raw_fd(), taken[1].socket) }, taken[1].socket);
        // taken[2]: JavaScript stopped before wrapping the socket.
        let queued_clients: Vec<UnixStream> = (0..2).map(|_| connect(&s.path, prefix)).collect();
        wait_for("two more outcomes", || s.intake.queued() == 2);
        assert_eq!(s.wakes.load(Ordering::SeqCst), 2);
        assert_eq!(open_files(prefix), 2 * 2 + 2 * 2, "two connections served, two waiting");
        s.intake.teardown();
        assert_eq!(open_files(prefix), 0);
        assert!(s.intake.finished());
        assert!(hung_up(&taken_clients[2]), "the socket never wrapped was closed");
        for client in &queued_clients {
            assert!(hung_up(client), "a connection never taken was closed");
        }
        assert_eq!(open_files("intake-other"), 2, "the file that took a freed socket's number stays open");
        unsafe { libc::close(taken[1].socket) };
    }

    #[test]
    fn close_drops_what_waits_and_keeps_served_files_until_released() {
        let s = started();
        let prefix = "intake-close";
        let served_client = connect(&s.path, prefix);
        wait_for("an outcome", || s.intake.queued() == 1);
        let served = s.intake.take().pop().unwrap().unwrap();
        s.intake.adopted(served.socket);
        let waiting_client = connect(&s.path, prefix);
        wait_for("another outcome", || s.intake.queued() == 1);
        s.intake.close();
        assert!(hung_up(&waiting_client), "a connection never taken was closed");
        assert!(s.intake.take().is_empty());
        assert_eq!(open_files(prefix), 2, "the served connection's files are still in use");
        assert!(!s.intake.finished());
        assert!(!s.intake.release(served.socket), "an adopted socket is Node's to close");
        assert!(s.intake.release(served.input));
        assert!(s.intake.release(served.output));
        assert!(!s.intake.release(served.output), "released once only: the number may be another file's by now");
        assert_eq!(open_files(prefix), 0);
        assert!(s.intake.finished());
        s.intake.teardown();
        // SAFETY: the adopted socket, which Node would have closed.
        assert_eq!(unsafe { libc::close(served.socket) }, 0, "teardown left the adopted socket alone");
        assert!(hung_up(&served_client));
        assert_eq!(s.intake.start(Duration::from_secs(1), || {}).unwrap_err().message, "the listener is already accepting, or closed");
    }
}
