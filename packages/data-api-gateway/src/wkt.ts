/**
 * Well-known text for a geometry in MySQL's storage form (a 4-byte SRID, then WKB), which is
 * what MySQL-protocol servers send for spatial columns. The Data API carries spatial values as
 * WKT. Returns null when the bytes are not a geometry this reader knows.
 */
export function wktFromMysqlGeometry(bytes: Uint8Array): string | null {
  if (bytes.length < 9) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 4;
  const num = (x: number) => (Object.is(x, -0) ? '0' : String(x));
  function geometry(depth: number): string {
    if (depth > 32 || at + 5 > bytes.length) throw new RangeError('truncated');
    const little = bytes[at] === 1;
    const type = view.getUint32(at + 1, little) % 1000;
    at += 5;
    const u32 = () => {
      const v = view.getUint32(at, little);
      at += 4;
      return v;
    };
    const point = () => {
      const x = view.getFloat64(at, little);
      const y = view.getFloat64(at + 8, little);
      at += 16;
      return `${num(x)} ${num(y)}`;
    };
    const points = () => {
      const n = u32();
      if (n * 16 > bytes.length - at) throw new RangeError('truncated');
      return `(${Array.from({ length: n }, point).join(',')})`;
    };
    const rings = () => `(${Array.from({ length: u32() }, points).join(',')})`;
    const parts = (inner: () => string) =>
      `(${Array.from({ length: u32() }, () => {
        at += 5;
        return inner();
      }).join(',')})`;
    switch (type) {
      case 1:
        return `POINT(${point()})`;
      case 2:
        return `LINESTRING${points()}`;
      case 3:
        return `POLYGON${rings()}`;
      case 4:
        return `MULTIPOINT${parts(() => point())}`;
      case 5:
        return `MULTILINESTRING${parts(points)}`;
      case 6:
        return `MULTIPOLYGON${parts(rings)}`;
      case 7:
        return `GEOMETRYCOLLECTION(${Array.from({ length: u32() }, () => geometry(depth + 1)).join(',')})`;
      default:
        throw new RangeError(`geometry type ${type}`);
    }
  }
  try {
    const text = geometry(0);
    return at === bytes.length ? text : null;
  } catch {
    return null;
  }
}
