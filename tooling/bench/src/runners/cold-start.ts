/**
 * Cold start: import the client library, connect, `SELECT 1`, close, exit. The figures that
 * matter are the whole-process ones (spawn to exit, CPU with start-up and module loading);
 * nothing is imported before the clock starts. Each client has its own bundle entry
 * (cold-s2, cold-mysql2, cold-mariadb), so no process loads another client's code.
 */
import { measure, readConfig, type RunnerConfig } from './measure.js';

export async function coldStart(open: (config: RunnerConfig) => Promise<{ selectOne(): Promise<unknown>; close(): Promise<unknown> }>): Promise<void> {
  const config = readConfig();
  await measure(async () => {
    const conn = await open(config);
    const one = Number(await conn.selectOne());
    if (one !== 1) throw new Error(`SELECT 1 returned ${one}`);
    await conn.close();
    return 1;
  });
}
