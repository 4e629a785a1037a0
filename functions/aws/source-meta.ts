/**
 * A source's META item read back (its version, health and outbox flag): on its own, so that what
 * reads only the sources' state (the digest function's "sources checked") does not bundle the
 * whole source store.
 */
import { GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { SourceMeta } from '../run/ports.ts';
import { META_SK, S, SCREENED_PREFIX, num, sourcePk, str, type TableRef } from './table.ts';

export async function getSourceMeta(table: TableRef, sourceId: string): Promise<SourceMeta | undefined> {
  const { Item } = await table.client.send(
    new GetItemCommand({
      TableName: table.tableName,
      Key: { pk: S(sourcePk(sourceId)), sk: S(META_SK) },
      ConsistentRead: true,
    }),
  );
  return Item ? decodeMeta(sourceId, Item) : undefined;
}

export function decodeMeta(sourceId: string, Item: Record<string, AttributeValue>): SourceMeta {
  const meta: SourceMeta = { sourceId };
  for (const key of [
    'contentHash',
    'etag',
    'lastModified',
    'updatedAt',
    'lastChangeAt',
    'tailHash',
    'healthSince',
    'lastError',
    'lastErrorStep',
    'lastErrorAt',
    'lastSuccessAt',
  ] as const) {
    const value = str(Item, key);
    if (value !== undefined) meta[key] = value;
  }
  const status = str(Item, 'healthStatus');
  if (status === 'healthy' || status === 'unhealthy') meta.healthStatus = status;
  for (const key of ['recordCount', 'manifestBuckets', 'consecutiveFailures'] as const) {
    const value = num(Item, key);
    if (value !== undefined) meta[key] = value;
  }
  if (Item.outboxPending?.BOOL) meta.outboxPending = true;
  for (const [key, value] of Object.entries(Item)) {
    if (key.startsWith(SCREENED_PREFIX) && value.S !== undefined)
      (meta.screened ??= {})[key.slice(SCREENED_PREFIX.length)] = value.S;
  }
  return meta;
}
