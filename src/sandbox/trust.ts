import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';

/**
 * Makes the current process trust one sandbox, and nothing more:
 *
 * - Noise: Baileys checks the server's certificate chain against `WA_CERT_DETAILS.PUBLIC_KEY`, an
 *   exported mutable Buffer (32-byte Curve25519 key, no 0x05 prefix). Setting it reaches every socket
 *   of this module graph; a second copy of Baileys (another node_modules) or a child process is not
 *   affected, so such a process must call this itself.
 * - TLS: media is uploaded with `https` and downloaded with global `fetch` (undici). Both build their
 *   secure contexts from Node's default CA list when no `ca` is given, so appending the sandbox CA
 *   with `tls.setDefaultCACertificates` covers both without `NODE_TLS_REJECT_UNAUTHORIZED` or a custom
 *   agent. Certificate checking stays on; only one more root is accepted.
 *
 * Both are process-wide, so the bookkeeping is too: several overlapping trusts (two sandboxes in one
 * test run) stack, and each `untrust()` takes back only what its own call added. After `untrust()`,
 * new TLS handshakes verify against the restored list, but a keep-alive connection or a resumed TLS
 * session (https' agent and undici both cache sessions per origin) to an origin that was already
 * reached can still succeed: untrusting is for tidy tests, not a security boundary.
 */
export interface SandboxTrustOptions {
  /** The sandbox's noise root public key (32 bytes, Curve25519). */
  rootPublicKey: Uint8Array;
  /** The sandbox's media CA certificate (PEM). */
  caCertPem: string;
}

/** Undoes one `trustSandbox` call. Safe to call more than once. */
export type Untrust = () => void;

interface ActiveTrust {
  rootPublicKey: Buffer;
  caFingerprint: string;
}

/** Live trusts, oldest first; the newest one's noise key is the one in force. */
const active: ActiveTrust[] = [];
/** The noise key from before the first live trust, restored when the last one goes. */
let keyBeforeTrusts: typeof WA_CERT_DETAILS.PUBLIC_KEY | undefined;
/** CAs this module appended (by fingerprint); a CA that was already trusted is never removed. */
const addedCas = new Set<string>();

export function trustSandbox({ rootPublicKey, caCertPem }: SandboxTrustOptions): Untrust {
  if (rootPublicKey.length !== 32) {
    throw new TypeError(`rootPublicKey must be a 32-byte Curve25519 public key, got ${rootPublicKey.length} bytes`);
  }
  // Parsing throws on a malformed PEM before anything changes, and canonicalises the input's wrapping.
  const caFingerprint = new X509Certificate(caCertPem).raw.toString('base64');

  if (active.length === 0) keyBeforeTrusts = WA_CERT_DETAILS.PUBLIC_KEY;
  const entry: ActiveTrust = { rootPublicKey: Buffer.from(rootPublicKey), caFingerprint };
  active.push(entry);
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(entry.rootPublicKey);

  const defaults = tls.getCACertificates('default');
  if (!addedCas.has(caFingerprint) && !defaults.some((pem) => fingerprint(pem) === caFingerprint)) {
    tls.setDefaultCACertificates([...defaults, caCertPem]);
    addedCas.add(caFingerprint);
  }

  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    active.splice(active.indexOf(entry), 1);

    // Drop the CA only when no other live trust still relies on it.
    if (addedCas.has(caFingerprint) && !active.some((t) => t.caFingerprint === caFingerprint)) {
      addedCas.delete(caFingerprint);
      tls.setDefaultCACertificates(tls.getCACertificates('default').filter((pem) => fingerprint(pem) !== caFingerprint));
    }

    const newest = active.at(-1);
    if (newest) {
      WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(newest.rootPublicKey);
    } else if (keyBeforeTrusts) {
      WA_CERT_DETAILS.PUBLIC_KEY = keyBeforeTrusts;
      keyBeforeTrusts = undefined;
    }
  };
}

/**
 * Identity of a certificate in Node's canonical PEM (what `getCACertificates` returns): its DER as
 * base64. Reading it off the text is microseconds; parsing ~150-300 default roots costs ~30 ms.
 */
function fingerprint(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
}
