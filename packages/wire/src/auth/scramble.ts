import { constants, createHash, publicEncrypt } from 'node:crypto';

const sha1 = (...parts: Uint8Array[]) => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
};
const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

function xor(a: Buffer, b: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i % b.length];
  return out;
}

/** mysql_native_password: SHA1(pw) XOR SHA1(salt ‖ SHA1(SHA1(pw))). */
export function nativePasswordScramble(password: Uint8Array, salt: Uint8Array): Buffer {
  if (password.length === 0) return Buffer.alloc(0);
  const stage1 = sha1(password);
  return xor(stage1, sha1(salt.subarray(0, 20), sha1(stage1)));
}

/** caching_sha2_password fast path: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) ‖ salt). */
export function cachingSha2Scramble(password: Uint8Array, salt: Uint8Array): Buffer {
  if (password.length === 0) return Buffer.alloc(0);
  const p1 = sha256(password);
  return xor(p1, sha256(sha256(p1), salt.subarray(0, 20)));
}

/** RSA path of sha256_password / caching_sha2 full auth: (pw ‖ NUL) XOR salt, RSA-OAEP(SHA-1). */
export function rsaEncryptPassword(password: Uint8Array, salt: Uint8Array, publicKeyPem: string): Buffer {
  const plain = Buffer.concat([password, Buffer.from([0])]);
  const mixed = xor(plain, salt.subarray(0, 20));
  return publicEncrypt({ key: publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, mixed);
}
