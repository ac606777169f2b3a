//! ROWDAT_1 (udf spec 6): per row an int64 row id, then per column a NULL flag byte and either
//! a fixed-width little-endian value or an int64 length and that many bytes. Decoding goes to
//! columns (what vectorized functions receive), encoding comes from columns of any numeric
//! element type with the range checks of spec 6.7.

use crate::error::CodecError;
use crate::textrow::Column;

/// How a wire code is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Fixed(usize),
    Text,
    Binary,
    Decimal,
}

const TEXT_CODES: [i32; 11] = [15, 245, 247, 248, 249, 250, 251, 252, 253, 254, 255];

pub fn layout(code: i32) -> Result<Layout, CodecError> {
    Ok(match code {
        1 | -1 => Layout::Fixed(1),
        2 | -2 | 13 => Layout::Fixed(2),
        3 | -3 | 9 | -9 | 4 => Layout::Fixed(4),
        8 | -8 | 5 | 10 | 14 | 11 | 12 | 7 => Layout::Fixed(8),
        0 | 246 => Layout::Decimal,
        c if TEXT_CODES.contains(&c) => Layout::Text,
        c if TEXT_CODES.contains(&-c) => Layout::Binary,
        c => return Err(CodecError::data(format!("unrecognized ROWDAT_1 column type: {c}"))),
    })
}

/// A decoded request: row ids (i64 LE bytes) and one column per argument. Fixed-width columns
/// hold the wire values as they are (temporal codes stay packed int64s); text, binary and
/// decimal columns hold offsets and data.
#[derive(Debug, Default, PartialEq)]
pub struct Batch {
    pub rows: usize,
    pub row_ids: Vec<u8>,
    pub columns: Vec<Column>,
}

fn truncated(what: &str, pos: usize, need: usize, left: usize) -> CodecError {
    CodecError::malformed(format!("ROWDAT_1 payload truncated: {what} needs {need} bytes at offset {pos}, {left} left"))
}

pub fn decode(codes: &[i32], body: &[u8]) -> Result<Batch, CodecError> {
    let layouts = codes.iter().map(|&c| layout(c)).collect::<Result<Vec<_>, _>>()?;
    let widths: Option<Vec<usize>> = layouts.iter().map(|l| if let Layout::Fixed(w) = *l { Some(w) } else { None }).collect();
    if let Some(batch) = widths.and_then(|w| decode_fixed(&w, body)) {
        return Ok(batch);
    }
    // An upper bound on the row count (every variable value empty) sizes the per-row vectors once.
    let min_row = 8 + layouts.iter().map(|l| if let Layout::Fixed(w) = *l { 1 + w } else { 9 }).sum::<usize>();
    let max_rows = body.len() / min_row + 1;
    let mut batch = Batch { columns: layouts.iter().map(|_| Column::default()).collect(), ..Batch::default() };
    batch.row_ids.reserve(max_rows * 8);
    // Variable-width values share what the body holds beyond the fixed parts: an even share
    // each (all of it for a single text column) spares most of the regrowth copies.
    let variable = layouts.iter().filter(|l| !matches!(l, Layout::Fixed(_))).count().max(1);
    for (col, l) in batch.columns.iter_mut().zip(&layouts) {
        col.nulls.reserve(max_rows);
        if let Layout::Fixed(w) = *l {
            col.data.reserve(max_rows * w);
        } else {
            col.data.reserve(body.len() / variable);
            col.offsets.reserve(max_rows + 1);
            col.offsets.push(0);
            col.ascii = true;
        }
    }
    let end = body.len();
    let mut pos = 0usize;
    while pos < end {
        let id = body.get(pos..pos + 8).ok_or_else(|| truncated("row id", pos, 8, end - pos))?;
        batch.row_ids.extend_from_slice(id);
        pos += 8;
        for (c, l) in layouts.iter().enumerate() {
            let col = &mut batch.columns[c];
            let flag = *body.get(pos).ok_or_else(|| truncated("NULL flag", pos, 1, 0))?;
            pos += 1;
            let is_null = flag == 1;
            col.nulls.push(u8::from(is_null));
            col.null_count += usize::from(is_null);
            match *l {
                Layout::Fixed(w) => {
                    let v = body.get(pos..pos + w).ok_or_else(|| truncated(&format!("column {}", c + 1), pos, w, end - pos))?;
                    if is_null {
                        col.data.resize(col.data.len() + w, 0);
                    } else {
                        col.data.extend_from_slice(v);
                    }
                    pos += w;
                }
                _ => {
                    let raw = body.get(pos..pos + 8).ok_or_else(|| truncated(&format!("length of column {}", c + 1), pos, 8, end - pos))?;
                    pos += 8;
                    let n = i64::from_le_bytes(raw.try_into().expect("8 bytes"));
                    if n < 0 || n as u64 > (end - pos) as u64 {
                        return Err(CodecError::malformed(format!("ROWDAT_1 length {n} of column {} does not fit the {} bytes left", c + 1, end - pos)));
                    }
                    let v = &body[pos..pos + n as usize];
                    pos += n as usize;
                    if !is_null {
                        // ASCII is valid UTF-8: the full check only for the other values.
                        let ascii = v.is_ascii();
                        if !ascii && matches!(*l, Layout::Text | Layout::Decimal) && std::str::from_utf8(v).is_err() {
                            return Err(CodecError::encoding(format!("invalid UTF-8 in ROWDAT_1 column {}", c + 1)));
                        }
                        col.ascii &= ascii;
                        col.data.extend_from_slice(v);
                    }
                    col.offsets.push(i32::try_from(col.data.len()).map_err(|_| CodecError::data("column data beyond 2 GiB"))?);
                }
            }
        }
        batch.rows += 1;
    }
    Ok(batch)
}

