import { Curve, proto, type KeyPair } from './wa.ts';

/**
 * The sandbox's stand-in for WhatsApp's noise certificate chain. Baileys checks that the intermediate
 * is signed by `WA_CERT_DETAILS.PUBLIC_KEY` with issuer serial 0 and that the leaf is signed by the
 * intermediate; a process trusts the sandbox by swapping that one public key (see trust.ts).
 */
export interface NoiseIdentity {
  root: KeyPair;
  intermediate: KeyPair;
  /** Static key of the noise responder (also the leaf's key). */
  serverStatic: KeyPair;
  /** Encoded `CertChain` sent (encrypted) in the server hello. */
  certChain: Uint8Array;
}

export function createNoiseIdentity(keys?: { root: KeyPair; intermediate: KeyPair; serverStatic: KeyPair }): NoiseIdentity {
  const root = keys?.root ?? Curve.generateKeyPair();
  const intermediate = keys?.intermediate ?? Curve.generateKeyPair();
  const serverStatic = keys?.serverStatic ?? Curve.generateKeyPair();
  const now = Math.floor(Date.now() / 1000);
  // Valid from yesterday (a client clock slightly behind) for ten years.
  const details = (serial: number, issuerSerial: number, key: Uint8Array) =>
    proto.CertChain.NoiseCertificate.Details.encode({ serial, issuerSerial, key, notBefore: now - 86_400, notAfter: now + 10 * 365 * 86_400 }).finish();
  const intermediateDetails = details(1, 0, intermediate.public);
  const leafDetails = details(2, 1, serverStatic.public);
  const certChain = proto.CertChain.encode({
    intermediate: { details: intermediateDetails, signature: Curve.sign(root.private, intermediateDetails) },
    leaf: { details: leafDetails, signature: Curve.sign(intermediate.private, leafDetails) },
  }).finish();
  return { root, intermediate, serverStatic, certChain };
}
