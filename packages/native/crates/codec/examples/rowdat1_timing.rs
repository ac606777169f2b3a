//! Times ROWDAT_1 decode and encode of a 10,000-row batch (the UDF benchmark's size) without
//! any JavaScript: `cargo run --release --example rowdat1_timing`.
use s2_codec::rowdat1::{decode, encode, Element, Source};
use std::time::Instant;

const ROWS: usize = 10_000;
const ROUNDS: usize = 2_000;

fn per_batch(label: &str, mut f: impl FnMut()) {
    let t = Instant::now();
    for _ in 0..ROUNDS {
        f();
    }
    println!("{label}: {:.1} us per batch", t.elapsed().as_secs_f64() * 1e6 / ROUNDS as f64);
}

fn main() {
    let mut ints = Vec::new();
    for i in 0..ROWS as i64 {
        ints.extend_from_slice(&i.to_le_bytes());
        ints.push(0);
        ints.extend_from_slice(&(i * 3).to_le_bytes());
    }
    per_batch("BIGINT decode", || drop(std::hint::black_box(decode(&[8], std::hint::black_box(&ints)).unwrap())));
    let batch = decode(&[8], &ints).unwrap();
    per_batch("BIGINT encode", || {
        let src = [Source { code: 8, element: Some(Element::I64), data: &batch.columns[0].data, offsets: &[], nulls: &[] }];
        drop(std::hint::black_box(encode(&batch.row_ids, &src).unwrap()));
    });

    // One value in ten non-ASCII, like the benchmark's TEXT column.
    let mut text = Vec::new();
    for i in 0..ROWS {
        text.extend_from_slice(&(i as i64).to_le_bytes());
        text.push(0);
        let s = if i % 10 == 0 { format!("value number {i} é") } else { format!("value number {i}") };
        text.extend_from_slice(&(s.len() as i64).to_le_bytes());
        text.extend_from_slice(s.as_bytes());
    }
    per_batch("TEXT decode + UTF-16 offsets", || {
        let b = decode(&[254], std::hint::black_box(&text)).unwrap();
        drop(std::hint::black_box(b.columns[0].utf16_offsets()));
    });
}
