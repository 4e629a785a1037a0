/** Where local alerts go, and what a delivery reports: shared by the runtime and the delivery. */
import type { Bundle } from '../core/bundles.ts';
import type { TradewatchEvent } from '../core/events.ts';
import type { WebhookTarget } from '../delivery/webhook.ts';

/** The operations recipients' queue and outbox files go by this name. */
export const OPERATIONS = 'operations';

/** Where one subscriber's (or the operations recipients') alerts go. */
export type DeliveryTarget =
  | { channel: 'email'; to: string; file: string }
  | { channel: 'sms'; to: string; file: string }
  | { channel: 'webhook'; to: string; webhook: WebhookTarget };

/** What was delivered: one change event, or a bundle (a publication or a digest). */
export type DeliveredAlert = ({ event: TradewatchEvent; bundle?: undefined } | { bundle: Bundle; event?: undefined }) &
  DeliveryReport;

interface DeliveryReport {
  webhook?: { delivered: boolean; attempts: number; error?: string };
  /** With a configuration: the subscriber (or `operations`) it went to, the channel, and what was written. */
  delivery?: { subscriber: string; channel: DeliveryTarget['channel']; to: string; text: string };
}
