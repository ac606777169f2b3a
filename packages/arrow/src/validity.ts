/** Validity bitmap (1 = valid, least significant bit first) from a NULL mask. */
export function validity(nulls: Uint8Array | null, length: number): { nullBitmap?: Uint8Array; nullCount: number } {
  if (!nulls) return { nullCount: 0 };
  const bitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    if (nulls[i]) nullCount++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return nullCount ? { nullBitmap: bitmap, nullCount } : { nullCount: 0 };
}
