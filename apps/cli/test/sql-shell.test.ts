import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiGateway, type DataApiGateway } from '@s2/data-api-gateway';
import { skipUnless, testServer } from '@s2/testing/vitest';

const cli = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const url = () => `${testServer().url}/${testServer().database}`;

/** Runs `s2 …` to completion with the given stdin. */
function s2(args: string[], input = '', env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=s2-source', '--import', 'tsx', cli, ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
    child.stdin.end(input);
  });
}

describe('s2 sql, non-interactive', () => {
  it('runs -e statements in every output format, \\G making one vertical', async () => {
    // Into a pipe -e is tab-separated unless told otherwise, as the mysql client's is.
    const piped = await s2(['sql', url(), '-e', 'SELECT id, name FROM data ORDER BY id LIMIT 2']);
    expect(piped.err).toBe('');
    expect(piped.out).toBe('id\tname\na\tantelopes\nb\tbears\n');
    const table = await s2(['sql', url(), '--format', 'table', '-e', 'SELECT id, name FROM data ORDER BY id LIMIT 2']);
    expect(table.err).toBe('');
    expect(table.out).toBe('+----+-----------+\n| id | name      |\n+----+-----------+\n| a  | antelopes |\n| b  | bears     |\n+----+-----------+\n');
    const csv = await s2(['sql', url(), '--format', 'csv', '-e', "SELECT 1 AS n, 'x,y' AS s; SELECT NULL AS z"]);
    expect(csv.out).toBe('n,s\r\n1,"x,y"\r\nz\r\n\r\n');
    const json = await s2(['sql', url(), '--format', 'json', '-e', 'SELECT 9007199254740993 AS big, 1.50 AS d']);
    expect(json.out).toBe('{"big":"9007199254740993","d":"1.50"}\n');
    const vertical = await s2(['sql', url(), '-e', 'SELECT 1 AS a, 2 AS bb\\G']);
    expect(vertical.out).toBe('*************************** 1. row ***************************\n a: 1\nbb: 2\n');
  });

  it('reads a script from stdin (tab-separated, like the mysql client in batch mode) and times statements on request', async () => {
    const run = await s2(
      ['sql', url(), '--timing'],
      "CREATE TEMPORARY TABLE t (a INT);\nINSERT INTO t VALUES (1),\n (2);\nSELECT a, 'p\\tq' FROM t ORDER BY a;\n",
    );
    expect(run.code).toBe(0);
    expect(run.out).toMatch(
      /^Query OK, 0 rows affected \(\d+\.\d\d sec\)\nQuery OK, 2 rows affected \(\d+\.\d\d sec\)\na\tp\\tq\n1\tp\\tq\n2\tp\\tq\n2 rows in set \(\d+\.\d\d sec\)\n$/,
    );
  });

  it('stops at the first failing statement with the server error and exit code 1; --force goes on', async () => {
    const fail = await s2(['sql', url()], 'SELECT 1;\nSELECT * FROM no_such_table;\nSELECT 2;\n');
    expect(fail.code).toBe(1);
    expect(fail.err).toMatch(/^ERROR 1146 \(42S02\): Table '[^']+\.no_such_table' doesn't exist\n$/);
    expect(fail.out).toBe('1\n1\n');
    const forced = await s2(['sql', url(), '--force'], 'SELECT * FROM no_such_table;\nSELECT 2;\n');
    expect(forced.code).toBe(1);
    expect(forced.out).toBe('2\n2\n');
  });

  it("prints temporal values as the server's text in every format: microseconds, zero dates, TIME", async () => {
    const select =
      "SET SESSION sql_mode = ''; CREATE TEMPORARY TABLE tv (dt DATETIME(6), z DATETIME, t TIME(3)); " +
      "INSERT INTO tv VALUES ('2024-01-02 03:04:05.123456', '0000-00-00 00:00:00', '-838:59:58.500'); SELECT dt, z, t FROM tv";
    const tsv = await s2(['sql', url(), '--format', 'tsv', '-e', select]);
    expect(tsv.err).toBe('');
    expect(tsv.out).toBe('dt\tz\tt\n2024-01-02 03:04:05.123456\t0000-00-00 00:00:00\t-838:59:58.500\n');
    const json = await s2(['sql', url(), '--format', 'json', '-e', select]);
    expect(JSON.parse(json.out)).toEqual({ dt: '2024-01-02 03:04:05.123456', z: '0000-00-00 00:00:00', t: '-838:59:58.500' });
    for (const format of ['table', 'vertical', 'csv']) {
      const run = await s2(['sql', url(), '--format', format, '-e', select]);
      expect(run.out, format).toContain('2024-01-02 03:04:05.123456');
      expect(run.out, format).toContain('0000-00-00 00:00:00');
      expect(run.out, format).not.toContain('NULL');
    }
  });

  it('writes binary as hex in JSON and keeps NULL apart from an empty string in CSV', async () => {
    const json = await s2(['sql', url(), '--format', 'json', '-e', "SELECT X'00FF' AS b, CAST(NULL AS BINARY) AS n"]);
    expect(json.err).toBe('');
    expect(json.out).toBe('{"b":"0x00ff","n":null}\n');
    const csv = await s2(['sql', url(), '--format', 'csv', '-e', "SELECT NULL AS a, '' AS b, 'NULL' AS c, 'x' AS d"]);
    expect(csv.out).toBe('a,b,c,d\r\n,"",NULL,x\r\n');
  });

  it('runs scripts with DELIMITER, as the mysql client does', async () => {
    const script = [
      'DROP PROCEDURE IF EXISTS s2_cli_delim;',
      'DELIMITER //',
      'CREATE PROCEDURE s2_cli_delim(IN n INT)',
      'BEGIN',
      '  SELECT n + 1 AS next; -- a ; inside the body',
      'END //',
      'DELIMITER ;',
      'CALL s2_cli_delim(41);',
      'DROP PROCEDURE s2_cli_delim;',
      '',
    ].join('\n');
    const run = await s2(['sql', url()], script);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toBe('next\n42\n');
    const bad = await s2(['sql', url()], 'SELECT 1;\nDELIMITER\nSELECT 2;\n');
    expect(bad.code).toBe(1);
    expect(bad.err).toBe("ERROR: DELIMITER must be followed by a 'delimiter' character or string\n");
    expect(bad.out).toBe('1\n1\n');
  });

  it('ends quietly when the reader of its output goes away (| head)', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ['--conditions=s2-source', '--import', 'tsx', cli, 'sql', url(), '--format', 'tsv'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdin.end("SELECT REPEAT('x', 1000) AS filler;\n".repeat(3000));
    // Like `head -2`: read until two lines arrived, then close the pipe.
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stdout.on('data', (d) => {
        seen += d;
        if (seen.split('\n').length > 2) {
          child.stdout.destroy();
          resolve();
        }
      });
    });
    expect(await exited).toBe(141);
    expect(err).toBe('');
  });

  it('explains a missing URL, a bad format and a refused connection', async () => {
    const env = { SINGLESTOREDB_URL: '' };
    const none = await s2(['sql', '-e', 'SELECT 1'], '', env);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/needs a URL/);
    const bad = await s2(['sql', url(), '--format', 'xml'], '');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--format must be one of table, vertical, csv, tsv, json/);
    const refused = await s2(['sql', `mysql://root:wrong@${testServer().host}:${testServer().port}`, '-e', 'SELECT 1']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/cannot connect: ERROR 1045 \(28000\)/);
  });

  it('lists every command in s2 --help, and each command has --help', async () => {
    const help = await s2(['--help']);
    for (const command of ['s2 sql', 's2 data-api-gateway', 's2 udf serve', 's2 server start', 's2 cloud', 's2 stage']) expect(help.out).toContain(command);
    expect((await s2(['sql', '--help'])).out).toMatch(/^Usage:\n {2}s2 sql \[URL\]/);
    expect((await s2(['server', '--help'])).out).toMatch(/^Usage:\n {2}s2 server start/);
    expect((await s2(['--version'])).out).toMatch(/^s2 \d+\.\d+\.\d+\n$/);
  });
});

