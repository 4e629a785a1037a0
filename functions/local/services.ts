/**
 * Embedded servers for local mode: dynalite (DynamoDB API, persisted under a folder so the next run
 * diffs against the last) and fauxqs (SNS + SQS), both on loopback in this process. The pipeline
 * talks to them through the ordinary AWS SDK clients, exactly as it talks to AWS.
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { startFauxqs } from 'fauxqs';

const require = createRequire(import.meta.url);

interface DynaliteServer {
  listen(port: number, host: string, callback: (error?: Error) => void): void;
  close(callback: (error?: Error) => void): void;
  address(): AddressInfo | string | null;
}

export interface EmbeddedDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1 (random port). With `path`, data persists there (LevelDB). */
export async function startDynalite(path?: string): Promise<EmbeddedDynamo> {
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => DynaliteServer;
  if (path) await mkdir(path, { recursive: true });
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) =>
    server.listen(0, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
  );
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

export interface EmbeddedMessaging {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts fauxqs (SNS + SQS) on 127.0.0.1 (random port), in memory. */
export async function startMessaging(): Promise<EmbeddedMessaging> {
  const server = await startFauxqs({ port: 0, logger: false });
  return { endpoint: server.address, stop: () => server.stop() };
}
