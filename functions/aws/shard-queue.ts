/**
 * The shard messages of a sharded initial screening, sent to the worker's SQS queue (ten a
 * request). A message SQS refuses fails the fan-out, naming the queue and SQS's reason: the poller
 * then has not noted the fan-out sent, so its next run sends it again (the messages that did go
 * are screened once: a shard done is noted, and a second delivery is skipped).
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { chunk } from '../core/concurrency.ts';
import type { ShardDispatcher, ShardMessage } from '../watchlist/shard-plan.ts';

export function sqsShardDispatcher(sqs: SQSClient, queueUrl: string): ShardDispatcher {
  return {
    async send(messages: readonly ShardMessage[]) {
      for (const batch of chunk([...messages], 10)) {
        const result = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((message) => ({ Id: String(message.shard), MessageBody: JSON.stringify(message) })),
          }),
        );
        const failed = result.Failed ?? [];
        if (failed.length)
          throw new Error(
            `screen-shard queue ${queueUrl}: ${failed.length} shard message(s) refused (${failed[0]!.Code}: ${failed[0]!.Message ?? 'no reason given'})`,
          );
      }
    },
  };
}
