/**
 * Fault injection for what an emulator cannot produce on demand: a process dying between two
 * requests. A middleware throws before the first request that matches, once.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';

export class InjectedCrash extends Error {
  constructor(where: string) {
    super(`injected crash before ${where}`);
    this.name = 'InjectedCrash';
  }
}

type Predicate = (commandName: string, input: Record<string, unknown>) => boolean;

/** Makes the next matching request throw InjectedCrash; returns a function that disarms it. */
export function crashBefore(client: DynamoDBClient | SNSClient, where: string, predicate: Predicate): () => void {
  let armed = true;
  const name = `crash-${where}-${Math.random()}`;
  (client as DynamoDBClient).middlewareStack.add(
    (next, context) => async (args) => {
      const commandName = (context as { commandName?: string }).commandName ?? '';
      if (armed && predicate(commandName, args.input as Record<string, unknown>)) {
        armed = false;
        throw new InjectedCrash(where);
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => {
    armed = false;
  };
}

/** True when a BatchWriteItem writes or deletes an item whose sort key starts with `prefix`. */
export function batchWriteTouches(prefix: string): Predicate {
  return (command, input) => {
    if (command !== 'BatchWriteItemCommand') return false;
    const tables = input.RequestItems as Record<
      string,
      { PutRequest?: { Item: { sk: { S: string } } }; DeleteRequest?: { Key: { sk: { S: string } } } }[]
    >;
    return Object.values(tables).some((requests) =>
      requests.some((r) => (r.PutRequest?.Item.sk.S ?? r.DeleteRequest?.Key.sk.S ?? '').startsWith(prefix)),
    );
  };
}
