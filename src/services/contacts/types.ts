/** A person an instance knows: one identity whichever form WhatsApp showed (number, LID, or both). */
export interface ContactView {
  /** The listing's cursor. */
  id: string;
  instanceId: string;
  /** The phone-number JID when the number is known, else the LID. */
  jid: string;
  lid: string | null;
  phoneNumber: string | null;
  /** The name the account's owner saved. */
  name: string | null;
  /** The name the person gave themselves. */
  pushName: string | null;
  verifiedName: string | null;
  /** name, else push name, else verified name, else the number. */
  displayName: string;
  updatedAt: Date;
}
