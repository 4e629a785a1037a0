/**
 * Builds full-size register files at bench time from the real fixtures (never committed): the
 * OFAC ENHANCED XML's entities repeated with new ids until the file passes the target size, and a
 * next version of it with k changes (k/2 names changed, k/4 removed, k/4 added).
 */
import { readFile, writeFile } from 'node:fs/promises';

export interface BuiltList {
  path: string;
  bytes: number;
  entities: number;
}

interface Template {
  head: string;
  entities: string[];
  tail: string;
}

async function loadTemplate(fixture: string): Promise<Template> {
  const text = await readFile(fixture, 'utf8');
  const start = text.indexOf('<entities>');
  const end = text.lastIndexOf('</entities>');
  if (start < 0 || end < 0) throw new Error(`${fixture}: no <entities> block`);
  const block = text.slice(start + '<entities>'.length, end);
  const entities = block.match(/<entity id="\d+"[\s\S]*?<\/entity>/g) ?? [];
  return { head: text.slice(0, start + '<entities>'.length), entities, tail: text.slice(end) };
}

/** Copies needed so the file has at least `targetBytes`. */
function copiesFor(template: Template, targetBytes: number): number {
  const perCopy = template.entities.reduce((n, e) => n + Buffer.byteLength(e) + 5, 0);
  return Math.ceil((targetBytes - template.head.length) / perCopy);
}

function withId(entity: string, copy: number): string {
  return entity.replace(/^<entity id="(\d+)"/, (_m, id: string) => `<entity id="${Number(id) + copy * 10_000_000}"`);
}

export async function buildEnhancedList(
  fixture: string,
  outPath: string,
  targetBytes: number,
  changes = 0,
): Promise<BuiltList> {
  const template = await loadTemplate(fixture);
  const copies = copiesFor(template, targetBytes);
  const parts: string[] = [template.head];
  const total = copies * template.entities.length;
  // Spread the changed entities over the whole file, deterministically.
  const renamed = new Set<number>();
  const removed = new Set<number>();
  const step = changes ? Math.floor(total / changes) : 0;
  for (let i = 0; i < changes; i++) (i % 4 === 3 ? removed : i % 4 === 2 ? removed : renamed).add(i * step + 1);
  // removed gets k/2 slots above; half of those become removals, half stay as extra additions below.
  const removals = [...removed].slice(0, Math.floor(removed.size / 2));
  const additions = removed.size - removals.length;
  let index = 0;
  let entities = 0;
  for (let copy = 0; copy < copies; copy++) {
    for (const entity of template.entities) {
      index += 1;
      if (removals.includes(index)) continue;
      let text = withId(entity, copy);
      if (renamed.has(index))
        text = text.replace(
          /<formattedFullName>([^<]*)<\/formattedFullName>/,
          (_m, name: string) => `<formattedFullName>${name} RENAMED</formattedFullName>`,
        );
      parts.push('\n    ', text);
      entities += 1;
    }
  }
  for (let i = 0; i < additions; i++) {
    parts.push('\n    ', withId(template.entities[i % template.entities.length]!, copies + 1 + i));
    entities += 1;
  }
  parts.push('\n  ', template.tail);
  const body = parts.join('');
  await writeFile(outPath, body);
  return { path: outPath, bytes: Buffer.byteLength(body), entities };
}
