import { connect } from '@s2/core';
import { measure, readConfig } from './measure.js';

const config = readConfig();
const url = `mysql://${encodeURIComponent(config.user)}:${encodeURIComponent(config.password)}@${config.host}:${config.port}/${config.database}?ssl_disabled=true`;
// mode 'cols:<batchRows>': s2's columns stream of the query, frames of that many rows.
// mode 'floor:<batchRows>': after connecting, the same 1M `wide` rows built as columns frames in
// plain JS with the same column kinds and no driver at all: what holding one frame at a time
// costs whoever makes it (see columns-floor.ts).
const [kind, n] = config.mode.split(':');
const batchRows = Number(n);
await measure(async () => {
  const conn = await connect(url, { pureJs: false });
  let rows = 0;
  if (kind === 'cols') {
    for await (const frame of conn.streamFrames<{ length: number }>(config.sql, [], { resultsType: 'columns', batchRows })) rows += frame.length;
  } else {
    const base = Date.UTC(2024, 4, 6, 7, 8, 9);
    for (let start = 1; start <= 1_000_000; start += batchRows) {
      const len = Math.min(batchRows, 1_000_001 - start);
      const id = new Float64Array(len);
      const i32 = new Int32Array(len);
      const d = new Float64Array(len);
      const amount: string[] = new Array(len);
      const name: string[] = new Array(len);
      const note: (string | null)[] = new Array(len);
      const ts: Date[] = new Array(len);
      const doc: string[] = new Array(len);
      for (let k = 0; k < len; k++) {
        const seq = start + k;
        id[k] = seq;
        i32[k] = seq % 1000;
        d[k] = seq / 7;
        amount[k] = `${seq % 100000}.25`;
        name[k] = `name-${seq}`;
        note[k] = seq % 3 === 0 ? null : `text ${seq}`;
        ts[k] = new Date(base + seq * 1000);
        doc[k] = `{"k":${seq}}`;
      }
      const frame = { length: len, columns: [id, i32, d, amount, name, note, ts, doc] };
      rows += frame.length;
    }
  }
  await conn.close();
  return rows;
});
