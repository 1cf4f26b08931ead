// The limits of sending, in one place: the service enforces them and the GraphQL schema reads them
// (for its validation and its descriptions), so the two cannot disagree.

export const TEXT_MAX_LENGTH = 65_536;
/** Phone numbers per `checkNumbers` call: one directory query to WhatsApp each. */
export const NUMBER_CHECK_MAX = 50;

export const EXACTLY_ONE_SENDER = 'give exactly one of instanceId and fromPhoneNumber';

/** A send names its sender by exactly one of `instanceId` and `fromPhoneNumber`. */
export function hasExactlyOneSender(input: { instanceId?: string | null; fromPhoneNumber?: string | null }): boolean {
  return !!input.instanceId !== !!input.fromPhoneNumber;
}
