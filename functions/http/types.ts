/**
 * What a download yields and how a changing file is found: the types http/ produces and consumes.
 * sources/types.ts re-exports them, so sources keep naming them from there.
 */
import type { Readable } from 'node:stream';

/** One file of a publication. `open()` gives a fresh byte stream each time it is called. */
export interface SourceDocument {
  /** File name as published or as given on the command line, e.g. `sdn.csv`. */
  readonly name: string;
  open(): Readable;
}

export interface ParseInput {
  /** The main file (sdn.csv, SDN.XML, consolidated.xml, ...). */
  readonly main: SourceDocument;
  /**
   * Files that belong with the main one, keyed by lower-case base name (`add.csv`, `alt.csv`,
   * `sdn_comments.csv`). Formats that need none ignore this.
   */
  readonly companions: ReadonlyMap<string, SourceDocument>;
}

/** Where a download whose file name changes with every update is linked from. */
export interface SourceDiscovery {
  /** An https page that links the file, e.g. the register's page on the publisher's site. */
  readonly page: string;
  /**
   * RegExp source, matched case-insensitively against the absolute URL of every `<a href>` on the
   * page (relative hrefs resolved against the page). A named group `date` marks the date in it.
   */
  readonly linkPattern: string;
  /**
   * How the eight digits of the `date` group read, when several links match: the latest date wins.
   * Without it (or when no match carries a valid date), the last matching link on the page wins.
   */
  readonly dateFormat?: 'MMDDYYYY' | 'YYYYMMDD';
}
