/**
 * SNS subscription filter policies (MessageAttributes scope) in the form tradewatch generates them:
 * each key lists the exact string values it accepts, and `$or` holds alternative groups of keys.
 *
 * `matchesFilterPolicy` evaluates such a policy with SNS's semantics, for the local runtime and the
 * tests: keys are ANDed, the values of one key ORed, a `String.Array` attribute matches when any of
 * its elements does, and a missing attribute never matches. It is needed because fauxqs 1.9.2
 * compares a `String.Array` attribute as one opaque string (`["CN","HK"]` never equals `"CN"`), so
 * the emulator alone would drop every message a country, program or keyword filter should pass.
 *
 * `policyComplexity` measures a policy against SNS's limits: at most 5 attribute names, and at most
 * 150 value combinations (the product of the value counts; with `$or`, summed over the alternatives).
 */

/** Exact-match values of one attribute. */
export type FilterValues = string[];

export interface FilterPolicy {
  [attribute: string]: FilterValues | FilterPolicy[];
}

/** A message attribute as SNS takes it and SQS hands it over. */
export interface FilterAttribute {
  DataType?: string;
  StringValue?: string;
}

export const SNS_POLICY_LIMITS = { attributeNames: 5, combinations: 150 } as const;

/** True when SNS would deliver a message with these attributes to a subscription with this policy. */
export function matchesFilterPolicy(
  policy: FilterPolicy,
  attributes: Readonly<Record<string, FilterAttribute | undefined>>,
): boolean {
  for (const [key, condition] of Object.entries(policy)) {
    if (key === '$or') {
      if (!(condition as FilterPolicy[]).some((group) => matchesFilterPolicy(group, attributes))) return false;
    } else if (!matchesValues(condition as FilterValues, attributes[key])) return false;
  }
  return true;
}

function matchesValues(accepted: FilterValues, attribute: FilterAttribute | undefined): boolean {
  if (attribute?.StringValue === undefined) return false;
  if (attribute.DataType === 'String.Array') {
    let elements: unknown;
    try {
      elements = JSON.parse(attribute.StringValue);
    } catch {
      // SNS does not match a String.Array attribute that is not a JSON array.
      return false;
    }
    return (
      Array.isArray(elements) && elements.some((element) => typeof element === 'string' && accepted.includes(element))
    );
  }
  return accepted.includes(attribute.StringValue);
}

export interface PolicyComplexity {
  /** Every attribute name the policy reads, in first-seen order. */
  attributeNames: string[];
  /** Value combinations: the product of the value counts, summed over `$or` alternatives. */
  combinations: number;
}

export function policyComplexity(policy: FilterPolicy): PolicyComplexity {
  const names: string[] = [];
  const walk = (group: FilterPolicy): number => {
    let product = 1;
    let alternatives: number | undefined;
    for (const [key, condition] of Object.entries(group)) {
      if (key === '$or') {
        alternatives = (condition as FilterPolicy[]).reduce((sum, branch) => sum + walk(branch), 0);
      } else {
        if (!names.includes(key)) names.push(key);
        product *= (condition as FilterValues).length;
      }
    }
    return alternatives === undefined ? product : product * alternatives;
  };
  const combinations = walk(policy);
  return { attributeNames: names, combinations };
}
