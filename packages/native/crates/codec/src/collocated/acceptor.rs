//! Accepting database connections on a thread of its own, one per listener.
//!
//! The thread waits in poll(2) on the listening socket, the connections still in their
//! handshake and a stop signal, so that: a client that is silent or trickles its handshake
//! holds up no other (each has its own deadline for the whole handshake, and a full table of
//! handshakes makes room for a new connection by dropping its oldest); no thread of Node's
//! libuv pool is taken (four listeners blocking there used to stall every fs and dns call of the
//! process); and `close` returns at once, dropping the handshakes in progress and closing the
//! listening socket.

use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::handshake::{Handshake, Step};
use super::{Accepted, Listener};
use crate::error::CodecError;

/// Handshakes in progress at once (each holds a descriptor). A connection accepted while that
/// many are in progress takes the place of the oldest: leaving new ones in the listen backlog
/// instead let this many silent clients stall every later connection until their deadlines.
pub(super) const MAX_HANDSHAKES: usize = 256;
/// After an accept error (out of descriptors, most often) the listening socket stays readable:
/// polling it again at once would spin, so it rests, from this long…
const PAUSE_MIN: Duration = Duration::from_millis(50);
/// …doubling up to this.
const PAUSE_MAX: Duration = Duration::from_secs(1);
/// Longer handshake timeouts are taken as this (an `Instant` plus a huge duration overflows).
pub const LONGEST_TIMEOUT: Duration = Duration::from_secs(365 * 86_400);

/// The handshake timeout for a count of milliseconds from JavaScript: any positive number, the
/// ones past `LONGEST_TIMEOUT` (Infinity among them) taken as that.
pub fn handshake_timeout(ms: f64) -> Result<Duration, CodecError> {
    if ms.is_nan() || ms <= 0.0 {
        return Err(CodecError::data(format!("the handshake timeout must be a positive number of milliseconds; got {ms}")));
    }
    Ok(Duration::try_from_secs_f64(ms / 1000.0).map_or(LONGEST_TIMEOUT, |d| d.min(LONGEST_TIMEOUT)))
}

/// What the accepting thread hands on: a connection whose handshake completed, or why one
/// failed (the thread goes on accepting either way).
pub type Accepting = Result<Accepted, CodecError>;

/// A running accepting thread. Dropping it stops it like `close`.
pub struct Acceptor {
    /// Dropping this end wakes the thread: its peer reads end-of-file.
    stop: Option<UnixStream>,
    thread: Option<JoinHandle<()>>,
}

impl Acceptor {
    /// Accepts on `listener` until closed, handing every outcome to `deliver` (called on the
    /// accepting thread, so it must not block for long).
    pub fn start<F>(listener: Listener, handshake_timeout: Duration, deliver: F) -> Result<Acceptor, CodecError>
    where
        F: FnMut(Accepting) + Send + 'static,
    {
        listener.set_nonblocking()?;
        let (stop, stopped) = UnixStream::pair().map_err(|e| CodecError::io(format!("socketpair: {e}")))?;
        let state = Loop { listener, stopped, timeout: handshake_timeout.min(LONGEST_TIMEOUT), deliver, shaking: Vec::new(), paused_until: None, pause: PAUSE_MIN };
        let thread = std::thread::Builder::new()
            .name("s2-collocated-accept".into())
            .spawn(move || state.run())
            .map_err(|e| CodecError::io(format!("could not start the accepting thread: {e}")))?;
        Ok(Acceptor { stop: Some(stop), thread: Some(thread) })
    }

    /// Stops accepting and waits for the thread, which closes the listening socket and every
    /// connection still in its handshake as it ends. Prompt: the thread never blocks but in
    /// poll, which the stop signal wakes. Calling it again does nothing.
    pub fn close(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            // A panic would have ended that thread alone, dropping what it held as it unwound.
            let _ = thread.join();
        }
    }
}

impl Drop for Acceptor {
    fn drop(&mut self) {
        self.close();
    }
}

