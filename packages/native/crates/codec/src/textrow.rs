//! Text-protocol row packets (one lenenc string or 0xFB per column) decoded column by column
//! into buffers with the memory layout JavaScript typed arrays and Apache Arrow use directly.

use crate::error::CodecError;
use crate::textparse::{self, Temporal};

/// Target layout of one column; the numbers are shared with the TypeScript planner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text, validated: offsets + data.
    Utf8,
    /// Raw bytes: offsets + data.
    Bytes,
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
    /// Little-endian two's complement i128, scaled by the column's scale.
    Decimal128(u32),
    /// i64 microseconds since the epoch (fields read as UTC).
    TimestampUs,
    /// i32 days since the epoch.
    Date32,
    /// i64 signed microseconds.
    DurationUs,
    /// DATETIME/TIMESTAMP for JS rows, as two f64 per value: the epoch milliseconds of the
    /// fields read as UTC, then the microseconds of the second times 8 plus the count of
    /// fraction digits sent.
    DateTimeParts,
}

impl Kind {
    pub fn from_code(code: u32, scale: u32) -> Option<Kind> {
        Some(match code {
            0 => Kind::Utf8,
            1 => Kind::Bytes,
            2 => Kind::I8,
            3 => Kind::U8,
            4 => Kind::I16,
            5 => Kind::U16,
            6 => Kind::I32,
            7 => Kind::U32,
            8 => Kind::I64,
            9 => Kind::U64,
            10 => Kind::F32,
            11 => Kind::F64,
            12 => Kind::Decimal128(scale),
            13 => Kind::TimestampUs,
            14 => Kind::Date32,
            15 => Kind::DurationUs,
            16 => Kind::DateTimeParts,
            _ => return None,
        })
    }

    fn width(self) -> usize {
        match self {
            Kind::Utf8 | Kind::Bytes => 0,
            Kind::I8 | Kind::U8 => 1,
            Kind::I16 | Kind::U16 => 2,
            Kind::I32 | Kind::U32 | Kind::F32 | Kind::Date32 => 4,
            Kind::I64 | Kind::U64 | Kind::F64 | Kind::TimestampUs | Kind::DurationUs => 8,
            Kind::Decimal128(_) | Kind::DateTimeParts => 16,
        }
    }
}

/// One decoded column. Fixed-width kinds fill `data` with `rows * width` bytes; variable kinds
/// fill `data` with the concatenated values and `offsets` with `rows + 1` positions.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Column {
    pub data: Vec<u8>,
    pub offsets: Vec<i32>,
    /// One byte per row, 1 = NULL; empty while the column has no NULL.
    pub nulls: Vec<u8>,
    pub null_count: usize,
    /// Every byte of `data` is ASCII (set by decoders that check; false when unknown).
    pub ascii: bool,
}

impl Column {
    /// For a text column of valid UTF-8 whose values start on character boundaries: where each
    /// value starts and ends in the column's text as JavaScript (UTF-16) counts it, so the
    /// whole column can be decoded once and sliced. Every byte that is not a continuation
    /// byte starts one UTF-16 unit; four-byte sequences (lead byte 0xF0 and up) take two.
    pub fn utf16_offsets(&self) -> Vec<i32> {
        let mut out = Vec::with_capacity(self.offsets.len());
        let mut units = 0i32;
        let mut last = 0usize;
        for &o in &self.offsets {
            let end = o as usize;
            let value = &self.data[last..end];
            if value.is_ascii() {
                units += value.len() as i32;
            } else {
                for &b in value {
                    units += i32::from((b as i8) >= -0x40) + i32::from(b >= 0xF0);
                }
            }
            last = end;
            out.push(units);
        }
        out
    }
}

/// Why a batch was not decoded natively.
#[derive(Debug, PartialEq)]
pub enum DecodeFailure {
    /// The packets are broken: an error for the caller.
    Error(CodecError),
    /// A value outside the canonical forms handled here (row, column): the TypeScript decoder,
    /// which defines the behaviour for such values, takes the whole batch.
    Fallback { row: usize, column: usize },
}

impl From<CodecError> for DecodeFailure {
    fn from(e: CodecError) -> Self {
        DecodeFailure::Error(e)
    }
}

