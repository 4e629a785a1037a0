/**
 * run/ — one poll: lease, fetch, process a version, guard, health, outbox; asks for storage and publishing through run/ports.ts.
 *
 * The two ways a version enters the pipeline: a live poll of the publisher, or a replay of files on
 * disk. Both end in the same processVersion; the Lambda handler and the CLI call these.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SourceFetchError, SourceFormatError, isSourceProblem } from '../core/errors.ts';
import { discoverLink, fetchVersion, hashFiles, withFetchDeadline, type FetchOptions } from '../http/fetch.ts';
import { randomUUID } from 'node:crypto';
import { processNotModified, processVersion } from './process-version.ts';
import { reportSourceFailure } from './health.ts';
import { silentLogger, type PipelineDeps, type ProcessOptions } from './ports.ts';
import { type RunReport } from './run-report.ts';
import type { SourceMeta } from './ports.ts';
import { emptyReport } from './run-report.ts';
import { companionsBeside, fileDocument } from '../sources/read/document.ts';
import type { RegisterRecord } from '../core/records.ts';
import type { FollowUp, ParseContext, ParseInput, RegisterSource } from '../sources/types.ts';

/** How long a run holds its source's lease unless told otherwise: the Lambda timeout is shorter. */
export const DEFAULT_LEASE_MS = 15 * 60_000;

export interface PollOptions extends ProcessOptions {
  /**
   * How long a run holds the source's lease; a second run meanwhile is skipped, so one source is
   * never polled twice at once (the Lambda timeout is shorter). @default DEFAULT_LEASE_MS
   */
  leaseMs?: number;
}

/**
 * Takes the source's lease, fetches (conditional GET), then processes. A fetch failure is a
 * source-health event like a bad file. An unchanged poll costs two small DynamoDB writes: the
 * lease (which returns the stored sentinel) and its release.
 */
export async function pollSource(
  source: RegisterSource,
  deps: PipelineDeps,
  fetchOptions: FetchOptions = {},
  options: PollOptions = {},
): Promise<RunReport> {
  const started = Date.now();
  return withSourceLease<RunReport>(deps, source.id, options.leaseMs ?? DEFAULT_LEASE_MS, {
    // One deadline for every download of the run (discovery, file, companions, follow-ups).
    held: (meta) => pollLeased(source, meta, deps, withFetchDeadline(fetchOptions), options, started),
    busy: () => {
      (deps.log ?? silentLogger).warn('another run holds the source; this one is skipped', { source: source.id });
      return emptyReport(source.id, 'skipped', started);
    },
  });
}

/**
 * Runs `held` while holding the source's lease (which hands over the stored META), so one source
 * is never worked on by two runs at once, and releases it whatever happens; `busy` answers
 * instead while another run holds it.
 */
export async function withSourceLease<T>(
  deps: Pick<PipelineDeps, 'store' | 'clock'>,
  sourceId: string,
  leaseMs: number,
  run: { held: (meta: SourceMeta) => Promise<T>; busy: () => T },
): Promise<T> {
  const owner = randomUUID();
  const lease = await deps.store.acquireLease(sourceId, owner, (deps.clock ?? (() => new Date()))(), leaseMs);
  if (!lease) return run.busy();
  try {
    return await run.held(lease.meta);
  } finally {
    await deps.store.releaseLease(sourceId, owner);
  }
}

/** Most follow-up documents one poll fetches (a feed window rarely holds more than a few rules). */
const MAX_FOLLOW_UPS = 25;

/**
 * The source with each format's records followed by those of the documents they point at
 * (`followUps`), fetched with the same limits. Without followUps, the source itself.
 */
export function withFollowUps(source: RegisterSource, fetchOptions: FetchOptions): RegisterSource {
  const followUps = source.followUps;
  if (!followUps) return source;
  const formats = source.formats.map((format) => ({
    ...format,
    async *parse(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
      const pending = new Map<string, FollowUp>();
      for await (const record of format.parse(input, context)) {
        yield record;
        for (const followUp of followUps(record))
          if (pending.size < MAX_FOLLOW_UPS) pending.set(followUp.url, followUp);
      }
      for (const followUp of pending.values()) {
        const followFormat = source.formats.find((f) => f.id === followUp.format);
        if (!followFormat)
          throw new SourceFormatError(
            source.id,
            `follow-up ${followUp.name}: the source has no format ${followUp.format}`,
          );
        let fetched;
        try {
          fetched = await fetchVersion(source.id, { name: followUp.name, url: followUp.url }, {}, fetchOptions);
        } catch (error) {
          if (!followUp.optional || !isSourceProblem(error)) throw error;
          context.warn(`follow-up ${followUp.name} skipped: ${error.reason}`);
          continue;
        }
        if (fetched.notModified) continue;
        try {
          yield* followFormat.parse(fetched.input, context);
        } finally {
          await fetched.cleanup();
        }
      }
    },
  }));
  return { ...source, formats };
}

