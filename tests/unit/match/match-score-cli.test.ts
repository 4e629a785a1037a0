import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, type CliResult } from '../../helpers/cli.ts';

/** `tradewatch <args>` with `input` on stdin (tests/helpers/cli.ts has no stdin). */
function tradewatchWithInput(args: string[], input: string): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'tradewatch.js'), ...args], { cwd: PROJECT_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('tradewatch match-score', () => {
  it('prints each pair with its score and match at the default threshold', async () => {
    const input =
      'name1,name2,schema\nZelmora Trading LLC,OOO Zelmora Trading,Company\n"Velgorod, Neft",Velgorod Trading,Company\nSilver Kestrel,Silver Kestrel,Vessel\n';
    const result = await tradewatchWithInput(['match-score'], input);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('name1,name2,score,match');
    expect(lines[1]).toMatch(/^Zelmora Trading LLC,OOO Zelmora Trading,1\.0000,true$/);
    expect(lines[2]).toMatch(/^"Velgorod, Neft",Velgorod Trading,0\.\d{4},false$/);
    expect(lines[3]).toBe('Silver Kestrel,Silver Kestrel,1.0000,true');
  });

  it('applies --threshold', async () => {
    const input = 'name1,name2\nVelgorod,Velgorod Trading\n';
    const low = await tradewatchWithInput(['match-score', '--threshold', '0.3'], input);
    const high = await tradewatchWithInput(['match-score', '--threshold', '0.99'], input);
    expect(low.stdout.trim().split('\n')[1]).toMatch(/,true$/);
    expect(high.stdout.trim().split('\n')[1]).toMatch(/,false$/);
  });

  it('refuses input without the name1,name2 header in one line, with exit code 1', async () => {
    const result = await tradewatchWithInput(['match-score'], 'a,b\nx,y\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'tradewatch: match-score: the header must have columns name1 and name2 (and optionally schema)\n',
    );
  });

  it('refuses a threshold outside 0..1 as a usage error', async () => {
    const result = await tradewatchWithInput(['match-score', '--threshold', '2'], 'name1,name2\n');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--threshold takes a number from 0 to 1/);
  });
});
