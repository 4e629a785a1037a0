/**
 * The Federal Register's full-text XML, captured as a small mixed-content tree of the parts an
 * Entity List rule is read from (preamble, regulatory text, FR Doc line), text kept in document order.
 */
import { SaxesParser } from 'saxes';
import { SourceFormatError } from '../../core/errors.ts';
import { cleanText } from '../../core/records.ts';

/** The source whose errors these are (the Federal Register source reads this format). */
export const SOURCE_ID = 'us-federal-register';
// ---------------------------------------------------------------------------------------------
// A small mixed-content tree of the parts of the document that are read

export interface XNode {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: (XNode | string)[];
}

/** Elements kept whole (everything else is skipped while streaming, e.g. the long SUPLINF prose). */
const CAPTURED: ReadonlySet<string> = new Set(['PREAMB', 'REGTEXT', 'FRDOC']);
/** Root elements of FederalRegister.gov full-text XML, one per document type. */
export const FULL_TEXT_ROOTS: readonly string[] = ['RULE', 'PRORULE', 'NOTICE', 'PRESDOCU', 'CORRECT'];

export interface CapturedDocument {
  root: string;
  preamble?: XNode;
  regtexts: XNode[];
  frdoc?: XNode;
  /** P attribute of the first PRTPAGE in document order. */
  firstPrintedPage?: number;
}

/**
 * Streams the XML through saxes (no DTD is read, no external entity resolved) and keeps only the
 * PREAMB, REGTEXT and FRDOC subtrees, text and elements in document order.
 */
export class FullTextCapture {
  readonly document: CapturedDocument = { root: '', regtexts: [] };
  private readonly parser = new SaxesParser({ xmlns: false, position: true });
  private readonly stack: XNode[] = [];
  private failure: SourceFormatError | undefined;

  constructor(private readonly fileName: string) {
    this.parser.on('opentag', (tag) => {
      const name = localName(tag.name);
      if (!this.document.root) {
        this.document.root = name;
        if (!FULL_TEXT_ROOTS.includes(name)) {
          this.failure ??= new SourceFormatError(
            SOURCE_ID,
            `${fileName}: unknown layout: root element <${tag.name}>, expected one of ${FULL_TEXT_ROOTS.map((r) => `<${r}>`).join(', ')}`,
          );
        }
      }
      if (name === 'PRTPAGE' && this.document.firstPrintedPage === undefined) {
        const page = Number((tag.attributes as Record<string, string>).P);
        if (Number.isInteger(page) && page > 0) this.document.firstPrintedPage = page;
      }
      const parent = this.stack[this.stack.length - 1];
      if (parent || CAPTURED.has(name)) {
        const node: XNode = { name, attributes: tag.attributes as Record<string, string>, children: [] };
        parent?.children.push(node);
        this.stack.push(node);
      }
    });
    const onText = (text: string): void => {
      const parent = this.stack[this.stack.length - 1];
      if (parent) parent.children.push(text);
    };
    this.parser.on('text', onText);
    this.parser.on('cdata', onText);
    this.parser.on('closetag', () => {
      const node = this.stack.pop();
      if (!node || this.stack.length > 0) return;
      if (node.name === 'PREAMB') this.document.preamble ??= node;
      else if (node.name === 'REGTEXT') this.document.regtexts.push(node);
      else if (node.name === 'FRDOC') this.document.frdoc ??= node;
    });
    this.parser.on('error', (error) => {
      this.failure ??= new SourceFormatError(SOURCE_ID, `${fileName}: malformed XML: ${error.message}`, {
        cause: error,
      });
    });
  }

  write(text: string): void {
    try {
      this.parser.write(text);
    } catch (error) {
      this.failure ??= new SourceFormatError(
        SOURCE_ID,
        `${this.fileName}: malformed XML: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (this.failure) throw this.failure;
  }

  close(): CapturedDocument {
    try {
      this.parser.close();
    } catch (error) {
      this.failure ??= new SourceFormatError(
        SOURCE_ID,
        `${this.fileName}: truncated or malformed XML: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (this.failure) throw this.failure;
    if (!this.document.root) throw new SourceFormatError(SOURCE_ID, `${this.fileName}: no XML element found`);
    return this.document;
  }
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

export function elements(node: XNode, name?: string): XNode[] {
  const out: XNode[] = [];
  for (const c of node.children) if (typeof c !== 'string' && (name === undefined || c.name === name)) out.push(c);
  return out;
}

export function descendantsNamed(node: XNode, name: string, out: XNode[] = []): XNode[] {
  for (const c of node.children) {
    if (typeof c === 'string') continue;
    if (c.name === name) out.push(c);
    descendantsNamed(c, name, out);
  }
  return out;
}

interface InlineOptions {
  /** `<SU>` is a footnote reference (collected here and left out of the text), not a suffix. */
  readonly footnotes?: string[];
  /** Leave LI children out (the Entity cell's lines are read one by one). */
  readonly skipLines?: boolean;
}

/**
 * The text of a node in document order, whitespace collapsed. PRTPAGE (a page break) and FTREF
 * vanish; SU is glued to the text before it ("3" + "rd"), or collected as a footnote.
 */
export function inlineText(node: XNode, options: InlineOptions = {}): string {
  let text = '';
  const walk = (n: XNode): void => {
    for (const c of n.children) {
      if (typeof c === 'string') {
        text += c;
        continue;
      }
      if (c.name === 'PRTPAGE' || c.name === 'FTREF') continue;
      if (c.name === 'LI' && options.skipLines) continue;
      if (c.name === 'SU') {
        const mark = cleanText(inlineText(c));
        if (options.footnotes) {
          if (mark) options.footnotes.push(mark);
          text += ' ';
        } else {
          text = text.replace(/\s+$/, '') + mark;
        }
        continue;
      }
      if (c.name === 'LI') {
        text += ' ';
        walk(c);
        text += ' ';
        continue;
      }
      walk(c);
    }
  };
  walk(node);
  // A footnote mark left a space before the punctuation it stood against: "734.9(g), 3 744.21(b)".
  return cleanText(text).replace(/\s+([,;.)])/g, '$1');
}