/// A fixed-width value copy with the width known at compile time: a move, not a memcpy call.
#[inline(always)]
fn copy_value(dst: &mut [u8], src: &[u8]) {
    match dst.len() {
        8 => dst.copy_from_slice(&src[..8]),
        4 => dst.copy_from_slice(&src[..4]),
        2 => dst.copy_from_slice(&src[..2]),
        _ => dst.copy_from_slice(src),
    }
}

/// Requests whose columns are all fixed-width have one row size: when the body is a whole
/// number of rows, each value is copied straight into a column sized up front. Anything else
/// (including every malformed body) takes the general path, which explains what is wrong.
fn decode_fixed(widths: &[usize], body: &[u8]) -> Option<Batch> {
    let stride = 8 + widths.iter().map(|w| 1 + w).sum::<usize>();
    if !body.len().is_multiple_of(stride) {
        return None;
    }
    let rows = body.len() / stride;
    let mut row_ids = vec![0u8; rows * 8];
    for (dst, row) in row_ids.chunks_exact_mut(8).zip(body.chunks_exact(stride)) {
        dst.copy_from_slice(&row[..8]);
    }
    // Column by column: each pass is a tight loop over one offset of every row.
    let mut columns = Vec::with_capacity(widths.len());
    let mut at = 8;
    for &w in widths {
        let mut col = Column { data: vec![0u8; rows * w], nulls: vec![0u8; rows], ..Column::default() };
        let mut count = 0;
        for ((dst, null), row) in col.data.chunks_exact_mut(w).zip(col.nulls.iter_mut()).zip(body.chunks_exact(stride)) {
            if row[at] == 1 {
                *null = 1;
                count += 1;
            } else {
                copy_value(dst, &row[at + 1..at + 1 + w]);
            }
        }
        col.null_count = count;
        columns.push(col);
        at += 1 + w;
    }
    Some(Batch { rows, row_ids, columns })
}

/// Element type of a numeric source column (the JavaScript typed array it came from).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F32,
    F64,
}

impl Element {
    pub fn from_code(code: u32) -> Option<Element> {
        use Element::*;
        [I8, U8, I16, U16, I32, U32, I64, U64, F32, F64].get(code as usize).copied()
    }
    fn width(self) -> usize {
        match self {
            Element::I8 | Element::U8 => 1,
            Element::I16 | Element::U16 => 2,
            Element::I32 | Element::U32 | Element::F32 => 4,
            _ => 8,
        }
    }
}

/// One column to encode: numbers in `data` as `element`s, or bytes in `data` cut by `offsets`.
pub struct Source<'a> {
    pub code: i32,
    pub element: Option<Element>,
    pub data: &'a [u8],
    /// rows + 1 positions for text, binary and decimal columns.
    pub offsets: &'a [u32],
    /// Empty, or one byte per row (non-zero = NULL).
    pub nulls: &'a [u8],
}

