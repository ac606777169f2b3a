import { createHash } from 'node:crypto';

/**
 * MariaDB's client_ed25519 signs the server's nonce with an Ed25519 key whose "seed" is the
 * password itself, of any length. Node's crypto only takes 32-byte seeds, so the group
 * arithmetic is done here with BigInt (one signature per login; speed is irrelevant).
 */
const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const mod = (a: bigint, m = P) => ((a % m) + m) % m;

function pow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = mod(result * b);
    b = mod(b * b);
    e >>= 1n;
  }
  return result;
}
const inv = (a: bigint) => pow(a, P - 2n);
const D = mod(-121665n * inv(121666n));
const D2 = mod(2n * D);

/** Extended coordinates (X:Y:Z:T) with x = X/Z, y = Y/Z, xy = T/Z. */
type Point = [bigint, bigint, bigint, bigint];
const BASE: Point = (() => {
  const x = 15112221349535400772501151409588531511454012693041857206046113283949847762202n;
  const y = 46316835694926478169428394003475163141307993866256225615783033603165251855960n;
  return [x, y, 1n, mod(x * y)];
})();

function add(p: Point, q: Point): Point {
  const [x1, y1, z1, t1] = p;
  const [x2, y2, z2, t2] = q;
  const a = mod((y1 - x1) * (y2 - x2));
  const b = mod((y1 + x1) * (y2 + x2));
  const c = mod(t1 * D2 * t2);
  const d = mod(z1 * 2n * z2);
  const e = b - a;
  const f = d - c;
  const g = d + c;
  const h = b + a;
  return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)];
}

function multiply(scalar: bigint, point: Point): Point {
  let result: Point = [0n, 1n, 1n, 0n];
  let addend = point;
  let s = scalar;
  while (s > 0n) {
    if (s & 1n) result = add(result, addend);
    addend = add(addend, addend);
    s >>= 1n;
  }
  return result;
}

function encodePoint([x, y, z]: Point): Buffer {
  const zi = inv(z);
  const ax = mod(x * zi);
  const ay = mod(y * zi);
  const out = Buffer.alloc(32);
  let v = ay;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (ax & 1n) out[31] |= 0x80;
  return out;
}

const leToBigInt = (b: Uint8Array) => {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
};
const sha512 = (...parts: Uint8Array[]) => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};

function scalarToBytes(s: bigint): Buffer {
  const out = Buffer.alloc(32);
  let v = s;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Ed25519 signature of `message` with the key derived from `seed` (RFC 8032, any seed length). */
export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Buffer {
  const h = sha512(seed);
  const a = Buffer.from(h.subarray(0, 32));
  a[0] &= 248;
  a[31] &= 127;
  a[31] |= 64;
  const scalar = leToBigInt(a);
  const publicKey = encodePoint(multiply(scalar, BASE));
  const r = mod(leToBigInt(sha512(h.subarray(32), message)), L);
  const R = encodePoint(multiply(r, BASE));
  const k = mod(leToBigInt(sha512(R, publicKey, message)), L);
  const S = mod(r + k * scalar, L);
  return Buffer.concat([R, scalarToBytes(S)]);
}
