//! Times the text-row decoder on `wide`-like rows: `cargo run --release --example wide`.
use s2_codec::textrow::{decode_rows, decode_segments_into, pack_into, Kind, Segment, PACKED_SLOTS};
use std::time::Instant;

fn cell(p: &mut Vec<u8>, v: Option<&[u8]>) {
    match v {
        None => p.push(0xfb),
        Some(v) => {
            p.push(v.len() as u8);
            p.extend_from_slice(v);
        }
    }
}

fn main() {
    let n = 300_000;
    let mut packets = Vec::new();
    let mut lengths = Vec::new();
    for i in 0..n {
        let start = packets.len();
        cell(&mut packets, Some(format!("{}", i + 1).as_bytes()));
        cell(&mut packets, Some(format!("{}", (i * 7919) % 1_000_000).as_bytes()));
        cell(&mut packets, Some(format!("{}", i as f64 * 0.37).as_bytes()));
        cell(&mut packets, Some(format!("{}.{:02}", i % 100000, i % 100).as_bytes()));
        cell(&mut packets, Some(format!("name-{i:08}").as_bytes()));
        cell(&mut packets, if i % 3 == 0 { None } else { Some(b"some longer text value for the row") });
        cell(&mut packets, Some(b"2024-03-15 10:30:45.123456"));
        cell(&mut packets, Some(format!("{{\"k\": {i}, \"v\": \"x\"}}").as_bytes()));
        lengths.push((packets.len() - start) as u32);
    }
    let all = [Kind::I64, Kind::I32, Kind::F64, Kind::Decimal128(2), Kind::Utf8, Kind::Utf8, Kind::TimestampUs, Kind::Utf8];
    for probe in 0..9 {
        let mut kinds = all;
        if probe < 8 { for (j, k) in kinds.iter_mut().enumerate() { if j != probe { *k = Kind::Bytes; } } } 
        let t = Instant::now();
        decode_rows(&kinds, &packets, &lengths).unwrap();
        println!("only column {probe} typed: {:.0} ns/row", t.elapsed().as_nanos() as f64 / n as f64);
    }
    // The row path: doubles for the float column, DATETIME as the parts SqlDateTime needs, text as bytes.
    let rows_kinds = [Kind::I64, Kind::I32, Kind::F64, Kind::Bytes, Kind::Bytes, Kind::Bytes, Kind::DateTimeParts, Kind::Bytes];
    // In batches of 4,096 rows, as the wire hands them over (no page faults of one huge batch).
    let mut starts = vec![0usize];
    for l in &lengths {
        starts.push(starts.last().unwrap() + *l as usize);
    }
    for _ in 0..3 {
        let t = Instant::now();
        for b in (0..n).step_by(4096) {
            let e = (b + 4096).min(n);
            decode_rows(&rows_kinds, &packets[starts[b]..starts[e]], &lengths[b..e]).unwrap();
        }
        println!("row kinds, 4,096-row batches: {:.0} ns/row", t.elapsed().as_nanos() as f64 / n as f64);
    }
    // The row path as the addon runs it: columns kept between batches, packed into one buffer.
    let mut cols = Vec::new();
    let mut out = vec![0u8; 4 << 20];
    let mut layout = vec![0u32; rows_kinds.len() * PACKED_SLOTS];
    for _ in 0..3 {
        let t = Instant::now();
        for b in (0..n).step_by(4096) {
            let e = (b + 4096).min(n);
            let segments: Vec<Segment<'_>> = (b..e).map(|r| Segment::Payload(&packets[starts[r]..starts[r + 1]])).collect();
            decode_segments_into(&rows_kinds, &segments, e - b, &mut cols).unwrap();
            pack_into(&cols, &rows_kinds, &mut out, &mut layout).unwrap();
        }
        println!("row kinds, 4,096-row batches, reused columns packed into one buffer: {:.0} ns/row", t.elapsed().as_nanos() as f64 / n as f64);
    }
    let kinds = all;
    let reps: usize = std::env::var("REPS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    for _ in 0..reps {
        let t = Instant::now();
        let cols = decode_rows(&kinds, &packets, &lengths).unwrap();
        let el = t.elapsed();
        println!("{} rows, {} bytes: {:?} ({:.0} ns/row), {} cols", n, packets.len(), el, el.as_nanos() as f64 / n as f64, cols.len());
    }
}
