/** The floor for any Data API client: one request and a plain JSON.parse, no typing of values. */
import { request } from 'undici';
import { measure, readConfig } from './measure.js';

const config = readConfig();
const url = `http://127.0.0.1:${config.httpPort}/api/v2/query/tuples`;
const headers = { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${config.user}:${config.password}`).toString('base64')}` };
const body = JSON.stringify({ sql: config.sql, database: config.database });

await measure(async () => {
  let text: string;
  if (config.mode === 'undici') {
    const res = await request(url, { method: 'POST', headers, body });
    text = await res.body.text();
  } else {
    const res = await fetch(url, { method: 'POST', headers, body });
    text = await res.text();
  }
  const parsed = JSON.parse(text) as { results: { rows: unknown[] }[] };
  return parsed.results[0].rows.length;
});
