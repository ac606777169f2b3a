import { Agent, request } from 'node:http';
import { CONTENT_TYPE, type Batch, type Format } from './payloads.js';

/** One keep-alive HTTP client per server: POST /invoke with `concurrency` requests in flight. */
export interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
}

export class InvokeClient {
  private readonly agent: Agent;

  constructor(private readonly port: number, private readonly concurrency: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  }

  post(name: string, format: Format, body: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: this.port, method: 'POST', path: '/invoke', agent: this.agent,
        headers: {
          'content-type': CONTENT_TYPE[format],
          accepts: CONTENT_TYPE[format],
          's2-ef-name': name,
          's2-ef-version': '1.0',
          'content-length': body.length,
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.on('socket', (socket) => socket.setNoDelay(true));
      req.end(body);
    });
  }

  /**
   * Sends every batch once, `concurrency` at a time, in order. Keeps the answers whose index
   * `keep(i)` selects (for checking after the clock stops). Throws on the first non-200.
   */
  async run(name: string, format: Format, batches: readonly Batch[], keep: (i: number) => boolean): Promise<Map<number, Answer>> {
    const kept = new Map<number, Answer>();
    let next = 0;
    let failure: Error | null = null;
    const worker = async () => {
      while (next < batches.length && !failure) {
        const i = next++;
        // A kept-alive socket the server closed while idle (uvicorn drops them after 5 s) fails
        // with "socket hang up" before any byte of the request was handled: send it again, once.
        const answer = await this.post(name, format, batches[i].body).catch((err: NodeJS.ErrnoException) =>
          err.code === 'ECONNRESET' || /socket hang up/.test(err.message) ? this.post(name, format, batches[i].body) : Promise.reject(err));
        if (answer.status !== 200) {
          failure ??= new Error(`HTTP ${answer.status}: ${answer.body.toString('utf8').slice(0, 300)}`);
          return;
        }
        if (keep(i)) kept.set(i, answer);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batches.length) }, worker));
    if (failure) throw failure;
    return kept;
  }

  close(): void {
    this.agent.destroy();
  }
}
