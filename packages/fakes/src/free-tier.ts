import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';

/** What the fake's session endpoint hands out; defaults point at nothing in particular. */
export interface FreeTierSession {
  user: string;
  password: string;
  databaseName: string;
  endpoint: string;
  workspaceID: string;
}

export interface FreeTierFakeOptions {
  /** Loopback port to listen on (default: a free one). */
  port?: number;
  /** Fields of the session answer (merged over defaults). */
  session?: Partial<FreeTierSession>;
}

/** One request the fake saw, for assertions. */
export interface FreeTierRequest {
  path: string;
  cookie: string | null;
}

export interface FreeTierFake {
  /** Base URL to pass as `startFreeTier({ baseUrl })`. */
  url: string;
  requests: FreeTierRequest[];
  /** Session ids handed out, and those terminated. */
  issued: string[];
  terminated: string[];
  /** The next session answer: 'ok', an HTTP error status, or a body that is not JSON. */
  nextAnswer: 'ok' | 'error' | 'not-json';
  close(): Promise<void>;
}

/**
 * A stand-in for the free-tier session service: `GET /api/session` issues a session with a
 * `userSessionID` cookie, `GET /api/terminate` ends the session its cookie names.
 */
export async function startFreeTierFake(options: FreeTierFakeOptions = {}): Promise<FreeTierFake> {
  const app = Fastify({ logger: false });
  const fake: FreeTierFake = {
    url: '',
    requests: [],
    issued: [],
    terminated: [],
    nextAnswer: 'ok',
    close: () => app.close(),
  };
  const session: FreeTierSession = {
    user: 'free_user',
    password: 'free-pass word',
    databaseName: 'db_free',
    endpoint: 'svc-free-shared-dml.aws-virginia-2.svc.singlestore.com',
    workspaceID: randomUUID(),
    ...options.session,
  };

  app.addHook('onRequest', async (req) => {
    fake.requests.push({ path: req.url, cookie: req.headers.cookie ?? null });
  });
  app.get('/api/session', async (_req, reply) => {
    const answer = fake.nextAnswer;
    fake.nextAnswer = 'ok';
    if (answer === 'error') return reply.code(503).send({ error: 'no capacity' });
    if (answer === 'not-json') return reply.type('text/html').send('<html>maintenance</html>');
    const id = randomUUID();
    fake.issued.push(id);
    reply.header('set-cookie', [`userSessionID=${id}; Path=/; HttpOnly; Secure`, 'theme=dark; Path=/']);
    return session;
  });
  app.get('/api/terminate', async (req, reply) => {
    const id = /(?:^|;\s*)userSessionID=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];
    if (!id || !fake.issued.includes(id)) return reply.code(401).send({ error: 'unknown session' });
    fake.terminated.push(id);
    return { ok: true };
  });

  fake.url = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  return fake;
}
