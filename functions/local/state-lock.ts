/**
 * One process at a time on a local state folder. dynalite keeps its state in LevelDB, which a second
 * process cannot open (it dies with a LevelDB stack trace), and two runs would interleave their
 * outputs. The lock is a file holding the owner's pid: a live owner makes a second process stop
 * with one clear line; a dead owner's lock (a process killed with SIGKILL) is taken over at once.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TradewatchError } from '../core/errors.ts';

/** Another process holds the state folder: said in one line, without the usage hint. */
export class StateFolderBusyError extends TradewatchError {
  readonly kind = 'usage' as const;

  constructor(reason: string) {
    super(reason, reason);
    this.name = 'StateFolderBusyError';
  }
}

export const LOCK_FILE = 'lock';

/** Takes the folder's lock; the returned function releases it. */
export async function lockStateFolder(home: string): Promise<() => Promise<void>> {
  const path = join(home, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        // Only our own lock: a lock taken over after ours went stale is somebody else's.
        if ((await ownerOf(path)) === process.pid) await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = await ownerOf(path);
      if (owner !== undefined && owner !== process.pid && isAlive(owner))
        throw new StateFolderBusyError(
          `another tradewatch process (pid ${owner}) is using ${home}; wait for it to finish`,
        );
      // A dead owner's lock, or one being written as we looked: remove it and try again.
      await unlink(path).catch(() => undefined);
    }
  }
  throw new StateFolderBusyError(`cannot lock ${home}: another tradewatch process keeps taking it`);
}

async function ownerOf(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