/// The accepting thread's state; everything in it is dropped (closed) when `run` returns.
struct Loop<F> {
    listener: Listener,
    stopped: UnixStream,
    timeout: Duration,
    deliver: F,
    shaking: Vec<Handshake>,
    /// Set after an accept error: the listening socket is not polled until then.
    paused_until: Option<Instant>,
    pause: Duration,
}

fn readable(fd: i32) -> libc::pollfd {
    libc::pollfd { fd, events: libc::POLLIN, revents: 0 }
}

/// poll's timeout for waking at `at` (rounded up, so an early wake-up cannot spin).
fn timeout_ms(at: Option<Instant>, now: Instant) -> libc::c_int {
    match at {
        None => -1,
        Some(at) => {
            let micros = at.saturating_duration_since(now).as_micros();
            micros.div_ceil(1000).min(libc::c_int::MAX as u128) as libc::c_int
        }
    }
}

impl<F: FnMut(Accepting)> Loop<F> {
    fn run(mut self) {
        loop {
            let now = Instant::now();
            self.expire(now);
            if self.paused_until.is_some_and(|t| t <= now) {
                self.paused_until = None;
            }
            let listening = self.paused_until.is_none();
            let mut polled = Vec::with_capacity(2 + self.shaking.len());
            polled.push(readable(self.stopped.as_raw_fd()));
            // A negative descriptor is skipped by poll, and keeps the handshakes' indices fixed.
            polled.push(readable(if listening { self.listener.fd() } else { -1 }));
            polled.extend(self.shaking.iter().map(|h| readable(h.fd())));
            let wake = self.shaking.iter().map(Handshake::deadline).chain(self.paused_until).min();
            // SAFETY: `polled` is a live array of its stated length.
            let n = unsafe { libc::poll(polled.as_mut_ptr(), polled.len() as libc::nfds_t, timeout_ms(wake, now)) };
            if n < 0 {
                let err = io::Error::last_os_error();
                if err.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                (self.deliver)(Err(CodecError::io(format!("poll: {err}; no longer accepting connections"))));
                return;
            }
            if polled[0].revents != 0 {
                return;
            }
            let ready: Vec<bool> = polled[2..].iter().map(|p| p.revents != 0).collect();
            for (handshake, ready) in std::mem::take(&mut self.shaking).into_iter().zip(ready) {
                if ready {
                    self.step(handshake);
                } else {
                    self.shaking.push(handshake);
                }
            }
            if polled[1].revents != 0 {
                self.accept();
            }
        }
    }

    fn step(&mut self, handshake: Handshake) {
        match handshake.advance() {
            Ok(Step::Waiting(handshake)) => self.shaking.push(handshake),
            Ok(Step::Done(accepted)) => (self.deliver)(Ok(accepted)),
            Err(e) => (self.deliver)(Err(e)),
        }
    }

    fn accept(&mut self) {
        // Bounded, so that a stream of connections cannot keep the thread from the stop signal
        // and the handshakes in progress: what is left is accepted after the next poll.
        for _ in 0..MAX_HANDSHAKES {
            match self.listener.accept() {
                Ok(Some(socket)) => {
                    self.pause = PAUSE_MIN;
                    if self.shaking.len() >= MAX_HANDSHAKES {
                        self.drop_oldest();
                    }
                    let deadline = Instant::now() + self.timeout;
                    // The handshake is often there already: no need to wait for poll to say so.
                    self.step(Handshake::new(socket, deadline));
                }
                Ok(None) => return,
                Err(e) => {
                    (self.deliver)(Err(e));
                    self.paused_until = Some(Instant::now() + self.pause);
                    self.pause = (self.pause * 2).min(PAUSE_MAX);
                    return;
                }
            }
        }
    }

    /// Makes room for a new connection. `shaking` is in the order of acceptance (polling keeps
    /// it), so the first has had the longest to finish.
    fn drop_oldest(&mut self) {
        drop(self.shaking.remove(0));
        (self.deliver)(Err(CodecError::io(format!(
            "the handshake was dropped unfinished: {MAX_HANDSHAKES} were in progress and a newer connection took its place"
        ))));
    }

