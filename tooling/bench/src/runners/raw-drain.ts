/**
 * The physical limit: log in, send the query, and walk the packet headers of the result until
 * the final EOF without decoding a single value.
 */
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { measure, readConfig } from './measure.js';

const config = readConfig();

function nativeScramble(password: string, salt: Buffer): Buffer {
  if (!password) return Buffer.alloc(0);
  const sha1 = (b: Buffer) => createHash('sha1').update(b).digest();
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  const stage2 = sha1(stage1);
  const mix = sha1(Buffer.concat([salt.subarray(0, 20), stage2]));
  for (let i = 0; i < mix.length; i++) mix[i] ^= stage1[i];
  return mix;
}

function packet(seq: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = seq;
  return Buffer.concat([header, payload]);
}

/** Pulls whole packets out of the socket; only used for the (tiny) login exchange. */
function packetReader(socket: Socket) {
  let pending = Buffer.alloc(0);
  const waiters: ((p: Buffer) => void)[] = [];
  const onData = (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readUIntLE(0, 3) && waiters.length) {
      const len = pending.readUIntLE(0, 3);
      const p = pending.subarray(4, 4 + len);
      pending = pending.subarray(4 + len);
      waiters.shift()!(p);
    }
  };
  socket.on('data', onData);
  return {
    next: () => new Promise<Buffer>((resolve) => { waiters.push(resolve); onData(Buffer.alloc(0)); }),
    detach: () => { socket.off('data', onData); return pending; },
  };
}

async function login(socket: Socket): Promise<Buffer> {
  const reader = packetReader(socket);
  const hs = await reader.next();
  let pos = hs.indexOf(0, 1) + 1 + 4;
  const salt1 = hs.subarray(pos, pos + 8);
  pos += 8 + 1 + 2 + 1 + 2 + 2;
  const authLen = hs[pos];
  pos += 1 + 10;
  const salt2 = hs.subarray(pos, pos + Math.max(12, authLen - 9));
  const salt = Buffer.concat([salt1, salt2]);
  const flags = 0x1 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x20000 | 0x80000;
  const head = Buffer.alloc(32);
  head.writeUInt32LE(flags, 0);
  head.writeUInt32LE(0xffffff, 4);
  head[8] = 45;
  const auth = nativeScramble(config.password, salt);
  const body = Buffer.concat([
    head,
    Buffer.from(`${config.user}\0`),
    Buffer.from([auth.length]),
    auth,
    Buffer.from(`${config.database}\0mysql_native_password\0`),
  ]);
  socket.write(packet(1, body));
  const reply = await reader.next();
  if (reply[0] !== 0) throw new Error(`login failed: ${reply.subarray(9).toString()}`);
  return reader.detach();
}

await measure(async () => {
  const socket = connect({ host: config.host, port: config.port, noDelay: true });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const leftover = await login(socket);
  if (leftover.length) throw new Error('unexpected bytes after login');
  // States: 0 header, 1 column definitions (+EOF), 2 rows until EOF.
  let state = 0;
  let columnsLeft = 0;
  let rows = 0;
  let buf: Buffer = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      let off = 0;
      while (buf.length - off >= 4) {
        const len = buf.readUIntLE(off, 3);
        if (buf.length - off < 4 + len) break;
        const first = buf[off + 4];
        off += 4 + len;
        if (first === 0xff && state !== 2) return reject(new Error('query failed'));
        if (state === 0) { columnsLeft = first; state = 1; }
        else if (state === 1) { if (columnsLeft-- === 0) state = 2; }
        else if (first === 0xfe && len < 9) { socket.destroy(); return resolve(); }
        else rows++;
      }
      buf = buf.subarray(off);
    });
    socket.once('error', reject);
    socket.write(packet(0, Buffer.concat([Buffer.from([0x03]), Buffer.from(config.sql)])));
  });
  return rows;
});
