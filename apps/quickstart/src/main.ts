/**
 * Quick start: connect, create a table, insert with parameters, read it back in two shapes.
 * Uses SINGLESTOREDB_URL when set; otherwise starts a throwaway MariaDB and removes it after.
 */
import { connect, nativeStatus } from '@s2/core';
import { startMariaDb } from '@s2/testing';

async function withServer<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const configured = process.env.SINGLESTOREDB_URL;
  if (configured) return fn(configured);
  console.log('SINGLESTOREDB_URL is not set: starting a throwaway MariaDB for this example…');
  const server = await startMariaDb();
  try {
    return await fn(`${server.info.url}/${server.info.database}`);
  } finally {
    await server.stop();
  }
}

await withServer(async (url) => {
  await using conn = await connect(url); // e.g. mysql://user:pw@host:3306/db
  const [[version]] = (await conn.query('SELECT VERSION()')) as [[string]];
  console.log(`connected to ${version}`);
  // Which decoder this connection uses: the Rust accelerator (@s2/native) or the TypeScript one, and why.
  console.log(`decoder: ${conn.decoder.kind === 'native' ? 'native (Rust accelerator)' : 'TypeScript'}: ${nativeStatus().source}`);

  await conn.query('CREATE TEMPORARY TABLE animals (id BIGINT PRIMARY KEY, name TEXT, weight DECIMAL(10,3))');
  await conn.query('INSERT INTO animals VALUES (?, ?, ?), (?, ?, ?)', [1, 'antelope', '52.125', 2n ** 60n, 'blue whale', '150000.000']);

  const cursor = conn.cursor();
  await cursor.execute('SELECT id, name, weight FROM animals ORDER BY id');
  console.log('columns:', cursor.description?.map((d) => d.name).join(', '));
  for await (const row of cursor) console.log('row:', row);

  const objects = await conn.query('SELECT name, weight FROM animals WHERE id = :id', { id: 1 }, { resultsType: 'objects' });
  console.log('as objects:', objects);
});
