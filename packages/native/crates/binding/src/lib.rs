//! Node-API surface of s2-codec. Conversions only: every decision lives in the plain crate.
//! Errors carry a tag (`S2_MALFORMED: …`) that the TypeScript loader maps onto SDK errors.

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi::sys;
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi_derive::napi;
use s2_codec::{collocated, rowdat1, textrow, CodecError};

fn to_napi(e: CodecError) -> Error {
    Error::new(Status::GenericFailure, format!("{}: {}", e.tag(), e.message))
}

/// Runs codec code; a panic (a bug, never expected) becomes an error instead of an abort.
fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(Error::new(Status::GenericFailure, "S2_INTERNAL: the native codec panicked")))
}

#[napi(object)]
pub struct NativeColumn {
    /// Fixed-width values, or the concatenated bytes of variable-width ones.
    pub data: Buffer,
    /// rows + 1 positions into `data` (variable-width columns only).
    pub offsets: Option<Int32Array>,
    /// One byte per row, 1 = NULL; absent when the column has no NULL.
    pub nulls: Option<Buffer>,
    /// The same as an Arrow validity bitmap (1 bit per row, set = present), with `nulls`.
    pub validity: Option<Buffer>,
    pub null_count: u32,
    /// All of `data` is ASCII (text columns of ROWDAT_1), so one string can be sliced per value.
    pub ascii: bool,
    /// Non-ASCII text: `offsets` counted in UTF-16 units, to slice the column decoded at once.
    pub utf16_offsets: Option<Int32Array>,
}

/// Hands the vectors over without copying them (napi wraps Rust-owned memory).
fn column(c: textrow::Column, variable: bool, text: bool) -> NativeColumn {
    let validity = c.validity().map(Buffer::from);
    let utf16_offsets = (text && !c.ascii).then(|| Int32Array::new(c.utf16_offsets()));
    let textrow::Column { mut data, offsets, nulls, null_count, ascii } = c;
    // Text columns reserve a share of the batch's bytes up front; JS holds the buffer with its
    // capacity until a GC frees it, so hand over only what was written.
    data.shrink_to_fit();
    NativeColumn {
        validity,
        utf16_offsets,
        offsets: variable.then(|| Int32Array::new(offsets)),
        nulls: (null_count > 0).then(|| nulls.into()),
        null_count: null_count as u32,
        ascii,
        data: data.into(),
    }
}

fn column_kinds(kinds: &[u32], scales: &[u32]) -> Result<Vec<textrow::Kind>> {
    kinds
        .iter()
        .zip(scales.iter())
        .map(|(&k, &s)| textrow::Kind::from_code(k, s).ok_or_else(|| Error::new(Status::InvalidArg, format!("S2_DATA: unknown column kind {k}"))))
        .collect()
}

fn decoded(result: std::result::Result<Vec<textrow::Column>, textrow::DecodeFailure>, kinds: &[textrow::Kind]) -> Result<Option<Vec<NativeColumn>>> {
    match result {
        Ok(cols) => Ok(Some(cols.into_iter().zip(kinds).map(|(c, k)| column(c, matches!(k, textrow::Kind::Utf8 | textrow::Kind::Bytes), false)).collect())),
        Err(textrow::DecodeFailure::Fallback { .. }) => Ok(None),
        Err(textrow::DecodeFailure::Error(e)) => Err(to_napi(e)),
    }
}

/// The most column capacity kept between batches (JS keeps its buffer under the same bound).
const MAX_REUSED_BYTES: usize = 4 << 20;

