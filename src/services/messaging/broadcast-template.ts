import { validationFailed } from '../shared/index.ts';
import { checkText } from './message-sender.ts';
import { parseRecipient } from './recipients.ts';

/** At most this many recipients per broadcast: one transaction, and its counts stay one cheap query. */
export const BROADCAST_MAX_RECIPIENTS = 1000;
const MAX_VARIABLES = 50;
const MAX_VALUE = 4096;
const MAX_CAPTION = 4096;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** `{{name}}`, spaces inside the braces allowed. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export interface BroadcastRecipientInput {
  to: string;
  variables?: ReadonlyArray<{ name: string; value: string }> | null;
}

export interface FilledRecipient {
  to: string;
  /** Where the message goes: the JID of the phone number, or the JID given. */
  chatJid: string;
  text: string;
}

/** What a template fills: a text (not empty) or a media caption (may be empty). */
export interface TemplateField {
  /** The input field, for errors: `text` or `media.caption`. */
  name: string;
  /** Refuses a value that cannot be sent (VALIDATION_FAILED); returns it. */
  check(value: string): string;
}

const TEXT: TemplateField = { name: 'text', check: checkText };

/** A media caption: empty is none; at most 4096 characters once filled. */
export const CAPTION: TemplateField = {
  name: 'media.caption',
  check(value) {
    if (value.length > MAX_CAPTION) throw validationFailed(`caption must be at most ${MAX_CAPTION} characters`, { field: 'media.caption' });
    return value;
  },
};
/** The placeholder names a template uses; a malformed one is refused. */
export function placeholdersOf(template: string, field = 'text'): string[] {
  const names = new Set<string>();
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (!NAME.test(name ?? '')) throw validationFailed(`${field} has a placeholder {{${name}}}: names are letters, digits and _ (not first), at most 64`, { field, placeholder: name });
    names.add(name!);
  }
  return [...names];
}

/**
 * Each recipient's own text: every placeholder filled from its variables. Refused as a whole
 * (VALIDATION_FAILED naming the recipient's index and field) when a `to` is not a phone number or
 * JID, a recipient repeats (it would get the message twice), or a placeholder has no value.
 */
export function fillRecipients(template: string, recipients: readonly BroadcastRecipientInput[], what: TemplateField = TEXT): FilledRecipient[] {
  if (what === TEXT) checkText(template);
  if (!recipients.length) throw validationFailed('recipients must not be empty', { field: 'recipients' });
  if (recipients.length > BROADCAST_MAX_RECIPIENTS) throw validationFailed(`a broadcast has at most ${BROADCAST_MAX_RECIPIENTS} recipients`, { field: 'recipients', max: BROADCAST_MAX_RECIPIENTS });
  const used = placeholdersOf(template, what.name);
  const seen = new Map<string, number>();
  return recipients.map((r, i) => {
    const field = `recipients[${i}]`;
    let chatJid: string;
    try {
      chatJid = parseRecipient(r.to).jid;
    } catch (err) {
      throw validationFailed(`${field}.to: ${(err as Error).message}`, { field: `${field}.to`, to: r.to });
    }
    const earlier = seen.get(chatJid);
    if (earlier !== undefined) throw validationFailed(`${field}.to repeats recipients[${earlier}] (${chatJid}): each recipient gets one message`, { field: `${field}.to`, to: r.to });
    seen.set(chatJid, i);
    const values = variablesOf(r.variables ?? [], field);
    const missing = used.filter((name) => !values.has(name));
    if (missing.length) throw validationFailed(`${field} has no value for ${missing.map((n) => `{{${n}}}`).join(', ')}`, { field: `${field}.variables`, missing });
    const text = template.replace(PLACEHOLDER, (_m, name: string) => values.get(name) ?? '');
    return { to: r.to, chatJid, text: checkFilled(text, field, what) };
  });
}

function variablesOf(variables: ReadonlyArray<{ name: string; value: string }>, field: string): Map<string, string> {
  if (variables.length > MAX_VARIABLES) throw validationFailed(`${field} has more than ${MAX_VARIABLES} variables`, { field: `${field}.variables` });
  const values = new Map<string, string>();
  for (const v of variables) {
    if (!NAME.test(v.name)) throw validationFailed(`${field}.variables: "${v.name}" is not a placeholder name (letters, digits and _, not first)`, { field: `${field}.variables`, name: v.name });
    if (values.has(v.name)) throw validationFailed(`${field}.variables names ${v.name} twice`, { field: `${field}.variables`, name: v.name });
    if (typeof v.value !== 'string' || v.value.length > MAX_VALUE) throw validationFailed(`${field}.variables.${v.name} is at most ${MAX_VALUE} characters`, { field: `${field}.variables`, name: v.name });
    values.set(v.name, v.value);
  }
  return values;
}

function checkFilled(text: string, field: string, what: TemplateField): string {
  try {
    return what.check(text);
  } catch (err) {
    throw validationFailed(`${field}: the filled ${what === TEXT ? 'text' : 'caption'} is not sendable: ${(err as Error).message}`, { field });
  }
}
