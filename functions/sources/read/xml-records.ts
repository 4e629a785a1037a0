/**
 * The XML register layout most publishers share: one known root element, and one element per
 * record that maps to one record. A format built here sniffs the root and streams the records.
 */
import type { RegisterRecord } from '../../core/records.ts';
import type { ParseContext, ParseInput, SourceFormat } from '../types.ts';
import { streamXmlElements, type XmlElement } from './xml-stream.ts';

/**
 * A head that opens with this root element, after an optional XML declaration, comments and white
 * space. `anyPrefix` also accepts the root under a namespace prefix (`<fsd:export>`).
 */
export function xmlRootPattern(root: string, options: { readonly anyPrefix?: boolean } = {}): RegExp {
  const prefix = options.anyPrefix ? '(?:[\\w.-]+:)?' : '';
  return new RegExp(`^\\s*(?:<\\?xml[^>]*\\?>\\s*)?(?:<!--[\\s\\S]*?-->\\s*)*<${prefix}${root}[\\s>]`);
}

export interface XmlRecordFormatOptions<State> {
  readonly id: string;
  readonly description: string;
  /** Local name of the root element; any other root is an unknown layout. */
  readonly root: string;
  /** Whether the root may carry a namespace prefix. @default false */
  readonly anyPrefix?: boolean;
  /** What the head must hold besides the root (a namespace, say). @default nothing */
  readonly sniffAlso?: (head: string) => boolean;
  /** Local names of the record elements. */
  readonly recordElements: readonly string[];
  /** State shared by the records of one parse (warnings given once, say). */
  readonly newState: (context: ParseContext) => State;
  /** One record element → one record, or undefined (with a warning) to skip it. */
  readonly toRecord: (element: XmlElement, context: ParseContext, state: State) => RegisterRecord | undefined;
}

export function xmlRecordFormat<State>(options: XmlRecordFormatOptions<State>): SourceFormat {
  const rootPattern = xmlRootPattern(options.root, { anyPrefix: options.anyPrefix });
  const recordElements: ReadonlySet<string> = new Set(options.recordElements);
  const rootElements: ReadonlySet<string> = new Set([options.root]);
  const sniffAlso = options.sniffAlso;
  async function* parse(input: ParseInput, context: ParseContext): AsyncGenerator<RegisterRecord> {
    const state = options.newState(context);
    const events = streamXmlElements(input.main.open(), {
      sourceId: context.sourceId,
      fileName: input.main.name,
      recordElements,
      rootElements,
    });
    for await (const { element } of events) {
      const record = options.toRecord(element, context, state);
      if (record) yield record;
    }
  }
  return {
    id: options.id,
    description: options.description,
    sniff: sniffAlso ? (head) => rootPattern.test(head) && sniffAlso(head) : (head) => rootPattern.test(head),
    parse,
  };
}
