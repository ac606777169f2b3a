/** The floor for any Data API client: one fetch and a plain JSON.parse, no typing of values. */
import { measure, readConfig } from './measure.js';

const config = readConfig();

await measure(async () => {
  const res = await fetch(`http://127.0.0.1:${config.httpPort}/api/v2/query/tuples`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${config.user}:${config.password}`).toString('base64')}` },
    body: JSON.stringify({ sql: config.sql, database: config.database }),
  });
  const body = JSON.parse(await res.text()) as { results: { rows: unknown[] }[] };
  return body.results[0].rows.length;
});
