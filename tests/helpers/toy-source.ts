/**
 * A minimal register for pipeline tests that must not depend on any publisher's format:
 * CSV `id,name,country,program` with a header.
 */
import { createHash } from 'node:crypto';
import { SourceFormatError } from '../../functions/core/errors.ts';
import type { VersionInput } from '../../functions/run/ports.ts';
import { bufferDocument } from '../../functions/sources/read/document.ts';
import type { RegisterRecord } from '../../functions/core/records.ts';
import type { RegisterSource } from '../../functions/sources/types.ts';

export function toyCsv(rows: readonly (readonly [string, string, string, string])[]): string {
  return ['id,name,country,program', ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

export const toySource: RegisterSource = {
  id: 'toy-register',
  title: 'Toy register',
  publisher: 'tradewatch tests',
  jurisdiction: 'US',
  kind: 'register',
  homepage: 'https://example.org/toy',
  downloads: [{ url: 'https://example.org/toy.csv', format: 'toy-csv', serves: 'the toy list' }],
  schedule: 'rate(5 minutes)',
  expectedRecords: { min: 1, max: 1000, maxDropFraction: 0.5 },
  formats: [
    {
      id: 'toy-csv',
      description: 'id,name,country,program',
      sniff: (head) => head.startsWith('id,name,country,program'),
      async *parse(input, context): AsyncGenerator<RegisterRecord> {
        let text = '';
        for await (const chunk of input.main.open()) text += String(chunk);
        const lines = text.split('\n');
        if (!text.endsWith('\n'))
          throw new SourceFormatError(context.sourceId, `${input.main.name}: truncated (no final newline)`);
        for (const line of lines.slice(1)) {
          if (!line) continue;
          const [id, name, country, program] = line.split(',');
          if (!id || !name) {
            context.warn(`row without id or name: ${line}`);
            continue;
          }
          yield {
            id,
            source: 'toy-register',
            list: 'Toy List',
            kind: 'organization',
            name,
            aliases: [],
            countries: country ? [country] : [],
            addresses: [],
            programs: program ? [program] : [],
            links: [],
            extra: {},
          };
        }
      },
    },
  ],
};

/** A downloaded version of the toy register, as processVersion takes it. */
export function toyVersion(body: string, name = 'toy.csv'): VersionInput {
  return {
    input: { main: bufferDocument(name, body), companions: new Map() },
    contentHash: createHash('sha256').update(body).digest('hex'),
  };
}
