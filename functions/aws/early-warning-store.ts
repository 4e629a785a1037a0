/**
 * Early warnings on the table: pk `EW#<match key>`, sk the announcing record's id, with the
 * warning's event id, document number, action and time. A lookup is one Query per match key.
 */
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mapLimit } from '../core/concurrency.ts';
import type { EarlyWarning, EarlyWarningStore } from '../run/ports.ts';
import { S, earlyWarningPk, str, type Item, type TableRef } from './table.ts';

const WRITE_CONCURRENCY = 8;

export class DynamoEarlyWarningStore implements EarlyWarningStore {
  constructor(private readonly table: TableRef) {}

  async put(warnings: readonly { matchKey: string; warning: EarlyWarning }[]): Promise<void> {
    await mapLimit(warnings, WRITE_CONCURRENCY, ({ matchKey, warning }) =>
      this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: {
            pk: S(earlyWarningPk(matchKey)),
            sk: S(warning.recordId),
            sourceId: S(warning.sourceId),
            eventId: S(warning.eventId),
            documentNumber: S(warning.documentNumber),
            action: S(warning.action),
            announcedAt: S(warning.announcedAt),
            name: S(warning.name),
          },
        }),
      ),
    );
  }

  async find(matchKey: string): Promise<EarlyWarning[]> {
    const { Items = [] } = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': S(earlyWarningPk(matchKey)) },
      }),
    );
    return Items.map(decodeWarning);
  }
}

function decodeWarning(item: Item): EarlyWarning {
  return {
    recordId: str(item, 'sk') ?? '',
    sourceId: str(item, 'sourceId') ?? '',
    eventId: str(item, 'eventId') ?? '',
    documentNumber: str(item, 'documentNumber') ?? '',
    action: str(item, 'action') ?? 'add',
    announcedAt: str(item, 'announcedAt') ?? '',
    name: str(item, 'name') ?? '',
  };
}
