/**
 * Child process: the floors of the measurement, servers that answer every POST with the
 * request body, doing no decoding and no work. `S2_ECHO=node` (default) is a bare node:http
 * server, what any HTTP server in Node needs at least per request on this machine with the same
 * client; `S2_ECHO=fastify` is a fastify app with the same body parser and route shape as
 * @s2/udf's, the least a fastify server (which the UDF server is) needs.
 * Prints one JSON line `{"port": N}` on stdout when it listens.
 */
import { createServer } from 'node:http';
import Fastify from 'fastify';

const port = Number(process.env.BENCH_PORT ?? 0);
const announce = (address: ReturnType<ReturnType<typeof createServer>['address']>) =>
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);

if (process.env.S2_ECHO === 'fastify') {
  const app = Fastify({ logger: false, bodyLimit: 256 << 20 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/invoke', async (req, reply) =>
    reply
      .code(200)
      .type(req.headers['content-type'] ?? 'application/octet-stream')
      .send(req.body as Buffer),
  );
  await app.listen({ host: '127.0.0.1', port });
  announce(app.server.address());
  process.on('SIGTERM', () => {
    void app.close().then(() => process.exit(0));
  });
} else {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream', 'content-length': body.length });
      res.end(body);
    });
  });
  server.listen(port, '127.0.0.1', () => announce(server.address()));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
