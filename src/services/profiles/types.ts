/** A user's about text ("status" in Baileys), as the instance may see it. */
export interface AboutView {
  jid: string;
  /** Null when they have none, or hide it from this account (e.g. they blocked it). */
  text: string | null;
  setAt: Date | null;
}

/** Someone the instance's account blocked. */
export interface BlockedContactView {
  /** The phone-number JID when the number is known, else the LID. */
  jid: string;
  lid: string | null;
  phoneNumber: string | null;
}