/// The wire width of a column whose element type is the wire type itself, so its bytes can be
/// copied without conversion or range checks. FLOAT stays on the general path, which goes
/// through f64 like the pure codec; MEDIUMINT and YEAR need their range checks.
fn direct_width(src: &Source<'_>, l: Layout) -> Option<usize> {
    use Element::*;
    let same = matches!((src.code, src.element?), (1, I8) | (-1, U8) | (2, I16) | (-2, U16) | (3, I32) | (-3, U32) | (8, I64) | (-8, U64) | (5, F64));
    match l {
        Layout::Fixed(w) if same => Some(w),
        _ => None,
    }
}

/// Encodes columns that `direct_width` accepted: fixed rows, values copied as they are.
fn encode_direct(row_ids: &[u8], columns: &[Source<'_>], widths: &[usize], size: usize) -> Vec<u8> {
    let stride = 8 + widths.iter().map(|w| 1 + w).sum::<usize>();
    let mut out = vec![0u8; size];
    for (row, id) in out.chunks_exact_mut(stride).zip(row_ids.chunks_exact(8)) {
        row[..8].copy_from_slice(id);
    }
    let mut at = 8;
    for (src, &w) in columns.iter().zip(widths) {
        for (j, (row, value)) in out.chunks_exact_mut(stride).zip(src.data.chunks_exact(w)).enumerate() {
            if src.nulls.get(j).is_some_and(|&m| m != 0) {
                row[at] = 1;
            } else {
                copy_value(&mut row[at + 1..at + 1 + w], value);
            }
        }
        at += 1 + w;
    }
    out
}

#[derive(Clone, Copy)]
enum Num {
    Int(i128),
    Float(f64),
}

fn read(e: Element, d: &[u8], j: usize) -> Num {
    let w = e.width();
    let b = &d[j * w..j * w + w];
    match e {
        Element::I8 => Num::Int(i128::from(b[0] as i8)),
        Element::U8 => Num::Int(i128::from(b[0])),
        Element::I16 => Num::Int(i128::from(i16::from_le_bytes([b[0], b[1]]))),
        Element::U16 => Num::Int(i128::from(u16::from_le_bytes([b[0], b[1]]))),
        Element::I32 => Num::Int(i128::from(i32::from_le_bytes(b.try_into().expect("4")))),
        Element::U32 => Num::Int(i128::from(u32::from_le_bytes(b.try_into().expect("4")))),
        Element::I64 => Num::Int(i128::from(i64::from_le_bytes(b.try_into().expect("8")))),
        Element::U64 => Num::Int(i128::from(u64::from_le_bytes(b.try_into().expect("8")))),
        Element::F32 => Num::Float(f64::from(f32::from_le_bytes(b.try_into().expect("4")))),
        Element::F64 => Num::Float(f64::from_le_bytes(b.try_into().expect("8"))),
    }
}

fn range(code: i32) -> Option<(i128, i128, &'static str)> {
    Some(match code {
        1 => (-128, 127, "TINYINT"),
        -1 => (0, 255, "UNSIGNED TINYINT"),
        2 => (-32768, 32767, "SMALLINT"),
        -2 => (0, 65535, "UNSIGNED SMALLINT"),
        9 => (-8_388_608, 8_388_607, "MEDIUMINT"),
        -9 => (0, 16_777_215, "UNSIGNED MEDIUMINT"),
        3 => (i128::from(i32::MIN), i128::from(i32::MAX), "INT"),
        -3 => (0, i128::from(u32::MAX), "UNSIGNED INT"),
        8 => (i128::from(i64::MIN), i128::from(i64::MAX), "BIGINT"),
        -8 => (0, i128::from(u64::MAX), "UNSIGNED BIGINT"),
        13 => (0, 2155, "YEAR"),
        10 | 14 | 11 | 12 | 7 => (i128::from(i64::MIN), i128::from(i64::MAX), "temporal value"),
        _ => return None,
    })
}

/// 2^64. Integral doubles below it in magnitude convert to i128 exactly; every integer code's
/// range lies inside it, so anything beyond is out of range whatever the code.
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

/// `String(x)` in JavaScript (Number::toString, ECMA-262 6.1.6.1.20), so that a value both
/// encoders reject is named alike in their messages.
fn js_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x < 0.0 {
        return format!("-{}", js_number(-x));
    }
    if x.is_infinite() {
        return "Infinity".into();
    }
    // `{:e}` prints the shortest digits that round-trip, the digits JavaScript chooses too.
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').expect("LowerExp has an exponent");
    let digits: String = mantissa.chars().filter(|&c| c != '.').collect();
    let k = digits.len() as i32;
    let n = exp.parse::<i32>().expect("LowerExp exponent") + 1;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat(n.unsigned_abs() as usize))
    } else {
        let sign = if n > 0 { '+' } else { '-' };
        let e = (n - 1).unsigned_abs();
        if k == 1 {
            format!("{digits}e{sign}{e}")
        } else {
            format!("{}.{}e{sign}{e}", &digits[..1], &digits[1..])
        }
    }
}