thread_local! {
    /// The columns of the last batch decoded into a caller's buffer, kept for their capacity.
    static REUSED_COLUMNS: std::cell::RefCell<Vec<textrow::Column>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Decodes a batch of text-protocol rows given as segments: bare row payloads (`framed[i] == 0`)
/// and runs of packets still framed as on the wire (`framed[i] == 1`), `rows` rows in all.
/// `None` when a value needs the TypeScript rules.
///
/// Without `out`: the columns, each vector handed to JS as it is (the caller keeps them).
/// With `out` and `layout`, for batches JS turns into its own values at once (rows): the columns
/// are copied into `out`, a buffer JS owns and reuses, and described in `layout`
/// (`s2_codec::textrow::pack_into`); the answer is 1, or -1 when `out` or `layout` is too small.
/// A batch then allocates neither vectors (they are kept between calls) nor external memory.
#[napi]
pub fn decode_text_segments(
    kinds: &[u32],
    scales: &[u32],
    segments: Vec<&[u8]>,
    framed: &[u8],
    rows: u32,
    out: Option<Uint8ArraySlice>,
    layout: Option<Uint32ArraySlice>,
) -> Result<Option<Either<Vec<NativeColumn>, i32>>> {
    guarded(|| {
        let kinds = column_kinds(kinds, scales)?;
        let segs: Vec<textrow::Segment<'_>> = segments
            .iter()
            .enumerate()
            .map(|(i, b)| if framed.get(i).copied().unwrap_or(0) != 0 { textrow::Segment::Framed(b) } else { textrow::Segment::Payload(b) })
            .collect();
        let (Some(mut out), Some(mut layout)) = (out, layout) else {
            return Ok(decoded(textrow::decode_segments(&kinds, &segs, rows as usize), &kinds)?.map(Either::A));
        };
        // SAFETY: the call is synchronous, so no JS runs while these are written; the caller
        // passes buffers of its own that no segment shares.
        let (out, layout) = unsafe { (out.as_mut(), layout.as_mut()) };
        REUSED_COLUMNS.with_borrow_mut(|cols| {
            let answer = match textrow::decode_segments_into(&kinds, &segs, rows as usize, cols) {
                Ok(()) => Ok(Some(Either::B(if textrow::pack_into(cols, &kinds, out, layout).is_some() { 1 } else { -1 }))),
                Err(textrow::DecodeFailure::Fallback { .. }) => Ok(None),
                Err(textrow::DecodeFailure::Error(e)) => Err(to_napi(e)),
            };
            // Kept for the next batch only while small: one batch of long values must not pin
            // its size for the life of the process.
            if cols.iter().map(|c| c.data.capacity() + 4 * c.offsets.capacity() + c.nulls.capacity()).sum::<usize>() > MAX_REUSED_BYTES {
                cols.clear();
                cols.shrink_to_fit();
            }
            answer
        })
    })
}

#[napi(object)]
pub struct NativeRowdat1Batch {
    pub rows: u32,
    /// rows little-endian i64 row ids.
    pub row_ids: Buffer,
    pub columns: Vec<NativeColumn>,
}

/// Decoded ROWDAT_1 columns for JS: offsets for variable-width ones, UTF-16 offsets for text.
fn rowdat1_columns(columns: Vec<textrow::Column>, codes: &[i32]) -> Vec<NativeColumn> {
    columns
        .into_iter()
        .zip(codes)
        .map(|(c, &code)| {
            let layout = rowdat1::layout(code);
            column(c, !matches!(layout, Ok(rowdat1::Layout::Fixed(_))), matches!(layout, Ok(rowdat1::Layout::Text | rowdat1::Layout::Decimal)))
        })
        .collect()
}

#[napi]
pub fn rowdat1_decode(codes: Int32Array, body: Buffer) -> Result<NativeRowdat1Batch> {
    guarded(|| {
        let batch = rowdat1::decode(&codes, &body).map_err(to_napi)?;
        Ok(NativeRowdat1Batch { rows: batch.rows as u32, row_ids: batch.row_ids.into(), columns: rowdat1_columns(batch.columns, &codes) })
    })
}

#[napi(object)]
pub struct NativeEncodeColumn {
    pub code: i32,
    /// Element type of `data` for numeric codes: 0 i8, 1 u8, 2 i16, 3 u16, 4 i32, 5 u32, 6 i64, 7 u64, 8 f32, 9 f64.
    pub element: Option<u32>,
    pub data: Buffer,
    pub offsets: Option<Uint32Array>,
    pub nulls: Option<Buffer>,
}

#[napi]
pub fn rowdat1_encode(row_ids: Buffer, columns: Vec<NativeEncodeColumn>) -> Result<Buffer> {
    guarded(|| {
        let sources = sources_of(&columns).map_err(to_napi)?;
        rowdat1::encode(&row_ids, &sources).map(Buffer::from).map_err(to_napi)
    })
}

/// The argument columns of a combined call (the row ids stay on the Rust side).
#[napi(object)]
pub struct NativeCallArguments {
    pub rows: u32,
    pub columns: Vec<NativeColumn>,
}

/// A combined call's outcome: the encoded `answer`, or, when the callback answered `null` (its
/// function is asynchronous, or its result needs the pure encoder), the request's `rowIds`.
#[napi(object)]
pub struct NativeCallOutcome {
    pub answer: Option<Buffer>,
    pub row_ids: Option<Buffer>,
}

fn sources_of(columns: &[NativeEncodeColumn]) -> std::result::Result<Vec<rowdat1::Source<'_>>, CodecError> {
    columns
        .iter()
        .map(|c| {
            let element = match c.element {
                Some(e) => Some(rowdat1::Element::from_code(e).ok_or_else(|| CodecError::data(format!("unknown element type {e}")))?),
                None => None,
            };
            Ok(rowdat1::Source { code: c.code, element, data: &c.data, offsets: c.offsets.as_deref().unwrap_or(&[]), nulls: c.nulls.as_deref().unwrap_or(&[]) })
        })
        .collect()
}

