import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The folder boundaries of functions/ are lint rules (eslint.config.js): a wrong import fails
// `npm run lint`. These cases lint one line of code as if it stood in the named file.
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = x;\n`, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('folder boundaries', () => {
  it('refuses an AWS SDK import in core/', async () => {
    const errors = await restrictedImports(
      'functions/core/example.ts',
      "import { DynamoDBClient as x } from '@aws-sdk/client-dynamodb';",
    );
    expect(errors).toEqual([expect.stringContaining('core/ imports no AWS SDK')]);
  });

  it('refuses file I/O in core/', async () => {
    const errors = await restrictedImports(
      'functions/core/example.ts',
      "import { readFile as x } from 'node:fs/promises';",
    );
    expect(errors).toEqual([expect.stringContaining('core/ does no I/O')]);
  });

  it('refuses aws/ from run/: run asks for storage through its ports', async () => {
    const errors = await restrictedImports(
      'functions/run/example.ts',
      "import { TradewatchStore as x } from '../aws/source-store.ts';",
    );
    expect(errors).toEqual([expect.stringContaining('aws/ is off limits here')]);
  });

  it('refuses a Lambda handler from the CLI', async () => {
    const errors = await restrictedImports(
      'functions/cli/example.ts',
      "import { handler as x } from '../handlers/poll.ts';",
    );
    expect(errors).toEqual([expect.stringContaining('handlers/ is off limits here')]);
  });

  it('refuses one source importing another', async () => {
    const errors = await restrictedImports(
      'functions/sources/eu-fsf.ts',
      "import { source as x } from './us-ofac-sdn.ts';",
    );
    expect(errors).toEqual([expect.stringContaining('a source never imports another source')]);
  });

  it('refuses runtime code in infra/', async () => {
    const errors = await restrictedImports(
      'infra/constructs/example.ts',
      "import { pollSource as x } from '../../functions/run/poll.ts';",
    );
    expect(errors).toEqual([expect.stringContaining('infra/ synthesizes the stack')]);
  });

  it('lets each folder import what it may', async () => {
    const allowed: [string, string][] = [
      ['functions/run/example.ts', "import { diffSnapshots as x } from '../core/diff.ts';"],
      ['functions/aws/example.ts', "import type { SourceStore as x } from '../run/ports.ts';"],
      ['functions/sources/eu-fsf.ts', "import { SOURCE_SCHEDULE as x } from './read/xml-stream.ts';"],
      ['functions/cli/example.ts', "import { pollSource as x } from '../run/poll.ts';"],
      ['infra/constructs/example.ts', "import { TABLE_KEYS as x } from '../../functions/aws/table.ts';"],
    ];
    for (const [file, code] of allowed) expect(await restrictedImports(file, code), file).toEqual([]);
  });
});