fn integer(v: Num, code: i32) -> Result<i128, CodecError> {
    let (lo, hi, name) = range(code).expect("integer code");
    let outside = || CodecError::data(format!("value is outside the valid range for {name}"));
    let x = match v {
        Num::Int(i) => i,
        // The pure encoder takes any integral double and leaves the rest to its range check.
        Num::Float(f) if f.is_finite() && f.fract() == 0.0 => {
            if f.abs() >= TWO_POW_64 {
                return Err(outside());
            }
            f as i128
        }
        Num::Float(f) => return Err(CodecError::data(format!("{} is not an integer for {name}", js_number(f)))),
    };
    // YEAR takes two-digit years or 1901–2155, the server's own range.
    let year_gap = code == 13 && x > 99 && x < 1901;
    if x < lo || x > hi || year_gap {
        return Err(outside());
    }
    Ok(x)
}

/// Writes one response (or request) payload. `row_ids` holds `rows` little-endian i64s.
pub fn encode(row_ids: &[u8], columns: &[Source<'_>]) -> Result<Vec<u8>, CodecError> {
    if !row_ids.len().is_multiple_of(8) {
        return Err(CodecError::data("row ids must be 8-byte integers"));
    }
    let rows = row_ids.len() / 8;
    let layouts = columns.iter().map(|c| layout(c.code)).collect::<Result<Vec<_>, _>>()?;
    let mut size = rows * 8;
    for (c, (src, l)) in columns.iter().zip(&layouts).enumerate() {
        if !src.nulls.is_empty() && src.nulls.len() != rows {
            return Err(CodecError::data(format!("length of mask values does not match the length of data rows (column {})", c + 1)));
        }
        match (l, src.element) {
            (Layout::Fixed(w), Some(e)) => {
                if src.data.len() != rows * e.width() {
                    return Err(CodecError::data(format!("mismatched lengths of column values (column {})", c + 1)));
                }
                size += rows * (1 + w);
            }
            (Layout::Fixed(_), None) => return Err(CodecError::data(format!("column {} needs numeric values", c + 1))),
            (_, _) => {
                if src.offsets.len() != rows + 1 || src.offsets.windows(2).any(|w| w[0] > w[1]) || src.offsets[rows] as usize > src.data.len() {
                    return Err(CodecError::data(format!("mismatched lengths of column values (column {})", c + 1)));
                }
                size += rows * 9 + src.data.len();
            }
        }
    }
    if let Some(widths) = columns.iter().zip(&layouts).map(|(src, l)| direct_width(src, *l)).collect::<Option<Vec<usize>>>() {
        return Ok(encode_direct(row_ids, columns, &widths, size));
    }
    let mut out = Vec::with_capacity(size);
    for j in 0..rows {
        out.extend_from_slice(&row_ids[j * 8..j * 8 + 8]);
        for (src, l) in columns.iter().zip(&layouts) {
            let is_null = src.nulls.get(j).is_some_and(|&m| m != 0);
            out.push(u8::from(is_null));
            match *l {
                Layout::Fixed(w) => {
                    if is_null {
                        out.resize(out.len() + w, 0);
                        continue;
                    }
                    let v = read(src.element.expect("checked"), src.data, j);
                    match src.code {
                        4 => out.extend_from_slice(&(as_f64(v) as f32).to_le_bytes()),
                        5 => out.extend_from_slice(&as_f64(v).to_le_bytes()),
                        code => {
                            let x = integer(v, code)?;
                            out.extend_from_slice(&x.to_le_bytes()[..w]);
                        }
                    }
                }
                _ => {
                    let (a, b) = (src.offsets[j] as usize, src.offsets[j + 1] as usize);
                    let bytes = if is_null { &src.data[..0] } else { &src.data[a..b] };
                    out.extend_from_slice(&(bytes.len() as i64).to_le_bytes());
                    out.extend_from_slice(bytes);
                }
            }
        }
    }
    Ok(out)
}

fn as_f64(v: Num) -> f64 {
    match v {
        Num::Int(i) => i as f64,
        Num::Float(f) => f,
    }
}

/// Byte offsets into UTF-8 `data` for offsets counted in UTF-16 units (what JavaScript string
/// lengths add up to), so a column of strings can be encoded as one joined string. None when
/// an offset falls between the two units of a four-byte character — a value ending or starting
/// with half a surrogate pair — or past the end: those values need the per-value checks.
pub fn utf8_offsets(data: &[u8], units: &[u32]) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(units.len());
    let mut pos = 0usize;
    let mut unit = 0u64;
    for &target in units {
        let target = u64::from(target);
        while unit < target {
            let b = *data.get(pos)?;
            let (len, width) = match b {
                0x00..=0x7f => (1, 1),
                0xc0..=0xdf => (2, 1),
                0xe0..=0xef => (3, 1),
                0xf0..=0xf7 => (4, 2),
                _ => return None,
            };
            pos += len;
            unit += width;
        }
        if unit != target || pos > data.len() {
            return None;
        }
        out.push(u32::try_from(pos).ok()?);
    }
    Some(out)
}