/// decode → call → encode for a vectorized function in one native call: `call` gets the
/// argument columns and returns the result columns to encode (with the request's row ids), or
/// `null` to take the row ids and answer later. An exception thrown by `call` propagates as is.
#[napi]
pub fn rowdat1_call(codes: Int32Array, body: Buffer, call: Function<NativeCallArguments, Option<Vec<NativeEncodeColumn>>>) -> Result<NativeCallOutcome> {
    guarded(|| {
        let outcome = rowdat1::call(
            &codes,
            &body,
            |batch| call.call(NativeCallArguments { rows: batch.rows as u32, columns: rowdat1_columns(batch.columns, &codes) }),
            |answer| sources_of(answer),
        );
        match outcome {
            Ok(rowdat1::Called::Answer(bytes)) => Ok(NativeCallOutcome { answer: Some(bytes.into()), row_ids: None }),
            Ok(rowdat1::Called::Deferred { row_ids }) => Ok(NativeCallOutcome { answer: None, row_ids: Some(row_ids.into()) }),
            Err(rowdat1::CallError::Request(e) | rowdat1::CallError::Answer(e)) => Err(to_napi(e)),
            Err(rowdat1::CallError::Function(e)) => Err(e),
        }
    })
}

/// Byte offsets for UTF-16 unit offsets into UTF-8 `data` (see s2_codec::rowdat1::utf8_offsets).
#[napi]
pub fn utf8_offsets(data: Buffer, units: Uint32Array) -> Result<Option<Uint32Array>> {
    guarded(|| Ok(rowdat1::utf8_offsets(&data, &units).map(Uint32Array::new)))
}

#[napi(object)]
pub struct CollocatedConnection {
    pub socket: i32,
    pub name: String,
    pub input: i32,
    pub output: i32,
}

/// One outcome of accepting: a connection whose handshake completed (its descriptors stay the
/// listener's until JavaScript wraps the socket and releases the files), or the tagged message
/// of one that failed.
#[napi(object)]
pub struct CollocatedEvent {
    pub connection: Option<CollocatedConnection>,
    pub error: Option<String>,
}

fn event_of(outcome: std::result::Result<collocated::Connection, CodecError>) -> CollocatedEvent {
    match outcome {
        Ok(c) => CollocatedEvent { connection: Some(CollocatedConnection { socket: c.socket, name: c.name, input: c.input, output: c.output }), error: None },
        Err(e) => CollocatedEvent { connection: None, error: Some(format!("{}: {}", e.tag(), e.message)) },
    }
}

/// What the listener and its environment's cleanup hook share.
struct Shared {
    intake: collocated::Intake,
    /// The cleanup hook is registered and holds a reference (`Arc::into_raw`) of its own.
    hooked: AtomicBool,
}

/// The environment's cleanup hook (a worker terminated or calling process.exit(), Node exiting):
/// JavaScript closes nothing then, so what it has not closed is closed here.
unsafe extern "C" fn tear_down(data: *mut c_void) {
    // SAFETY: `data` is the reference `CollocatedListener::new` gave the hook; Node runs a hook
    // once, and `unhook_when_finished` takes the reference back only if it has not run.
    let shared = unsafe { Arc::from_raw(data.cast_const().cast::<Shared>()) };
    shared.hooked.store(false, Ordering::SeqCst);
    // Unwinding out of an extern "C" function aborts the process.
    let _ = catch_unwind(AssertUnwindSafe(|| shared.intake.teardown()));
}

/// A listening unix socket for the collocated server.
#[napi]
pub struct CollocatedListener {
    shared: Arc<Shared>,
}

#[napi]
impl CollocatedListener {
    #[napi(constructor)]
    pub fn new(env: Env, path: String, backlog: i32) -> Result<Self> {
        let shared = Arc::new(Shared { intake: collocated::Intake::bind(&path, backlog).map_err(to_napi)?, hooked: AtomicBool::new(true) });
        let data = Arc::into_raw(shared.clone()).cast_mut().cast::<c_void>();
        // SAFETY: a hook with a reference of its own, for the environment this runs in.
        let status = unsafe { sys::napi_add_env_cleanup_hook(env.raw(), Some(tear_down), data) };
        if status != sys::Status::napi_ok {
            // SAFETY: the hook was not registered, so its reference is still ours.
            drop(unsafe { Arc::from_raw(data.cast_const().cast::<Shared>()) });
            return Err(Error::new(Status::GenericFailure, "S2_IO: could not register the listener's environment cleanup hook"));
        }
        Ok(Self { shared })
    }

