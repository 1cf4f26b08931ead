import { validationFailed } from '../shared/index.ts';
import { isPrivateTarget } from './webhook-sender.ts';

/** Why a webhook URL was refused, for transports that distinguish (SUDEVWA: VALIDATION_ERROR vs INVALID_URL). */
export type WebhookUrlProblem = 'required' | 'scheme' | 'malformed' | 'private';

const MAX_URL = 2_048;

const badUrl = (reason: WebhookUrlProblem, message: string) => validationFailed(message, { field: 'url', reason });

/** An absolute http(s) URL without credentials, not private unless allowed. Throws VALIDATION_FAILED with `details.reason`. */
export function checkWebhookUrl(raw: unknown, allowPrivate: boolean): string {
  if (typeof raw !== 'string' || !raw.trim()) throw badUrl('required', "Field 'url' is required");
  const value = raw.trim();
  if (!/^https?:\/\//i.test(value)) throw badUrl('scheme', 'webhook url must start with http:// or https://');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badUrl('malformed', 'webhook url is not a valid URL');
  }
  if (value.length > MAX_URL) throw badUrl('malformed', `webhook url must be at most ${MAX_URL} characters`);
  if (url.username || url.password) throw badUrl('malformed', 'webhook url must not carry credentials');
  // Hostnames are checked again at every delivery, against what they resolve to then.
  if (!allowPrivate && isPrivateTarget(url)) {
    throw badUrl('private', 'webhook url points to a private or loopback address (set WEBHOOK_ALLOW_PRIVATE_URLS=true to allow it)');
  }
  return value;
}