/// Where a combined call (`call`) failed: the request did not decode, the function failed, or
/// its answer could not be encoded. A server answers the first and last with 400 and 500.
#[derive(Debug, PartialEq)]
pub enum CallError<E> {
    Request(CodecError),
    Function(E),
    Answer(CodecError),
}

/// How a combined call ended: the encoded answer, or (the function answers later, as an async
/// one does) the request's row ids for whoever encodes the answer then.
#[derive(Debug, PartialEq)]
pub enum Called {
    Answer(Vec<u8>),
    Deferred { row_ids: Vec<u8> },
}

/// One vectorized call over a request, decode → call → encode: `body` is decoded with `codes`,
/// `function` gets the argument columns (the row ids stay here), and the answer it returns is
/// encoded, through `sources`, with the request's row ids, so they never leave this side.
/// `function` answering `None` defers the answer.
pub fn call<A, E>(
    codes: &[i32],
    body: &[u8],
    function: impl FnOnce(Batch) -> Result<Option<A>, E>,
    sources: impl for<'x> FnOnce(&'x A) -> Result<Vec<Source<'x>>, CodecError>,
) -> Result<Called, CallError<E>> {
    let mut batch = decode(codes, body).map_err(CallError::Request)?;
    let row_ids = std::mem::take(&mut batch.row_ids);
    let Some(answer) = function(batch).map_err(CallError::Function)? else {
        return Ok(Called::Deferred { row_ids });
    };
    // encode checks that every column holds one value per row id.
    let columns = sources(&answer).map_err(CallError::Answer)?;
    encode(&row_ids, &columns).map(Called::Answer).map_err(CallError::Answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_offsets_follow_utf16_units() {
        // "a", "é", "😜" (two units), "" and "z".
        let data = "aé😜z".as_bytes();
        assert_eq!(utf8_offsets(data, &[0, 1, 2, 4, 4, 5]), Some(vec![0, 1, 3, 7, 7, 8]));
        // A boundary inside the surrogate pair, or beyond the data, is refused.
        assert_eq!(utf8_offsets(data, &[0, 3]), None);
        assert_eq!(utf8_offsets(data, &[0, 6]), None);
    }

    /// The worked example of udf spec 6.6.
    fn example() -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&10i64.to_le_bytes());
        b.push(0);
        b.extend_from_slice(&2i64.to_le_bytes());
        b.push(0);
        b.extend_from_slice(&1.5f64.to_le_bytes());
        b.push(0);
        b.extend_from_slice(&2i64.to_le_bytes());
        b.extend_from_slice(b"ab");
        b.extend_from_slice(&11i64.to_le_bytes());
        b.push(0);
        b.extend_from_slice(&3i64.to_le_bytes());
        b.push(1);
        b.extend_from_slice(&[0; 8]);
        b.push(0);
        b.extend_from_slice(&1i64.to_le_bytes());
        b.extend_from_slice(b"c");
        b
    }

    fn f64_column(data: &Vec<u8>) -> Result<Vec<Source<'_>>, CodecError> {
        Ok(vec![Source { code: 5, element: Some(Element::F64), data, offsets: &[], nulls: &[] }])
    }

    fn i64_column(data: &Vec<u8>) -> Result<Vec<Source<'_>>, CodecError> {
        Ok(vec![Source { code: 8, element: Some(Element::I64), data, offsets: &[], nulls: &[] }])
    }

    fn never(_: &()) -> Result<Vec<Source<'_>>, CodecError> {
        unreachable!("nothing to encode")
    }

    /// The combined loop: x + 0.5 over the spec example's BIGINT column, answered as DOUBLE.
    #[test]
    fn call_decodes_calls_and_encodes_with_the_request_row_ids() {
        let body = example();
        let out = call(
            &[8, 5, 254],
            &body,
            |batch: Batch| -> Result<Option<Vec<u8>>, ()> {
                assert!(batch.row_ids.is_empty(), "row ids stay with the caller");
                let xs = batch.columns[0].data.chunks(8).map(|b| i64::from_le_bytes(b.try_into().unwrap()) as f64 + 0.5);
                Ok(Some(xs.flat_map(f64::to_le_bytes).collect()))
            },
            f64_column,
        )
        .unwrap();
        let Called::Answer(bytes) = out else { panic!("expected an answer") };
        let mut want = Vec::new();
        for (id, v) in [(10i64, 2.5f64), (11, 3.5)] {
            want.extend_from_slice(&id.to_le_bytes());
            want.push(0);
            want.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(bytes, want);
    }

    #[test]
    fn call_defers_and_keeps_phases_apart() {
        let body = example();
        // Deferred: the row ids come back for whoever encodes the answer later.
        let deferred = call(&[8, 5, 254], &body, |_| Ok::<_, ()>(None::<()>), never).unwrap();
        assert_eq!(deferred, Called::Deferred { row_ids: [10i64.to_le_bytes(), 11i64.to_le_bytes()].concat() });
        // A request that does not decode never reaches the function.
        let truncated = call(&[8, 5, 254], &body[..20], |_| -> Result<Option<()>, ()> { unreachable!("not called") }, never);
        assert!(matches!(truncated, Err(CallError::Request(e)) if e.message.contains("truncated")));
        // The function's own error passes through untouched.
        assert_eq!(call(&[8, 5, 254], &body, |_| Err::<Option<()>, _>("boom"), never), Err(CallError::Function("boom")));
        // An answer of the wrong length is the answer's fault.
        let short = call(
            &[8, 5, 254],
            &body,
            |_| Ok::<_, ()>(Some(vec![0u8; 8])),
            i64_column,
        );
        assert!(matches!(short, Err(CallError::Answer(e)) if e.message.contains("mismatched lengths")));
    }

    #[test]
    fn decodes_the_spec_example() {
        let body = example();
        assert_eq!(body.len(), 73);
        let batch = decode(&[8, 5, 254], &body).unwrap();
        assert_eq!(batch.rows, 2);
        assert_eq!(batch.columns[1].nulls, vec![0, 1]);
        assert_eq!(batch.columns[2].offsets, vec![0, 2, 3]);
        assert_eq!(batch.columns[2].data, b"abc");
    }

    #[test]
    fn encodes_the_spec_example() {
        let ids: Vec<u8> = [10i64, 11].iter().flat_map(|i| i.to_le_bytes()).collect();
        let xs: Vec<u8> = [2i64, 3].iter().flat_map(|i| i.to_le_bytes()).collect();
        let ys: Vec<u8> = [1.5f64, f64::NAN].iter().flat_map(|i| i.to_le_bytes()).collect();
        let cols = [
            Source { code: 8, element: Some(Element::I64), data: &xs, offsets: &[], nulls: &[] },
            Source { code: 5, element: Some(Element::F64), data: &ys, offsets: &[], nulls: &[0, 1] },
            Source { code: 254, element: None, data: b"abc", offsets: &[0, 2, 3], nulls: &[] },
        ];
        assert_eq!(encode(&ids, &cols).unwrap(), example());
    }

    #[test]
    fn range_checks_skip_nulls() {
        let ids = 1i64.to_le_bytes();
        let v = 300i32.to_le_bytes();
        let col = |nulls: &'static [u8]| [Source { code: 1, element: Some(Element::I32), data: &v, offsets: &[], nulls }];
        assert!(encode(&ids, &col(&[])).unwrap_err().message.contains("TINYINT"));
        assert_eq!(encode(&ids, &col(&[1])).unwrap(), [&ids[..], &[1, 0]].concat());
        let f = 1.5f64.to_le_bytes();
        assert!(encode(&ids, &[Source { code: 8, element: Some(Element::F64), data: &f, offsets: &[], nulls: &[] }]).is_err());
    }

    /// One double encoded for `code` through the general path: the wire bytes, or the message.
    fn encode_double(code: i32, x: f64) -> Result<Vec<u8>, String> {
        let ids = 1i64.to_le_bytes();
        let data = x.to_le_bytes();
        let out = encode(&ids, &[Source { code, element: Some(Element::F64), data: &data, offsets: &[], nulls: &[] }]).map_err(|e| e.message)?;
        Ok(out[9..].to_vec())
    }

    #[test]
    fn doubles_up_to_two_pow_64_encode_as_unsigned_bigint() {
        let largest = 18_446_744_073_709_549_568.0; // 2^64 - 2048, the last double below 2^64
        assert_eq!(encode_double(-8, largest).unwrap(), (u64::MAX - 2047).to_le_bytes());
        assert_eq!(encode_double(-8, 1.8e19).unwrap(), 18_000_000_000_000_000_000u64.to_le_bytes());
        assert_eq!(encode_double(8, -9_223_372_036_854_775_808.0).unwrap(), i64::MIN.to_le_bytes());
        assert_eq!(encode_double(-8, 0.0).unwrap(), 0u64.to_le_bytes());
        assert_eq!(encode_double(-8, -0.0).unwrap(), 0u64.to_le_bytes());
    }

    #[test]
    fn rejected_doubles_read_as_in_the_pure_encoder() {
        let outside = |name: &str| Err(format!("value is outside the valid range for {name}"));
        // Integral doubles are integers whatever their size; the range check has the last word.
        assert_eq!(encode_double(-8, TWO_POW_64), outside("UNSIGNED BIGINT"));
        assert_eq!(encode_double(8, 1e21), outside("BIGINT"));
        assert_eq!(encode_double(8, 9_223_372_036_854_775_808.0), outside("BIGINT"));
        assert_eq!(encode_double(-8, -1.0), outside("UNSIGNED BIGINT"));
        assert_eq!(encode_double(3, -1e300), outside("INT"));
        assert_eq!(encode_double(-8, f64::MAX), outside("UNSIGNED BIGINT"));
        let not_integer = |v: &str, name: &str| Err(format!("{v} is not an integer for {name}"));
        assert_eq!(encode_double(8, f64::INFINITY), not_integer("Infinity", "BIGINT"));
        assert_eq!(encode_double(8, f64::NEG_INFINITY), not_integer("-Infinity", "BIGINT"));
        assert_eq!(encode_double(-3, f64::NAN), not_integer("NaN", "UNSIGNED INT"));
        assert_eq!(encode_double(-3, 1.5), not_integer("1.5", "UNSIGNED INT"));
        assert_eq!(encode_double(1, 1e-7), not_integer("1e-7", "TINYINT"));
        assert_eq!(encode_double(1, -0.000001), not_integer("-0.000001", "TINYINT"));
    }

    #[test]
    fn js_number_prints_as_javascript_does() {
        // Each pair is x and String(x) as Node prints it.
        for (x, js) in [
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (123.456, "123.456"),
            (1.5e-7, "1.5e-7"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (0.0000123, "0.0000123"),
            (5e-324, "5e-324"),
            (2.5e-308, "2.5e-308"),
            (4503599627370495.5, "4503599627370495.5"),
            (1e21, "1e+21"),
            (1.2345e22, "1.2345e+22"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::from(1.1f32), "1.100000023841858"),
            (-2.5, "-2.5"),
            (-0.0, "0"),
        ] {
            assert_eq!(js_number(x), js, "{x:e}");
        }
    }

    #[test]
    fn truncated_and_hostile_input_is_an_error() {
        let body = example();
        for cut in 0..body.len() {
            let r = decode(&[8, 5, 254], &body[..cut]);
            assert_eq!(r.is_ok(), cut == 0 || cut == 37, "cut at {cut}");
        }
        let mut huge = 1i64.to_le_bytes().to_vec();
        huge.push(0);
        huge.extend_from_slice(&i64::MAX.to_le_bytes());
        assert!(decode(&[254], &huge).is_err());
        let mut neg = 1i64.to_le_bytes().to_vec();
        neg.push(0);
        neg.extend_from_slice(&(-1i64).to_le_bytes());
        assert!(decode(&[254], &neg).is_err());
        assert!(decode(&[77], &body).is_err());
    }
}