/** One more document of the run, read whole into memory (small pages: a size limit applies). */
async function fetchWhole(
  sourceId: string,
  url: string,
  name: string,
  fetchOptions: FetchOptions,
  maxBytes: number | undefined,
): Promise<Buffer> {
  const limits = maxBytes
    ? { ...fetchOptions, maxBytes: Math.min(maxBytes, fetchOptions.maxBytes ?? maxBytes) }
    : fetchOptions;
  const fetched = await fetchVersion(sourceId, { name, url }, {}, limits);
  if (fetched.notModified) throw new SourceFetchError(sourceId, `${name}: 304 to an unconditional request`);
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of fetched.input.main.open())
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    return Buffer.concat(chunks);
  } finally {
    await fetched.cleanup();
  }
}

async function pollLeased(
  source: RegisterSource,
  meta: SourceMeta,
  deps: PipelineDeps,
  fetchOptions: FetchOptions,
  options: ProcessOptions,
  started: number,
): Promise<RunReport> {
  const download = source.downloads[0];
  if (!download)
    return reportSourceFailure(
      source,
      new SourceFetchError(source.id, 'the source has no download URL'),
      deps,
      started,
    );
  let outcome;
  try {
    // A file whose name changes with every update (BIS's dpl_MMDDYYYY.csv) is found on its page
    // first; a page without the link fails the run here, before anything is fetched or stored.
    const url = download.discover ? await discoverLink(source.id, download.discover, fetchOptions) : download.url;
    const name = basename(new URL(url).pathname) || `${source.id}.download`;
    const request = { name, url, ...(download.companions ? { companions: download.companions } : {}) };
    // A 304 on the main file says nothing of its companions (the Federal Register desk changes
    // while the search does not): with companions, every file is fetched and the content hash of
    // all of them is the sentinel.
    const conditional = meta?.contentHash && !download.companions;
    // The stored validators belong to the last stored file, which for a discovered download may
    // have had another URL: only its ETag goes along (a match means the same representation), not
    // its Last-Modified, which a newer file under a new name could predate (a false 304).
    const validators = conditional
      ? {
          ...(meta.etag ? { etag: meta.etag } : {}),
          ...(meta.lastModified && !download.discover ? { lastModified: meta.lastModified } : {}),
        }
      : {};
    outcome = await fetchVersion(source.id, request, validators, fetchOptions);
  } catch (error) {
    if (!isSourceProblem(error)) throw error;
    return reportSourceFailure(source, error, deps, started);
  }
  if (outcome.notModified) return processNotModified(source, meta, deps);
  try {
    source = withFollowUps(source, fetchOptions);
    const version = {
      input: outcome.input,
      contentHash: outcome.contentHash,
      ...(outcome.etag ? { etag: outcome.etag } : {}),
      ...(outcome.lastModified ? { lastModified: outcome.lastModified } : {}),
      fetchDocument: (url: string, name: string, limits?: { maxBytes?: number }) =>
        fetchWhole(source.id, url, name, fetchOptions, limits?.maxBytes),
    };
    return await processVersion(source, version, meta, deps, { enforceBounds: true, ...options });
  } finally {
    await outcome.cleanup();
  }
}

/**
 * A version on disk: a file (companions such as add.csv/alt.csv are picked up beside it), or a
 * folder holding the main file and its companions.
 */
export async function inputFromPath(
  source: RegisterSource,
  path: string,
): Promise<{ input: ParseInput; files: string[] }> {
  const companionNames = source.companionNames ?? [];
  let mainPath = path;
  if ((await stat(path)).isDirectory()) {
    const names = (await readdir(path)).filter((name) => !name.startsWith('.') && !/^readme/i.test(name)).sort();
    const mains = names.filter((name) => !companionNames.includes(name.toLowerCase()));
    if (mains.length !== 1)
      throw new SourceFetchError(
        source.id,
        `folder ${path} must hold one main file (found ${mains.length ? mains.join(', ') : 'none'})`,
      );
    mainPath = join(path, mains[0]!);
  }
  const companions = await companionsBeside(mainPath, companionNames);
  const files = [mainPath, ...[...companions.keys()].sort().map((name) => join(mainPath, '..', name))];
  return { input: { main: fileDocument(mainPath), companions }, files };
}

/** Feeds recorded versions, in order, through the full pipeline as if each had just been fetched. */
export async function replayPaths(
  source: RegisterSource,
  paths: readonly string[],
  deps: PipelineDeps,
  options: ProcessOptions = {},
): Promise<RunReport[]> {
  const reports: RunReport[] = [];
  for (const path of paths) {
    const started = Date.now();
    const { input, files } = await inputFromPath(source, path);
    const contentHash = await hashFiles(files);
    const meta = await deps.store.getMeta(source.id);
    // A version committed before, other than the stored one, is not diffed again: replaying it
    // would alert the way back from the stored version as changes. The stored one goes through
    // (unchanged, publishing a leftover outbox).
    if (
      !options.force &&
      meta?.contentHash !== contentHash &&
      (await deps.store.hasCommitted(source.id, contentHash))
    ) {
      (deps.log ?? silentLogger).info('version processed before: skipped (--force replays it)', {
        source: source.id,
        path,
      });
      reports.push({ ...emptyReport(source.id, 'already-processed', started), records: meta?.recordCount ?? 0 });
      continue;
    }
    reports.push(
      await processVersion(source, { input, contentHash }, meta, deps, { enforceBounds: false, ...options }),
    );
  }
  return reports;
}
