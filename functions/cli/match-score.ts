/** `tradewatch match-score`: the name pairs of a CSV on stdin scored (see ./score-csv.ts for the format). */
import { UnknownSchemaError } from '../match/score.ts';
import { thresholdFlag, type Flags } from './args.ts';
import { NamePairsFormatError, scoreNamePairsCsv } from './score-csv.ts';

export async function commandMatchScore(flags: Flags): Promise<number> {
  const threshold = thresholdFlag(flags);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  try {
    process.stdout.write(scoreNamePairsCsv(Buffer.concat(chunks).toString('utf8'), threshold));
    return 0;
  } catch (error) {
    // The input's fault: its message alone (main would prefix an error that is no TradewatchError with its name).
    if (!(error instanceof NamePairsFormatError || error instanceof UnknownSchemaError)) throw error;
    process.stderr.write(`tradewatch: ${error.message}\n`);
    return 1;
  }
}