    /// Accepts on a native thread of its own until `close`: `onReady` is called when outcomes
    /// wait to be taken (`take`): connections whose handshake completed within
    /// `handshake_timeout_ms` (positive; Infinity or more than a year: a year), and failed ones.
    /// While accepting, the listener keeps the process alive.
    #[napi(ts_args_type = "handshakeTimeoutMs: number, onReady: () => void")]
    pub fn start(&self, handshake_timeout_ms: f64, on_ready: Function<(), ()>) -> Result<()> {
        let timeout = collocated::handshake_timeout(handshake_timeout_ms).map_err(to_napi)?;
        // The wake-up carries nothing: a value queued on a threadsafe function is never dropped
        // if the environment ends first, and the outcomes hold descriptors.
        let wake = on_ready.build_threadsafe_function::<()>().callee_handled::<false>().build_callback(|_| Ok(()))?;
        // Non-blocking: the queue is unbounded, so the accepting thread never waits on
        // JavaScript (close() joins that thread from JavaScript's own).
        self.shared
            .intake
            .start(timeout, move || {
                wake.call((), ThreadsafeFunctionCallMode::NonBlocking);
            })
            .map_err(to_napi)
    }

    /// The outcomes waiting, in order (none after `close`).
    #[napi]
    pub fn take(&self) -> Vec<CollocatedEvent> {
        self.shared.intake.take().into_iter().map(event_of).collect()
    }

    /// Says a taken connection's socket is wrapped in a Node socket, which closes it from now on.
    #[napi]
    pub fn adopted(&self, env: Env, socket: i32) {
        self.shared.intake.adopted(socket);
        self.unhook_when_finished(env);
    }

    /// Closes a shared file (`input` or `output`), or a socket not adopted, of a connection
    /// taken; any other number is left alone, so that a descriptor is closed once only.
    #[napi]
    pub fn release(&self, env: Env, fd: i32) {
        self.shared.intake.release(fd);
        self.unhook_when_finished(env);
    }

    /// Stops accepting, ends handshakes in progress, closes the listening socket and drops the
    /// outcomes not taken; returns once the accepting thread has ended. The shared files of
    /// connections taken stay open until released.
    #[napi]
    pub fn close(&self, env: Env) {
        self.shared.intake.close();
        self.unhook_when_finished(env);
    }

    /// Once nothing is left to close, the cleanup hook goes, with its reference.
    fn unhook_when_finished(&self, env: Env) {
        if !self.shared.intake.finished() || !self.shared.hooked.swap(false, Ordering::SeqCst) {
            return;
        }
        let data = Arc::as_ptr(&self.shared).cast_mut().cast::<c_void>();
        // SAFETY: the hook registered in `new`, in this object's environment, and not yet run.
        let status = unsafe { sys::napi_remove_env_cleanup_hook(env.raw(), Some(tear_down), data) };
        if status == sys::Status::napi_ok {
            // SAFETY: the removed hook's reference, which it can no longer take.
            drop(unsafe { Arc::from_raw(data.cast_const().cast::<Shared>()) });
        }
    }
}

impl Drop for CollocatedListener {
    /// Collected (or finalized as its environment ends): nothing can release its files any more.
    fn drop(&mut self) {
        let _ = catch_unwind(AssertUnwindSafe(|| self.shared.intake.teardown()));
    }
}

#[napi]
pub fn collocated_read(fd: i32, length: f64) -> Result<Buffer> {
    if !(0.0..=9.0e15).contains(&length) || length.fract() != 0.0 {
        return Err(Error::new(Status::InvalidArg, format!("S2_MALFORMED: request length {length} is not valid")));
    }
    guarded(|| collocated::read_shared(fd, length as usize).map(Buffer::from).map_err(to_napi))
}

#[napi]
pub fn collocated_write(fd: i32, data: Buffer) -> Result<()> {
    guarded(|| collocated::write_shared(fd, &data).map_err(to_napi))
}

#[napi]
pub fn default_socket_path() -> String {
    collocated::default_socket_path()
}

/// Version of the binary, checked by the loader against the package version.
#[napi]
pub fn native_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