/// Reads the length prefix at `pos`; `None` for the NULL marker.
#[inline]
fn read_length(p: &[u8], pos: &mut usize, column: usize) -> Result<Option<usize>, CodecError> {
    let first = *p.get(*pos).ok_or_else(|| CodecError::malformed(format!("row ends before column {}", column + 1)))?;
    *pos += 1;
    let extra = match first {
        0..=0xfa => return Ok(Some(first as usize)),
        0xfb => return Ok(None),
        0xfc => 2,
        0xfd => 3,
        0xfe => 8,
        _ => return Err(CodecError::malformed(format!("invalid length prefix 0xff in column {}", column + 1))),
    };
    let bytes = p.get(*pos..*pos + extra).ok_or_else(|| CodecError::malformed("truncated value length"))?;
    *pos += extra;
    let mut len: u64 = 0;
    for (i, b) in bytes.iter().enumerate() {
        len |= u64::from(*b) << (8 * i);
    }
    if len >= 1 << 48 {
        return Err(CodecError::malformed("value length beyond 2^48"));
    }
    Ok(Some(len as usize))
}

macro_rules! put {
    ($col:expr, $v:expr) => {
        $col.data.extend_from_slice(&$v.to_le_bytes())
    };
}

/// Decodes `lengths.len()` row packets laid end to end in `packets`.
pub fn decode_rows(kinds: &[Kind], packets: &[u8], lengths: &[u32]) -> Result<Vec<Column>, DecodeFailure> {
    let mut start = 0usize;
    let mut payloads = lengths.iter().map(|&len| {
        let end = start.checked_add(len as usize).filter(|&e| e <= packets.len()).ok_or_else(|| CodecError::malformed("row packet runs past the end of the batch"))?;
        let p = &packets[start..end];
        start = end;
        Ok(p)
    });
    let mut cols = Vec::new();
    decode_payloads(kinds, lengths.len(), &mut payloads, packets.len(), &mut cols)?;
    if start != packets.len() {
        return Err(CodecError::malformed("batch has bytes after the last row packet").into());
    }
    Ok(cols)
}

