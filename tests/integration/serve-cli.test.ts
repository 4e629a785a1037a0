import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tradewatch } from '../helpers/cli.ts';

describe('tradewatch serve and tradewatch feeds', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'tradewatch-serve-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('serves the local state on 127.0.0.1 until SIGTERM, then stops cleanly', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, 'bin', 'tradewatch.js'), 'serve', '--port', String(port)],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, TRADEWATCH_HOME: home },
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 200 && !stdout.includes('Serving'); i++) await new Promise((r) => setTimeout(r, 100));

    const response = await fetch(`http://127.0.0.1:${port}/feeds/all.atom`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(await response.text()).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    child.kill('SIGTERM');

    expect(await exited).toBe(0);
    expect(stdout).toContain(`http://127.0.0.1:${port}/feeds/all.atom`);
    expect(stdout).toContain('Stopped (SIGTERM).');
  });

  it('prints the local feed URLs, and refuses --base-url without --secret-arn', async () => {
    const local = await tradewatch(['feeds', '--port', '9999', '--json'], { TRADEWATCH_HOME: home });
    const partial = await tradewatch(['feeds', '--base-url', 'https://x.lambda-url.eu-west-1.on.aws/']);

    expect(local.code).toBe(0);
    expect(JSON.parse(local.stdout)[0]).toEqual({
      name: 'all',
      atom: 'http://127.0.0.1:9999/feeds/all.atom',
      json: 'http://127.0.0.1:9999/feeds/all.json',
    });
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('--base-url and --secret-arn go together');
  });
});
