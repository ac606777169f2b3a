import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** One client connection through the proxy and its connection to the server. */
export interface ProxiedLink {
  client: Socket;
  server: Socket;
}

/**
 * A TCP proxy in front of a server, for the failures a real server does not produce on cue:
 * a server that stops answering, a reset, a close from the server's side.
 */
export interface TcpProxy {
  port: number;
  /** Connections currently proxied. */
  readonly links: ReadonlySet<ProxiedLink>;
  /** Holds what either side sends (logins included) until `flow()`: a server that stopped answering. */
  stall(): void;
  /** Passes on what was held, and everything after. */
  flow(): void;
  /** Resets every client connection (RST, synchronous on loopback); the server sides are closed. */
  resetAll(): void;
  /** Stops reading what the clients send (their writes pile up) and what the server answers. */
  stopReadingAll(): void;
  /**
   * Ends every client connection from the server's side (FIN), having stopped reading, without
   * ever closing it: a server gone half-way, that takes nothing more from its client.
   */
  halfCloseAll(): void;
  /**
   * Called with each chunk a client sends, before it is passed on; returning false holds it
   * back. Lets a test act once a given statement is on its way.
   */
  onClientData: ((chunk: Buffer, link: ProxiedLink) => boolean | undefined) | null;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const links = new Set<ProxiedLink>();
  let stalled = false;
  const held: (() => void)[] = [];
  const pass = (to: Socket, chunk: Buffer) => {
    if (stalled) held.push(() => to.write(chunk));
    else to.write(chunk);
  };
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const link = { client, server: upstream };
    links.add(link);
    client.on('data', (chunk: Buffer) => {
      if (proxy.onClientData?.(chunk, link) === false) return;
      pass(upstream, chunk);
    });
    upstream.on('data', (chunk: Buffer) => pass(client, chunk));
    const drop = () => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', drop);
      s.on('close', drop);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: TcpProxy = {
    port: (server.address() as AddressInfo).port,
    links,
    stall: () => {
      stalled = true;
    },
    flow: () => {
      stalled = false;
      for (const release of held.splice(0)) release();
    },
    resetAll: () => {
      for (const link of [...links]) {
        links.delete(link);
        link.client.resetAndDestroy();
        link.server.destroy();
      }
    },
    stopReadingAll: () => {
      for (const { client, server: upstream } of links) {
        upstream.pause();
        client.pause();
      }
    },
    halfCloseAll: () => {
      proxy.stopReadingAll();
      for (const { client } of links) client.end();
    },
    onClientData: null,
    close: () =>
      new Promise<void>((resolve) => {
        for (const { client, server: upstream } of links) {
          client.destroy();
          upstream.destroy();
        }
        links.clear();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
