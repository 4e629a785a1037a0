/**
 * What the Entity List rule readers produce: a rule, its amendatory instructions and its entries.
 * Shared by the rule's reader (federal-register-entity-list.ts) and its table reader.
 */
/** The list name of the entities read from Federal Register Entity List rules (early warnings). */
export const ENTITY_LIST_RULE_LIST = 'Entity List (Federal Register)';

export const ENTITY_LIST_ACTIONS = ['add', 'remove', 'revise'] as const;
export type EntityListAction = (typeof ENTITY_LIST_ACTIONS)[number];

// ---------------------------------------------------------------------------------------------
// Amendatory instructions

export interface EntityListEntry {
  /** Destination as printed ("CHINA, PEOPLE'S REPUBLIC OF"). */
  readonly destination: string;
  readonly countryCode?: string;
  readonly name: string;
  readonly aliases: string[];
  readonly addresses: string[];
  /** Countries read from the end of each address ("…, Moscow, Russia" → RU). */
  readonly addressCountries: string[];
  /** "(See alternate address under China)" and the like. */
  readonly addressNotes: string[];
  readonly licenseRequirement: string;
  readonly licenseReviewPolicy: string;
  /** Footnote marks in the License requirement column ("3": Russia/Belarus military end user). */
  readonly footnotes: string[];
  /** The citation with a filing placeholder filled in from the document. */
  readonly frCitation: string;
  /** The citation column as printed, when it differs from `frCitation`. */
  readonly frCitationAsPrinted?: string;
  /** From the amendatory instructions; undefined when they do not say (a warning is given). */
  readonly action?: EntityListAction;
  /** False for an entry known only from the instructions (a removal: not reprinted). */
  readonly inTable: boolean;
}

export interface EntityListRule {
  /** "2023-03929", from the FRDOC line (or the file name when the line is missing). */
  readonly documentNumber: string;
  readonly subject: string;
  readonly action: string;
  /** ISO date from the DATES/EFFDATE paragraph ("This rule is effective February 24, 2023."). */
  readonly effectiveDate?: string;
  readonly rin?: string;
  readonly docket?: string;
  /** The first printed page (the first PRTPAGE minus one). */
  readonly startPage?: number;
  readonly amendments: readonly EntityListAmendment[];
  readonly entries: readonly EntityListEntry[];
}

export interface EntityListAmendment {
  readonly action: EntityListAction;
  /** Destination as the instruction writes it ("CHINA, PEOPLE'S REPUBLIC OF"), '' when not said. */
  readonly destination: string;
  readonly countryCode?: string;
  /** The quoted entry name, '' when the instruction names none ("adding ... one entity"). */
  readonly name: string;
}