/// One piece of a batch: a bare row payload, or packets still framed as on the wire.
#[derive(Debug, Clone, Copy)]
pub enum Segment<'a> {
    Payload(&'a [u8]),
    Framed(&'a [u8]),
}

/// Decodes `rows` rows from segments in order; framed segments are split at their headers.
pub fn decode_segments(kinds: &[Kind], segments: &[Segment<'_>], rows: usize) -> Result<Vec<Column>, DecodeFailure> {
    let mut cols = Vec::new();
    decode_segments_into(kinds, segments, rows, &mut cols)?;
    Ok(cols)
}

/// `decode_segments` into columns kept from an earlier batch: their vectors are cleared and
/// refilled, so a caller that copies the result out (`pack_into`) allocates nothing per batch
/// once the vectors have grown to the batch size.
pub fn decode_segments_into(kinds: &[Kind], segments: &[Segment<'_>], rows: usize, cols: &mut Vec<Column>) -> Result<(), DecodeFailure> {
    let mut seg = 0usize;
    let mut pos = 0usize;
    let mut payloads = std::iter::from_fn(|| loop {
        let current = segments.get(seg)?;
        match *current {
            Segment::Payload(p) => {
                seg += 1;
                return Some(Ok(p));
            }
            Segment::Framed(f) => {
                if pos >= f.len() {
                    seg += 1;
                    pos = 0;
                    continue;
                }
                let Some(head) = f.get(pos..pos + 4) else {
                    return Some(Err(CodecError::malformed("truncated packet header in a framed run")));
                };
                let len = usize::from(head[0]) | usize::from(head[1]) << 8 | usize::from(head[2]) << 16;
                let Some(p) = f.get(pos + 4..pos + 4 + len) else {
                    return Some(Err(CodecError::malformed("packet runs past the end of a framed run")));
                };
                pos += 4 + len;
                return Some(Ok(p));
            }
        }
    });
    let bytes: usize = segments.iter().map(|s| match s { Segment::Payload(p) | Segment::Framed(p) => p.len() }).sum();
    decode_payloads(kinds, rows, &mut payloads, bytes, cols)?;
    if payloads.next().is_some() {
        return Err(CodecError::malformed("batch holds more row packets than announced").into());
    }
    Ok(())
}

/// Marks row `r` NULL; the mask is only allocated once a column has its first NULL.
#[inline]
fn mark_null(col: &mut Column, r: usize, rows: usize) {
    if col.nulls.is_empty() {
        col.nulls.resize(rows, 0);
    }
    col.nulls[r] = 1;
    col.null_count += 1;
}

/// Whether every value of a text column is valid UTF-8: the whole buffer is, and no value
/// starts in the middle of a character (so no invalid piece hides behind a neighbour).
fn utf8_column_ok(col: &Column) -> bool {
    if col.ascii {
        return true;
    }
    std::str::from_utf8(&col.data).is_ok() && col.offsets.iter().all(|&o| col.data.get(o as usize).is_none_or(|&b| (b as i8) >= -0x40))
}

/// Fills `cols` (one per kind; vectors cleared first, their capacity kept) with `rows` rows.
fn decode_payloads<'a, I>(kinds: &[Kind], rows: usize, payloads: &mut I, bytes_hint: usize, cols: &mut Vec<Column>) -> Result<(), DecodeFailure>
where
    I: Iterator<Item = Result<&'a [u8], CodecError>>,
{
    let variable = kinds.iter().filter(|k| k.width() == 0).count().max(1);
    cols.resize_with(kinds.len(), Column::default);
    for (c, k) in cols.iter_mut().zip(kinds) {
        c.data.clear();
        c.offsets.clear();
        c.nulls.clear();
        c.null_count = 0;
        c.ascii = false;
        match k.width() {
            0 => {
                c.offsets.reserve(rows + 1);
                c.offsets.push(0);
                // Text columns share the batch's bytes; a fair share avoids most regrowth.
                c.data.reserve(bytes_hint / variable);
            }
            w => c.data.reserve(rows * w),
        }
    }
    for r in 0..rows {
        let p = payloads.next().ok_or_else(|| CodecError::malformed("batch holds fewer row packets than announced"))??;
        let mut pos = 0usize;
        for (c, kind) in kinds.iter().enumerate() {
            let col = &mut cols[c];
            let value = match read_length(p, &mut pos, c)? {
                None => None,
                Some(n) => {
                    let v = p.get(pos..pos + n).ok_or_else(|| CodecError::malformed(format!("value of column {} runs past the end of the row", c + 1)))?;
                    pos += n;
                    Some(v)
                }
            };
            let fallback = || DecodeFailure::Fallback { row: r, column: c };
            let Some(v) = value else {
                mark_null(col, r, rows);
                match kind {
                    Kind::Utf8 | Kind::Bytes => col.offsets.push(col.data.len() as i32),
                    Kind::F32 => put!(col, f32::NAN),
                    Kind::F64 => put!(col, f64::NAN),
                    k => col.data.resize(col.data.len() + k.width(), 0),
                }
                continue;
            };
            match *kind {
                Kind::Utf8 | Kind::Bytes => {
                    // UTF-8 is checked once per column after the loop.
                    col.data.extend_from_slice(v);
                    let off = i32::try_from(col.data.len()).map_err(|_| fallback())?;
                    col.offsets.push(off);
                }
                Kind::I8 => put!(col, textparse::parse_i64(v).and_then(|x| i8::try_from(x).ok()).ok_or_else(fallback)?),
                Kind::U8 => put!(col, textparse::parse_u64(v).and_then(|x| u8::try_from(x).ok()).ok_or_else(fallback)?),
                Kind::I16 => put!(col, textparse::parse_i64(v).and_then(|x| i16::try_from(x).ok()).ok_or_else(fallback)?),
                Kind::U16 => put!(col, textparse::parse_u64(v).and_then(|x| u16::try_from(x).ok()).ok_or_else(fallback)?),
                Kind::I32 => put!(col, textparse::parse_i64(v).and_then(|x| i32::try_from(x).ok()).ok_or_else(fallback)?),
                Kind::U32 => put!(col, textparse::parse_u64(v).and_then(|x| u32::try_from(x).ok()).ok_or_else(fallback)?),
                Kind::I64 => put!(col, textparse::parse_i64(v).ok_or_else(fallback)?),
                Kind::U64 => put!(col, textparse::parse_u64(v).ok_or_else(fallback)?),
                // f64 first, then rounded to f32: the same double rounding as JavaScript's
                // `Float32Array[i] = Number(text)`.
                Kind::F32 => put!(col, textparse::parse_f64(v).ok_or_else(fallback)? as f32),
                Kind::F64 => put!(col, textparse::parse_f64(v).ok_or_else(fallback)?),
                Kind::Decimal128(scale) => put!(col, textparse::parse_decimal(v, scale).ok_or_else(fallback)?),
                Kind::TimestampUs | Kind::Date32 => {
                    let t = if *kind == Kind::Date32 { textparse::parse_date(v) } else { textparse::parse_datetime(v) };
                    match t.ok_or_else(fallback)? {
                        Temporal::Value(x) if *kind == Kind::Date32 => put!(col, i32::try_from(x).map_err(|_| fallback())?),
                        Temporal::Value(x) => put!(col, x),
                        Temporal::Zero => {
                            mark_null(col, r, rows);
                            col.data.resize(col.data.len() + kind.width(), 0);
                        }
                    }
                }
                Kind::DurationUs => put!(col, textparse::parse_time(v).ok_or_else(fallback)?),
                Kind::DateTimeParts => match textparse::parse_datetime(v).ok_or_else(fallback)? {
                    Temporal::Zero => {
                        mark_null(col, r, rows);
                        col.data.resize(col.data.len() + 16, 0);
                    }
                    Temporal::Value(us) => {
                        let digits = v.len().saturating_sub(20) as i64;
                        put!(col, us.div_euclid(1000) as f64);
                        put!(col, (us.rem_euclid(1_000_000) * 8 + digits) as f64);
                    }
                },
            }
        }
        if pos != p.len() {
            return Err(CodecError::malformed(format!("row has {} bytes after the last column", p.len() - pos)).into());
        }
    }
    for (c, (col, kind)) in cols.iter_mut().zip(kinds).enumerate() {
        if matches!(kind, Kind::Utf8 | Kind::Bytes) {
            col.ascii = col.data.is_ascii();
            if *kind == Kind::Utf8 && !utf8_column_ok(col) {
                return Err(DecodeFailure::Fallback { row: 0, column: c });
            }
        }
    }
    Ok(())
}

/// u32 slots per column in `pack_into`'s layout.
pub const PACKED_SLOTS: usize = 6;
/// A layout slot for a region the column does not have.
pub const ABSENT: u32 = u32::MAX;
/// Start of every region in `pack_into`'s output: enough for any typed array over it.
const REGION_ALIGN: usize = 16;

/// Copies decoded columns into one caller-owned buffer, each region 16-byte aligned, and
/// describes them in `layout`, `PACKED_SLOTS` per column: data start, data length, offsets
/// start (`ABSENT` for fixed-width kinds), nulls start (`ABSENT` without NULLs), NULL count,
/// 1 when the data is ASCII. `None` when `out` or `layout` is too small (nothing promised then).
pub fn pack_into(cols: &[Column], kinds: &[Kind], out: &mut [u8], layout: &mut [u32]) -> Option<usize> {
    if layout.len() < cols.len() * PACKED_SLOTS || cols.len() != kinds.len() {
        return None;
    }
    let mut end = 0usize;
    let mut region = |bytes: &[u8]| -> Option<u32> {
        let start = end.div_ceil(REGION_ALIGN) * REGION_ALIGN;
        let stop = start.checked_add(bytes.len())?;
        out.get_mut(start..stop)?.copy_from_slice(bytes);
        end = stop;
        u32::try_from(start).ok()
    };
    for ((col, kind), slots) in cols.iter().zip(kinds).zip(layout.chunks_exact_mut(PACKED_SLOTS)) {
        slots[0] = region(&col.data)?;
        slots[1] = u32::try_from(col.data.len()).ok()?;
        slots[2] = if kind.width() == 0 { region(offsets_bytes(&col.offsets))? } else { ABSENT };
        slots[3] = if col.null_count > 0 { region(&col.nulls)? } else { ABSENT };
        slots[4] = u32::try_from(col.null_count).ok()?;
        slots[5] = u32::from(col.ascii);
    }
    Some(end)
}

/// The offsets' bytes in memory order (little-endian on every target the addon ships for).
fn offsets_bytes(offsets: &[i32]) -> &[u8] {
    // SAFETY: i32 has no padding and any byte pattern is a valid u8; the length is exact.
    unsafe { std::slice::from_raw_parts(offsets.as_ptr().cast::<u8>(), std::mem::size_of_val(offsets)) }
}

impl Column {
    /// Arrow's validity bitmap (bit set = value present, least significant bit first), or
    /// None when nothing is NULL.
    pub fn validity(&self) -> Option<Vec<u8>> {
        if self.null_count == 0 {
            return None;
        }
        let mut bits = vec![0u8; self.nulls.len().div_ceil(8)];
        for (i, &n) in self.nulls.iter().enumerate() {
            if n == 0 {
                bits[i >> 3] |= 1 << (i & 7);
            }
        }
        Some(bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[Option<&[u8]>]) -> Vec<u8> {
        let mut p = Vec::new();
        for c in cells {
            match c {
                None => p.push(0xfb),
                Some(v) if v.len() < 251 => {
                    p.push(v.len() as u8);
                    p.extend_from_slice(v);
                }
                Some(v) => {
                    p.push(0xfc);
                    p.extend_from_slice(&(v.len() as u16).to_le_bytes());
                    p.extend_from_slice(v);
                }
            }
        }
        p
    }

    fn batch(rows: &[Vec<u8>]) -> (Vec<u8>, Vec<u32>) {
        (rows.concat(), rows.iter().map(|r| r.len() as u32).collect())
    }

    #[test]
    fn decodes_every_kind() {
        let kinds = [Kind::I64, Kind::F64, Kind::Utf8, Kind::Decimal128(2), Kind::TimestampUs, Kind::Date32, Kind::DurationUs, Kind::U8];
        let long = vec![b'x'; 300];
        let (p, l) = batch(&[
            row(&[Some(b"-9223372036854775808"), Some(b"1.5"), Some("é😜".as_bytes()), Some(b"-12.34"), Some(b"2024-03-15 10:30:45.123456"), Some(b"2024-03-15"), Some(b"-1:30:00"), Some(b"255")]),
            row(&[None, None, Some(&long), None, Some(b"0000-00-00 00:00:00"), None, None, Some(b"0")]),
        ]);
        let cols = decode_rows(&kinds, &p, &l).unwrap();
        assert_eq!(cols[0].data[..8], i64::MIN.to_le_bytes());
        assert_eq!(cols[0].nulls, vec![0, 1]);
        assert_eq!(cols[1].data[..8], 1.5f64.to_le_bytes());
        assert!(f64::from_le_bytes(cols[1].data[8..16].try_into().unwrap()).is_nan());
        assert_eq!(cols[2].offsets, vec![0, 6, 306]);
        assert_eq!(cols[3].data[..16], (-1234i128).to_le_bytes());
        assert_eq!(cols[4].data[..8], 1_710_498_645_123_456i64.to_le_bytes());
        assert_eq!(cols[4].nulls, vec![0, 1], "the zero date is NULL");
        assert_eq!(cols[5].data[..4], 19797i32.to_le_bytes());
        assert_eq!(cols[6].data[..8], (-5_400_000_000i64).to_le_bytes());
        assert_eq!(cols[7].data, vec![255, 0]);
    }

    #[test]
    fn datetime_parts_for_rows() {
        let (p, l) = batch(&[
            row(&[Some(b"2024-03-15 10:30:45.123456")]),
            row(&[Some(b"1969-12-31 23:59:59.5")]),
            row(&[Some(b"2024-03-15 10:30:45")]),
            row(&[Some(b"0000-00-00 00:00:00")]),
            row(&[None]),
        ]);
        let cols = decode_rows(&[Kind::DateTimeParts], &p, &l).unwrap();
        let f: Vec<f64> = cols[0].data.chunks(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect();
        assert_eq!(f[..6], [1_710_498_645_123.0, (123_456 * 8 + 6) as f64, -500.0, (500_000 * 8 + 1) as f64, 1_710_498_645_000.0, 0.0]);
        assert_eq!(cols[0].nulls, vec![0, 0, 0, 1, 1], "the zero date and NULL");
        for odd in [&b"2024-03-15T10:30:45"[..], b"2024-02-30 00:00:00", b"2024-03-15 10:30:45.", b"0000-00-00 00:00:01"] {
            let (p, l) = batch(&[row(&[Some(odd)])]);
            assert_eq!(decode_rows(&[Kind::DateTimeParts], &p, &l), Err(DecodeFailure::Fallback { row: 0, column: 0 }), "{}", String::from_utf8_lossy(odd));
        }
    }

    #[test]
    fn odd_values_fall_back() {
        let (p, l) = batch(&[row(&[Some(b"300")])]);
        assert_eq!(decode_rows(&[Kind::I8], &p, &l), Err(DecodeFailure::Fallback { row: 0, column: 0 }));
        let (p, l) = batch(&[row(&[Some(b"\xff")])]);
        assert_eq!(decode_rows(&[Kind::Utf8], &p, &l), Err(DecodeFailure::Fallback { row: 0, column: 0 }));
        // Two invalid halves whose concatenation would be valid ("é" split after its lead byte).
        let (p2, l2) = batch(&[row(&[Some(b"a\xc3")]), row(&[Some(b"\xa9b")])]);
        assert!(matches!(decode_rows(&[Kind::Utf8], &p2, &l2), Err(DecodeFailure::Fallback { .. })));
        let (p3, l3) = batch(&[row(&[Some("aé".as_bytes())]), row(&[Some("😜b".as_bytes())])]);
        let ok = decode_rows(&[Kind::Utf8], &p3, &l3).unwrap();
        assert!(!ok[0].ascii);
        let text = Column { data: "aé😜z".as_bytes().to_vec(), offsets: vec![0, 1, 3, 7, 8], ..Column::default() };
        // "a", "é", "😜" (a surrogate pair: two units), "z".
        assert_eq!(text.utf16_offsets(), vec![0, 1, 2, 4, 5]);
        assert!(decode_rows(&[Kind::Bytes], &p, &l).is_ok());
    }

    #[test]
    fn framed_segments_decode_like_bare_payloads() {
        let rows: Vec<Vec<u8>> = (0..5).map(|i| row(&[Some(format!("{i}").as_bytes()), if i % 2 == 0 { None } else { Some(b"x") }])).collect();
        let kinds = [Kind::I64, Kind::Utf8];
        let (p, l) = batch(&rows);
        let expected = decode_rows(&kinds, &p, &l).unwrap();
        let mut framed = Vec::new();
        for (seq, r) in rows[1..4].iter().enumerate() {
            framed.extend_from_slice(&(r.len() as u32).to_le_bytes()[..3]);
            framed.push(seq as u8);
            framed.extend_from_slice(r);
        }
        let segments = [Segment::Payload(&rows[0]), Segment::Framed(&framed), Segment::Payload(&rows[4])];
        assert_eq!(decode_segments(&kinds, &segments, 5).unwrap(), expected);
        assert!(matches!(decode_segments(&kinds, &segments, 6), Err(DecodeFailure::Error(_))), "fewer rows than announced");
        assert!(matches!(decode_segments(&kinds, &segments, 4), Err(DecodeFailure::Error(_))), "more rows than announced");
        let cut = [Segment::Framed(&framed[..framed.len() - 1])];
        assert!(matches!(decode_segments(&kinds, &cut, 3), Err(DecodeFailure::Error(_))), "truncated run");
    }

    #[test]
    fn reused_columns_decode_like_fresh_ones_and_pack_aligned() {
        let kinds = [Kind::I64, Kind::Utf8, Kind::DateTimeParts, Kind::U8];
        let first: Vec<Vec<u8>> = (0..40).map(|i| row(&[Some(format!("{i}").as_bytes()), if i % 3 == 0 { None } else { Some("é".as_bytes()) }, None, Some(b"7")])).collect();
        let second: Vec<Vec<u8>> = (0..3).map(|i| row(&[Some(format!("-{i}").as_bytes()), Some(b"ab"), Some(b"2024-03-15 10:30:45"), Some(b"1")])).collect();
        let mut cols = Vec::new();
        for rows in [&first, &second] {
            let segments: Vec<Segment<'_>> = rows.iter().map(|r| Segment::Payload(r)).collect();
            decode_segments_into(&kinds, &segments, rows.len(), &mut cols).unwrap();
            let (p, l) = batch(rows);
            assert_eq!(cols, decode_rows(&kinds, &p, &l).unwrap(), "a reused column holds nothing of the batch before");
        }
        // The second batch: no NULLs, ASCII text.
        let mut out = vec![0u8; 4096];
        let mut layout = vec![0u32; kinds.len() * PACKED_SLOTS];
        let end = pack_into(&cols, &kinds, &mut out, &mut layout).unwrap();
        for (c, col) in cols.iter().enumerate() {
            let s = &layout[c * PACKED_SLOTS..(c + 1) * PACKED_SLOTS];
            assert_eq!(s[0] % 16, 0);
            assert_eq!(&out[s[0] as usize..(s[0] + s[1]) as usize], &col.data[..]);
            assert_eq!(s[3], ABSENT);
            assert_eq!(s[4], 0);
            if c == 1 {
                let offsets: Vec<i32> = out[s[2] as usize..s[2] as usize + 16].chunks(4).map(|b| i32::from_le_bytes(b.try_into().unwrap())).collect();
                assert_eq!(offsets, vec![0, 2, 4, 6]);
                assert_eq!(s[5], 1, "ASCII");
            } else {
                assert_eq!(s[2], ABSENT);
            }
        }
        assert!(end <= out.len());
        assert_eq!(pack_into(&cols, &kinds, &mut out[..end - 1], &mut layout), None, "one byte short");
        assert_eq!(pack_into(&cols, &kinds, &mut out, &mut layout[..PACKED_SLOTS]), None, "layout too short");
        // NULLs get a mask region.
        let segments: Vec<Segment<'_>> = first.iter().map(|r| Segment::Payload(r)).collect();
        decode_segments_into(&kinds, &segments, first.len(), &mut cols).unwrap();
        pack_into(&cols, &kinds, &mut out, &mut layout).unwrap();
        let s = &layout[PACKED_SLOTS..2 * PACKED_SLOTS];
        assert_eq!(s[4], 14);
        assert_eq!(&out[s[3] as usize..s[3] as usize + 40], &cols[1].nulls[..]);
        assert_eq!(s[5], 0, "not ASCII");
    }

    #[test]
    fn reused_columns_over_random_batches_equal_fresh_decodes() {
        let kinds = [Kind::I64, Kind::Utf8, Kind::F64, Kind::DateTimeParts, Kind::Bytes, Kind::U16, Kind::Decimal128(2)];
        let mut seed = 7u64;
        let mut rnd = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut cols = Vec::new();
        for batch_no in 0..200 {
            let rows: Vec<Vec<u8>> = (0..rnd(300))
                .map(|_| {
                    let cell = |v: String, null: bool| if null { None } else { Some(v.into_bytes()) };
                    let cells = [
                        cell(format!("{}", rnd(1 << 40) as i64 - (1 << 39)), rnd(5) == 0),
                        cell("é".repeat(rnd(4) as usize) + &"x".repeat(rnd(300) as usize), rnd(4) == 0),
                        cell(format!("{}.{}", rnd(100000), rnd(1000)), rnd(6) == 0),
                        cell(format!("2024-0{}-1{} 10:30:4{}.{}", 1 + rnd(9), rnd(10), rnd(10), rnd(1_000_000)), rnd(3) == 0),
                        cell("b".repeat(rnd(20) as usize), rnd(2) == 0),
                        cell(format!("{}", rnd(65536)), rnd(7) == 0),
                        cell(format!("{}.{:02}", rnd(1_000_000), rnd(100)), rnd(8) == 0),
                    ];
                    row(&cells.iter().map(|c| c.as_deref()).collect::<Vec<_>>())
                })
                .collect();
            let segments: Vec<Segment<'_>> = rows.iter().map(|r| Segment::Payload(r)).collect();
            let (p, l) = batch(&rows);
            let fresh = decode_rows(&kinds, &p, &l);
            match decode_segments_into(&kinds, &segments, rows.len(), &mut cols) {
                Ok(()) => assert_eq!(Ok(cols.clone()), fresh, "batch {batch_no}"),
                Err(e) => assert_eq!(Err(e), fresh, "batch {batch_no}"),
            }
        }
    }

    #[test]
    fn malformed_packets_are_errors() {
        let cases: Vec<(Vec<u8>, Vec<u32>)> = vec![
            (vec![5, b'a'], vec![2]),
            (vec![0xfc, 1], vec![2]),
            (vec![0xff], vec![1]),
            (vec![1, b'a', 9], vec![3]),
            (vec![1, b'a'], vec![5]),
            (vec![1, b'a', 0], vec![2]),
            (vec![], vec![0]),
        ];
        for (p, l) in cases {
            match decode_rows(&[Kind::Bytes], &p, &l) {
                Err(DecodeFailure::Error(e)) => assert_eq!(e.kind, crate::ErrorKind::Malformed),
                other => panic!("{p:?} {l:?}: {other:?}"),
            }
        }
    }
}