describe('s2 sql over the Data API', () => {
  let gateway: DataApiGateway;
  beforeAll(async () => {
    gateway = await startDataApiGateway({ target: { host: testServer().host, port: testServer().port } });
  });
  afterAll(() => gateway.close());

  it('answers the same statements through the gateway', async () => {
    const { root, database } = testServer();
    const http = gateway.url.replace('://', `://${encodeURIComponent(root.user)}:${encodeURIComponent(root.password)}@`);
    const run = await s2(['sql', `${http}/${database}`, '--format', 'tsv', '-e', 'SELECT COUNT(*) AS n FROM data']);
    expect(run.err).toBe('');
    expect(run.out).toBe('n\n5\n');
  });
});

describe('s2 sql with Fusion enabled', () => {
  it('answers SHOW FUSION COMMANDS instead of sending it to the server', async () => {
    const run = await s2(['sql', url(), '--format', 'tsv', '-e', 'SHOW FUSION COMMANDS'], '', { SINGLESTOREDB_FUSION_ENABLED: '1' });
    expect(run.err).toBe('');
    expect(run.out.split('\n')[0]).toBe('Command');
    expect(run.out).toMatch(/SHOW CLUSTERS/);
    const off = await s2(['sql', url(), '-e', 'SHOW FUSION COMMANDS'], '', { SINGLESTOREDB_FUSION_ENABLED: '' });
    expect(off.code).toBe(1);
    expect(off.err).toMatch(/^ERROR 1064/);
  });
});

const tmux = spawnSync('tmux', ['-V']).status === 0;

