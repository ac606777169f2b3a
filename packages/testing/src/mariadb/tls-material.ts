import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsMaterial {
  caPath: string;
  caPem: string;
  certPath: string;
  keyPath: string;
  clientCertPath: string;
  clientKeyPath: string;
  /** Name the server certificate is issued to (also 127.0.0.1 as an IP SAN). */
  serverName: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await run('openssl', args, { cwd });
}

/** A throwaway CA plus server and client certificates, written into `dir` with the openssl CLI. */
export async function createTlsMaterial(dir: string): Promise<TlsMaterial> {
  const ext = join(dir, 'server.ext');
  await writeFile(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=s2 throwaway CA', '-keyout', 'ca-key.pem', '-out', 'ca.pem'],
    dir,
  );
  for (const who of ['server', 'client']) {
    await openssl(
      [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        `/CN=${who === 'server' ? 'localhost' : 's2-client'}`,
        '-keyout',
        `${who}-key.pem`,
        '-out',
        `${who}.csr`,
      ],
      dir,
    );
    await openssl(
      [
        'x509',
        '-req',
        '-in',
        `${who}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca-key.pem',
        '-CAcreateserial',
        '-days',
        '2',
        '-out',
        `${who}.pem`,
        ...(who === 'server' ? ['-extfile', 'server.ext'] : []),
      ],
      dir,
    );
  }
  const { readFile } = await import('node:fs/promises');
  return {
    caPath: join(dir, 'ca.pem'),
    caPem: await readFile(join(dir, 'ca.pem'), 'utf8'),
    certPath: join(dir, 'server.pem'),
    keyPath: join(dir, 'server-key.pem'),
    clientCertPath: join(dir, 'client.pem'),
    clientKeyPath: join(dir, 'client-key.pem'),
    serverName: 'localhost',
  };
}