    /// Drops the connections whose handshake is past its deadline, however much of it came.
    fn expire(&mut self, now: Instant) {
        let (timeout, deliver) = (self.timeout, &mut self.deliver);
        self.shaking.retain(|h| {
            if h.deadline() > now {
                return true;
            }
            deliver(Err(CodecError::io(format!("the handshake did not complete within {} ms", timeout.as_millis()))));
            false
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{head, memfd, send_handshake, send_with_fds, Accepting};
    use super::{handshake_timeout, LONGEST_TIMEOUT, MAX_HANDSHAKES};
    use std::io::{ErrorKind, Read, Write};
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    /// A client that sends the start of a handshake one byte at a time until told to stop, and
    /// then reports whether the server had closed the connection.
    fn trickle(stream: UnixStream, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<bool> {
        std::thread::spawn(move || {
            let mut bytes = head(1000);
            bytes.extend(std::iter::repeat_n(b'x', 999));
            for b in bytes {
                if stop.load(Ordering::Relaxed) || (&stream).write_all(&[b]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            matches!((&stream).read(&mut [0u8; 1]), Ok(0) | Err(_))
        })
    }

    #[test]
    fn a_handshake_without_descriptors_is_refused() {
        let accepting = Accepting::start(Duration::from_secs(5));
        let client = accepting.connect();
        (&client).write_all(&head(3)).unwrap();
        (&client).write_all(b"abc").unwrap();
        let err = accepting.next().unwrap_err();
        assert!(err.message.contains("carried 0 file descriptors; expected 2"), "{err}");
    }

    #[test]
    fn the_head_byte_by_byte_or_with_the_descriptors_on_it() {
        let accepting = Accepting::start(Duration::from_secs(5));
        let (input, output) = (memfd("in"), memfd("out"));
        let fds = [input.as_raw_fd(), output.as_raw_fd()];
        let slow = accepting.connect();
        for b in head(4) {
            (&slow).write_all(&[b]).unwrap();
            std::thread::sleep(Duration::from_millis(2));
        }
        send_with_fds(&slow, b"slow", &fds);
        assert_eq!(accepting.next().unwrap().name, "slow");
        // All of it in one message, the descriptors attached to the head's bytes.
        let whole = accepting.connect();
        let mut bytes = head(5);
        bytes.extend_from_slice(b"whole");
        send_with_fds(&whole, &bytes, &fds);
        let accepted = accepting.next().unwrap();
        assert_eq!(accepted.name, "whole");
        // Bytes after the handshake are the first request's length: left for the caller.
        (&whole).write_all(&7i64.to_le_bytes()).unwrap();
        let mut socket = UnixStream::from(accepted.socket);
        socket.set_nonblocking(false).unwrap();
        let mut length = [0u8; 8];
        socket.read_exact(&mut length).unwrap();
        assert_eq!(i64::from_le_bytes(length), 7);
    }

    #[test]
    fn a_silent_client_holds_up_no_other_connection() {
        // Long enough that waiting out the silent client would fail the outcome's 20 s cap.
        let accepting = Accepting::start(Duration::from_secs(60));
        let _silent = accepting.connect();
        let stop = Arc::new(AtomicBool::new(false));
        let trickler = trickle(accepting.connect(), stop.clone());
        let (input, output) = (memfd("in"), memfd("out"));
        let client = accepting.connect();
        send_handshake(&client, "add_one", &[input.as_raw_fd(), output.as_raw_fd()]);
        assert_eq!(accepting.next().unwrap().name, "add_one");
        stop.store(true, Ordering::Relaxed);
        drop(accepting);
        assert!(trickler.join().unwrap(), "close() ended the trickling client's connection");
    }

    #[test]
    fn a_flood_of_silent_clients_cannot_starve_a_good_one() {
        // Long enough that waiting out the silent clients would fail the outcome's 20 s cap.
        let accepting = Accepting::start(Duration::from_secs(60));
        let extra = 50;
        let path = accepting.path.clone();
        let (hang_up, held) = std::sync::mpsc::channel::<()>();
        // On a thread of its own: a server that stops accepting leaves these connects blocked
        // once the backlog is full, and the test should fail on the cap rather than hang.
        let clients = std::thread::spawn(move || {
            let silent: Vec<UnixStream> = (0..MAX_HANDSHAKES + extra).map(|_| UnixStream::connect(&path).unwrap()).collect();
            let (input, output) = (memfd("in"), memfd("out"));
            let good = UnixStream::connect(&path).unwrap();
            send_handshake(&good, "good", &[input.as_raw_fd(), output.as_raw_fd()]);
            let _ = held.recv();
            drop((silent, good));
        });
        let mut dropped = 0;
        let accepted = loop {
            match accepting.next() {
                Ok(accepted) => break accepted,
                Err(e) => {
                    assert_eq!(e.message, format!("the handshake was dropped unfinished: {MAX_HANDSHAKES} were in progress and a newer connection took its place"));
                    dropped += 1;
                }
            }
        };
        assert_eq!(accepted.name, "good");
        assert!(dropped >= extra, "{dropped} dropped");
        hang_up.send(()).unwrap();
        clients.join().unwrap();
    }

    #[test]
    fn handshake_timeouts_from_javascript() {
        assert_eq!(handshake_timeout(1500.0).unwrap(), Duration::from_millis(1500));
        assert_eq!(handshake_timeout(0.5).unwrap(), Duration::from_micros(500));
        // Past u32, which the binding once took (2^32 ms wrapped to 0, then 1 ms).
        assert_eq!(handshake_timeout(2f64.powi(32)).unwrap(), Duration::from_millis(1 << 32));
        for longest in [f64::INFINITY, 1e300, LONGEST_TIMEOUT.as_millis() as f64] {
            assert_eq!(handshake_timeout(longest).unwrap(), LONGEST_TIMEOUT, "{longest}");
        }
        for bad in [0.0, -0.0, -1.0, f64::NEG_INFINITY, f64::NAN] {
            let err = handshake_timeout(bad).unwrap_err();
            assert_eq!(err.message, format!("the handshake timeout must be a positive number of milliseconds; got {bad}"));
        }
    }

    #[test]
    fn the_deadline_covers_the_whole_handshake_not_each_read() {
        let accepting = Accepting::start(Duration::from_millis(300));
        let trickler = trickle(accepting.connect(), Arc::new(AtomicBool::new(false)));
        let err = accepting.next().unwrap_err();
        assert_eq!(err.message, "the handshake did not complete within 300 ms");
        assert!(trickler.join().unwrap(), "the server closed the connection");
    }

    #[test]
    fn close_ends_handshakes_in_progress_and_closes_the_listening_socket() {
        let mut accepting = Accepting::start(Duration::from_secs(60));
        let stop = Arc::new(AtomicBool::new(false));
        let trickler = trickle(accepting.connect(), stop.clone());
        // Wait until the trickling client is being read, so close() has a handshake to end.
        std::thread::sleep(Duration::from_millis(100));
        accepting.acceptor.close();
        accepting.acceptor.close();
        stop.store(true, Ordering::Relaxed);
        assert!(trickler.join().unwrap(), "the handshake in progress was dropped");
        // The socket file is still there, but nothing listens on it any more.
        let err = UnixStream::connect(&accepting.path).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
    }

    #[test]
    fn a_client_that_hangs_up_mid_handshake_is_reported_and_the_next_served() {
        let accepting = Accepting::start(Duration::from_secs(5));
        let quitter = accepting.connect();
        (&quitter).write_all(&head(10)[..5]).unwrap();
        drop(quitter);
        let err = accepting.next().unwrap_err();
        assert_eq!(err.message, "connection closed during the handshake");
        let bad = accepting.connect();
        (&bad).write_all(&head(-1)).unwrap();
        let err = accepting.next().unwrap_err();
        assert!(err.message.contains("function name length -1"), "{err}");
        let (input, output) = (memfd("in"), memfd("out"));
        let client = accepting.connect();
        send_handshake(&client, "next", &[input.as_raw_fd(), output.as_raw_fd()]);
        assert_eq!(accepting.next().unwrap().name, "next");
    }
}