describe(
  's2 sql in a real terminal (tmux)',
  skipUnless(tmux ? null : 's2 sql terminal test: tmux is not installed (apt-get install tmux)', 'missing-tool'),
  () => {
    const session = `s2sql${process.pid}`;
    const screen = () => execFileSync('tmux', ['capture-pane', '-p', '-t', session, '-S', '-200'], { encoding: 'utf8' });
    // -l sends text literally; a trailing ';' would still end tmux's own command, so it goes as hex.
    const type = (text: string) => {
      const semicolon = text.endsWith(';');
      execFileSync('tmux', ['send-keys', '-t', session, '-l', semicolon ? text.slice(0, -1) : text]);
      if (semicolon) execFileSync('tmux', ['send-keys', '-t', session, '-H', '3b']);
      execFileSync('tmux', ['send-keys', '-t', session, 'Enter']);
    };
    const press = (key: string) => execFileSync('tmux', ['send-keys', '-t', session, key]);
    async function waitFor(pattern: RegExp, what: string): Promise<string> {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const text = screen();
        if (pattern.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`the screen never showed ${what}:\n${text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    afterAll(() => {
      spawnSync('tmux', ['kill-session', '-t', session]);
    });

    it('prints -e results as a table on a terminal', { timeout: 60_000 }, async () => {
      const command = [process.execPath, '--conditions=s2-source', '--import', 'tsx', cli, 'sql', url(), '-e', 'SELECT 40 + 2 AS answer']
        .map((a) => `'${a}'`)
        .join(' ');
      execFileSync('tmux', ['new-session', '-d', '-s', `${session}e`, '-x', '120', '-y', '50', `${command}; echo "exit=$?"; sleep 60`]);
      try {
        const deadline = Date.now() + 20_000;
        let text = '';
        while (!/exit=\d+/.test(text) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          text = execFileSync('tmux', ['capture-pane', '-p', '-t', `${session}e`], { encoding: 'utf8' });
        }
        expect(text).toMatch(/\+--------\+\n\| answer \|\n\+--------\+\n\| {5}42 \|\n\+--------\+\nexit=0/);
      } finally {
        spawnSync('tmux', ['kill-session', '-t', `${session}e`]);
      }
    });

    it('takes multi-line statements, prints tables and \\G rows, cancels a query on Ctrl-C and stays, drops a typed line on Ctrl-C, keeps history, quits on \\q', {
      timeout: 90_000,
    }, async () => {
      const history = join(mkdtempSync(join(tmpdir(), 's2-sql-')), 'history');
      const command = [process.execPath, '--conditions=s2-source', '--import', 'tsx', cli, 'sql', url()].map((a) => `'${a}'`).join(' ');
      execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '50', `S2_HISTFILE='${history}' ${command}; echo "exit=$?"; sleep 60`]);
      await waitFor(/^s2>\s*$/m, 'the prompt');
      type('SELECT 40 +');
      await waitFor(/^ {4}->\s*$/m, 'the continuation prompt');
      type('2 AS answer;');
      await waitFor(/\| answer \|\n\+--------\+\n\| {5}42 \|\n\+--------\+\n1 row in set \(\d+\.\d\d sec\)/, 'the table');
      type('SELECT SLEEP(30) AS slept;');
      await new Promise((r) => setTimeout(r, 1000));
      press('C-c');
      const cancelled = await waitFor(/cancelled with Ctrl-C/, 'the cancellation');
      expect(cancelled).not.toContain('| slept');
      type("SELECT 'still here' AS s\\G");
      await waitFor(/s: still here\n1 row in set/, 'a vertical row after the cancel');
      // Ctrl-C at the prompt forgets the half-typed line, as the mysql client does.
      execFileSync('tmux', ['send-keys', '-t', session, '-l', "SELECT 'typed, then dropped'"]);
      press('C-c');
      await waitFor(/\^C \(\\q or Ctrl-D to leave\)/, 'the Ctrl-C notice');
      type("SELECT 'a fresh line' AS f\\G");
      // Had the dropped text stayed, the statement would read `SELECT 'typed, then dropped'SELECT …` and fail.
      await waitFor(/f: a fresh line\n1 row in set/, 'the statement typed after Ctrl-C');
      type("ALTER USER nobody_here IDENTIFIED BY 'not-in-history';");
      await waitFor(/ERROR \d+/, 'the refused ALTER USER');
      // The password on a line of its own is as secret as one on the first line.
      type('ALTER USER nobody_here');
      type('IDENTIFIED BY');
      type("'continued-secret';");
      // Statements run in order: once this one answers, the ALTER USER has been handled.
      type("SELECT 'after the alter' AS m\\G");
      await waitFor(/m: after the alter/, 'the statement after the second ALTER USER');
      type('\\q');
      await waitFor(/Bye\nexit=0/, 'a clean exit');
      const saved = readFileSync(history, 'utf8');
      expect(saved).toContain('SELECT SLEEP(30) AS slept;');
      expect(saved).not.toContain('IDENTIFIED');
      expect(saved).not.toContain('continued-secret');
      expect(saved).toContain('SELECT 40 + 2 AS answer;');
      expect(statSync(history).mode & 0o777).toBe(0o600);
    });
  },
);
