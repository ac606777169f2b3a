//! Strict parsers for the text forms MySQL-compatible servers write. Anything outside the
//! canonical shapes returns `None`: the caller then leaves the batch to the TypeScript decoder,
//! whose (more forgiving) rules are the reference, so both paths always agree.

#[inline]
fn digits(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(u8::is_ascii_digit)
}

#[inline]
fn num(b: &[u8]) -> u32 {
    b.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
}

/// `[-]digits` that fits an i64.
pub fn parse_i64(b: &[u8]) -> Option<i64> {
    let (neg, body) = match b.first()? {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    if !digits(body) || body.len() > 19 {
        return None;
    }
    let mut v: i128 = 0;
    for d in body {
        v = v * 10 + i128::from(d - b'0');
    }
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}

/// `digits` that fits a u64.
pub fn parse_u64(b: &[u8]) -> Option<u64> {
    if !digits(b) || b.len() > 20 {
        return None;
    }
    let mut v: u128 = 0;
    for d in b {
        v = v * 10 + u128::from(d - b'0');
    }
    u64::try_from(v).ok()
}

/// Decimal floating-point text in the grammar where Rust's and JavaScript's parsers are both
/// correctly rounded: `[-+]? (d+ [. d*] | . d+) ([eE] [-+]? d+)?`.
pub fn parse_f64(b: &[u8]) -> Option<f64> {
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut mantissa_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        mantissa_digits += i - frac_start;
    }
    if mantissa_digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    if let Some(v) = plain_f64(b) {
        return Some(v);
    }
    std::str::from_utf8(b).ok()?.parse::<f64>().ok()
}

/// Powers of ten that are exact doubles.
const EXACT_POW10: [f64; 23] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/// `[-+]? d+ [. d*]` (already validated) with at most 15 digits in all, without an exponent: the
/// digits as an integer below 2^53 divided by an exact power of ten is one correctly rounded
/// operation (Clinger's fast path), the value JavaScript's Number() gives. None otherwise.
fn plain_f64(b: &[u8]) -> Option<f64> {
    let (neg, body) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut frac: Option<usize> = None;
    for &c in body {
        match c {
            b'0'..=b'9' => {
                if digits == 15 {
                    return None;
                }
                mantissa = mantissa * 10 + u64::from(c - b'0');
                digits += 1;
                if let Some(f) = frac.as_mut() {
                    *f += 1;
                }
            }
            b'.' if frac.is_none() => frac = Some(0),
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    let v = mantissa as f64 / EXACT_POW10[frac.unwrap_or(0)];
    Some(if neg { -v } else { v })
}

/// `[-]d*[.d*]` scaled to `scale` digits as a 128-bit integer; extra non-zero digits or more
/// than 38 significant digits are refused.
pub fn parse_decimal(b: &[u8], scale: u32) -> Option<i128> {
    let (neg, body) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    let (int_part, frac_part) = match body.iter().position(|&c| c == b'.') {
        Some(p) => (&body[..p], &body[p + 1..]),
        None => (body, &body[..0]),
    };
    if !int_part.iter().all(u8::is_ascii_digit) || !frac_part.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if int_part.is_empty() && frac_part.is_empty() {
        // The TypeScript rule reads '' and '-' as zero; only canonical server output is handled here.
        return None;
    }
    let scale = scale as usize;
    if frac_part.len() > scale && frac_part[scale..].iter().any(|&d| d != b'0') {
        return None;
    }
    let mut v: i128 = 0;
    let mut significant = 0usize;
    let push = |v: &mut i128, significant: &mut usize, d: u8| -> Option<()> {
        if *v != 0 || d != b'0' {
            *significant += 1;
        }
        if *significant > 38 {
            return None;
        }
        *v = *v * 10 + i128::from(d - b'0');
        Some(())
    };
    for &d in int_part {
        push(&mut v, &mut significant, d)?;
    }
    for k in 0..scale {
        push(&mut v, &mut significant, *frac_part.get(k).unwrap_or(&b'0'))?;
    }
    Some(if neg { -v } else { v })
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn valid_date(y: i64, m: u32, d: u32) -> bool {
    const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d < 1 {
        return false;
    }
    let max = if m == 2 && leap(y) { 29 } else { DAYS[(m - 1) as usize] };
    d <= max
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Result of reading a temporal cell: a value, the zero date (NULL), or not canonical.
#[derive(Debug, PartialEq, Eq)]
pub enum Temporal {
    Value(i64),
    Zero,
}

/// `YYYY-MM-DD` → days since the epoch.
pub fn parse_date(b: &[u8]) -> Option<Temporal> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(&b[..4]) || !digits(&b[5..7]) || !digits(&b[8..]) {
        return None;
    }
    let (y, m, d) = (num(&b[..4]), num(&b[5..7]), num(&b[8..]));
    if y == 0 && m == 0 && d == 0 {
        return Some(Temporal::Zero);
    }
    if !valid_date(i64::from(y), m, d) {
        return None;
    }
    Some(Temporal::Value(days_from_civil(i64::from(y), m, d)))
}

/// Fraction digits (1–6) after a dot, as microseconds.
fn micros(frac: &[u8]) -> Option<i64> {
    if frac.is_empty() || frac.len() > 6 || !digits(frac) {
        return None;
    }
    let mut v = i64::from(num(frac));
    for _ in frac.len()..6 {
        v *= 10;
    }
    Some(v)
}

/// `YYYY-MM-DD HH:MM:SS[.f{1,6}]` → microseconds since the epoch, the fields read as UTC.
pub fn parse_datetime(b: &[u8]) -> Option<Temporal> {
    if b.len() < 19 || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let frac = match b.len() {
        19 => 0,
        _ if b[19] == b'.' => micros(&b[20..])?,
        _ => return None,
    };
    let (h, mi, s) = (&b[11..13], &b[14..16], &b[17..19]);
    if !digits(h) || !digits(mi) || !digits(s) {
        return None;
    }
    let (h, mi, s) = (num(h), num(mi), num(s));
    match parse_date(&b[..10])? {
        Temporal::Zero if h == 0 && mi == 0 && s == 0 && frac == 0 => Some(Temporal::Zero),
        Temporal::Zero => None,
        Temporal::Value(days) => {
            if h > 23 || mi > 59 || s > 59 {
                return None;
            }
            let secs = days * 86_400 + i64::from(h * 3600 + mi * 60 + s);
            Some(Temporal::Value(secs * 1_000_000 + frac))
        }
    }
}

/// `[-]H{1,3}:MM:SS[.f{1,6}]` → signed microseconds.
pub fn parse_time(b: &[u8]) -> Option<i64> {
    let (neg, body) = match b.first()? {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    let colon = body.iter().position(|&c| c == b':')?;
    if colon == 0 || colon > 3 || body.len() < colon + 6 || body[colon + 3] != b':' {
        return None;
    }
    let (h, mi, s) = (&body[..colon], &body[colon + 1..colon + 3], &body[colon + 4..colon + 6]);
    if !digits(h) || !digits(mi) || !digits(s) {
        return None;
    }
    let frac = match &body[colon + 6..] {
        [] => 0,
        [b'.', rest @ ..] => micros(rest)?,
        _ => return None,
    };
    let (h, mi, s) = (i64::from(num(h)), num(mi), num(s));
    if mi > 59 || s > 59 {
        return None;
    }
    let total = ((h * 60 + i64::from(mi)) * 60 + i64::from(s)) * 1_000_000 + frac;
    Some(if neg { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"-1"), None);
        assert_eq!(parse_i64(b""), None);
        assert_eq!(parse_i64(b"-"), None);
        assert_eq!(parse_i64(b"1 "), None);
    }

    #[test]
    fn floats() {
        assert_eq!(parse_f64(b"1.5"), Some(1.5));
        assert_eq!(parse_f64(b"-1e-5"), Some(-1e-5));
        assert_eq!(parse_f64(b".5"), Some(0.5));
        assert_eq!(parse_f64(b"5."), Some(5.0));
        assert_eq!(parse_f64(b"inf"), None);
        assert_eq!(parse_f64(b""), None);
        assert_eq!(parse_f64(b"1e"), None);
        assert_eq!(parse_f64(b"1.7976931348623157e308"), Some(f64::MAX));
        assert_eq!(parse_f64(b"-0.0").map(f64::to_bits), Some((-0.0f64).to_bits()));
        // The fast path gives the bits the general parser gives, over digit counts, fraction
        // lengths and signs around its limits.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits = 1 + (seed % 17) as usize;
            let all = format!("{:017}", seed >> 8);
            let body = &all[all.len() - digits..];
            let point = (seed >> 40) as usize % (digits + 1);
            let sign = ["", "-", "+"][(seed >> 50) as usize % 3];
            let text = format!("{sign}{}.{}", &body[..point], &body[point..]);
            let text = if point == 0 { format!("{sign}0{}", &text[sign.len()..]) } else { text };
            let expected: f64 = text.parse().unwrap();
            assert_eq!(parse_f64(text.as_bytes()).map(f64::to_bits), Some(expected.to_bits()), "{text}");
        }
    }

    #[test]
    fn decimals() {
        assert_eq!(parse_decimal(b"-99.99", 2), Some(-9999));
        assert_eq!(parse_decimal(b"12", 3), Some(12000));
        assert_eq!(parse_decimal(b"1.500", 1), Some(15));
        assert_eq!(parse_decimal(b"1.55", 1), None);
        assert_eq!(parse_decimal(b"99999999999999999999999999999999999999", 0), Some(99_999_999_999_999_999_999_999_999_999_999_999_999));
        assert_eq!(parse_decimal(b"999999999999999999999999999999999999999", 0), None);
        assert_eq!(parse_decimal(b"1e5", 0), None);
    }

    #[test]
    fn temporals() {
        assert_eq!(parse_date(b"1970-01-01"), Some(Temporal::Value(0)));
        assert_eq!(parse_date(b"0001-01-01"), Some(Temporal::Value(-719_162)));
        assert_eq!(parse_date(b"0000-00-00"), Some(Temporal::Zero));
        assert_eq!(parse_date(b"2023-02-29"), None);
        assert_eq!(parse_datetime(b"2024-03-15 10:30:45.123456"), Some(Temporal::Value(1_710_498_645_123_456)));
        assert_eq!(parse_datetime(b"1969-12-31 23:59:59.5"), Some(Temporal::Value(-500_000)));
        assert_eq!(parse_datetime(b"0000-00-00 00:00:00"), Some(Temporal::Zero));
        assert_eq!(parse_datetime(b"2024-03-15 24:00:00"), None);
        assert_eq!(parse_time(b"-838:59:59.000001"), Some(-(838 * 3600 + 59 * 60 + 59) * 1_000_000 - 1));
        assert_eq!(parse_time(b"00:00:00.5"), Some(500_000));
        assert_eq!(parse_time(b"1:60:00"), None);
        assert_eq!(parse_time(b"1234:00:00"), None);
    }
}
