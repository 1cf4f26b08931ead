import { randomBytes, randomInt } from 'node:crypto';
import type { Companion, Phone } from './accounts.ts';
import type { Connection } from './connection.ts';
import { SandboxError, notFound } from './errors.ts';
import { childBuffer, iqResult, type Network, newStanzaId, nowSeconds, S_WHATSAPP_NET } from './network.ts';
import {
  aesDecryptCTR,
  aesDecryptGCM,
  aesEncryptCTR,
  Curve,
  derivePairingCodeKey,
  getBinaryNodeChild,
  hkdf,
  hmacSign,
  proto,
  type BinaryNode,
  type KeyPair,
} from './wa.ts';

const QR_PREFIX = 'https://wa.me/settings/linked_devices#';
const ADV_ACCOUNT_SIG_PREFIX = Buffer.from([6, 0]);
const ADV_DEVICE_SIG_PREFIX = Buffer.from([6, 1]);
/** Baileys shows one QR per ref: the first for 60 s, then 20 s each; six refs is about two minutes, like WhatsApp. */
const QR_REFS = 6;

interface PairingCodeRequest {
  phoneNumber: string;
  wrappedCompanionEphemeral: Buffer;
  ref: Buffer;
  /** Set once the phone entered the code: waits for the companion's key bundle. */
  primaryEphemeral?: KeyPair;
  onFinish?: (bundle: Buffer) => void;
}

const pairingCodeRequests = new WeakMap<Connection, PairingCodeRequest>();

/** An unpaired client finished the handshake: offer it QR refs. */
export function startRegistration(net: Network, conn: Connection): void {
  const refs: BinaryNode[] = [];
  for (let i = 0; i < QR_REFS; i++) {
    const ref = `2@${randomBytes(24).toString('base64')}`;
    net.qrRefs.set(ref, conn);
    refs.push({ tag: 'ref', attrs: {}, content: Buffer.from(ref) });
  }
  void net.sendIq(conn, {
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'set', xmlns: 'md', id: newStanzaId() },
    content: [{ tag: 'pair-device', attrs: {}, content: refs }],
  }).catch(() => undefined);
}

export function forgetRegistration(net: Network, conn: Connection): void {
  for (const [ref, owner] of net.qrRefs) if (owner === conn) net.qrRefs.delete(ref);
}

/** The phone scans a QR string shown by a companion. Resolves once the companion has signed its identity. */
export async function scanQr(net: Network, phone: Phone, qr: string): Promise<Companion> {
  if (typeof qr !== 'string' || !qr.startsWith(QR_PREFIX)) {
    throw new SandboxError('INVALID_QR', 'not a WhatsApp linking QR code');
  }
  const [ref, noiseKeyB64, identityKeyB64, advSecretB64] = qr.slice(QR_PREFIX.length).split(',');
  const conn = ref ? net.qrRefs.get(ref) : undefined;
  if (!conn?.open || !conn.registration) {
    throw new SandboxError('QR_EXPIRED', 'QR code expired or unknown: ask the companion for a fresh one', 410);
  }
  const { registration } = conn;
  const identity = registration.payload.devicePairingData?.eIdent;
  if (
    !noiseKeyB64 || !identityKeyB64 || !advSecretB64 || !identity ||
    Buffer.from(noiseKeyB64, 'base64').compare(registration.noiseKey) !== 0 ||
    Buffer.from(identityKeyB64, 'base64').compare(Buffer.from(identity)) !== 0
  ) {
    throw new SandboxError('INVALID_QR', 'QR code keys do not match the companion that showed it');
  }
  return completePairing(net, phone, conn, Buffer.from(identity), Buffer.from(advSecretB64, 'base64'));
}

/** Companion asks for a pairing code (`requestPairingCode`): stage companion_hello. */
export function onCompanionHello(net: Network, conn: Connection, iq: BinaryNode, reg: BinaryNode): void {
  const phoneNumber = (reg.attrs.jid ?? '').split('@')[0]!.split(':')[0]!;
  const wrapped = childBuffer(getBinaryNodeChild(reg, 'link_code_pairing_wrapped_companion_ephemeral_pub'));
  const ref = randomBytes(16);
  if (wrapped && wrapped.length >= 80) {
    pairingCodeRequests.set(conn, { phoneNumber, wrappedCompanionEphemeral: wrapped, ref });
    net.events.emit('pairingCodeRequested', phoneNumber);
  }
  void conn.send(iqResult(iq, [{ tag: 'link_code_companion_reg', attrs: {}, content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: ref }] }]));
}

/** Companion sends its wrapped key bundle: stage companion_finish. */
export function onCompanionFinish(conn: Connection, iq: BinaryNode, reg: BinaryNode): void {
  const request = pairingCodeRequests.get(conn);
  const bundle = childBuffer(getBinaryNodeChild(reg, 'link_code_pairing_wrapped_key_bundle'));
  void conn.send(iqResult(iq));
  if (request?.onFinish && bundle) request.onFinish(bundle);
}

function findPairingRequest(net: Network, phoneNumber: string): Connection | undefined {
  return [...net.connections].filter((c) => c.open && c.registration && pairingCodeRequests.get(c)?.phoneNumber === phoneNumber).at(-1);
}

/** `requestPairingCode` does not wait for the server, so the request may still be in flight: give it a moment, as a person typing would. */
function waitForPairingRequest(net: Network, phoneNumber: string, timeoutMs = 3_000): Promise<Connection | undefined> {
  const found = findPairingRequest(net, phoneNumber);
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      net.events.off('pairingCodeRequested', onRequest);
      resolve(findPairingRequest(net, phoneNumber));
    };
    const onRequest = (number: string) => number === phoneNumber && done();
    const timer = setTimeout(done, timeoutMs);
    net.events.on('pairingCodeRequested', onRequest);
  });
}

/** The phone's user types the 8-character code the companion shows. */
export async function enterPairingCode(net: Network, phone: Phone, code: string): Promise<Companion> {
  const normalized = String(code ?? '').replace(/[\s-]/g, '').toUpperCase();
  if (!/^[1-9A-HJ-NP-TV-Z]{8}$/.test(normalized)) {
    throw new SandboxError('INVALID_PAIRING_CODE', 'a pairing code is 8 characters (Crockford base32)');
  }
  const conn = await waitForPairingRequest(net, phone.phoneNumber);
  const request = conn && pairingCodeRequests.get(conn);
  if (!conn || !request) {
    throw new SandboxError('NO_PAIRING_REQUEST', `no companion is waiting for a pairing code for ${phone.phoneNumber}`, 404);
  }
  const w = request.wrappedCompanionEphemeral;
  const companionEphemeral = aesDecryptCTR(w.subarray(48, 80), await derivePairingCodeKey(normalized, w.subarray(0, 32)), w.subarray(32, 48));

  const primaryEphemeral = Curve.generateKeyPair();
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const wrappedPrimary = Buffer.concat([salt, iv, aesEncryptCTR(primaryEphemeral.public, await derivePairingCodeKey(normalized, salt), iv)]);
  const bundle = new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new SandboxError('PAIRING_TIMEOUT', 'the companion did not answer the pairing code', 504)), 15_000);
    request.onFinish = (b) => {
      clearTimeout(timer);
      resolve(b);
    };
  });
  await conn.send({
    tag: 'notification',
    attrs: { from: S_WHATSAPP_NET, type: 'link_code_companion_reg', id: newStanzaId(), t: nowSeconds() },
    content: [{
      tag: 'link_code_companion_reg',
      attrs: {},
      content: [
        { tag: 'link_code_pairing_ref', attrs: {}, content: request.ref },
        { tag: 'primary_identity_pub', attrs: {}, content: phone.signal.identity.public },
        { tag: 'link_code_pairing_wrapped_primary_ephemeral_pub', attrs: {}, content: wrappedPrimary },
      ],
    }],
  });
  const wrappedBundle = await bundle;
  const companionShared = Curve.sharedKey(primaryEphemeral.private, companionEphemeral);
  const key = hkdf(companionShared, 32, { salt: wrappedBundle.subarray(0, 32), info: 'link_code_pairing_key_bundle_encryption_key' });
  let plain: Buffer;
  try {
    plain = Buffer.from(aesDecryptGCM(wrappedBundle.subarray(44), key, wrappedBundle.subarray(32, 44), Buffer.alloc(0)));
  } catch {
    // The code only proves itself here: a wrong code gave both sides different ephemeral keys.
    pairingCodeRequests.delete(conn);
    throw new SandboxError('WRONG_PAIRING_CODE', 'the pairing code does not match the one the companion shows');
  }
  const companionIdentity = plain.subarray(0, 32);
  const random = plain.subarray(64, 96);
  const identityShared = Curve.sharedKey(phone.signal.identity.private, companionIdentity);
  const advSecret = hkdf(Buffer.concat([companionShared, identityShared, random]), 32, { info: 'adv_secret' });
  pairingCodeRequests.delete(conn);
  return completePairing(net, phone, conn, Buffer.from(companionIdentity), Buffer.from(advSecret));
}

/**
 * pair-success with an ADV identity signed by the phone's account key; the companion must answer
 * with its own device signature. Then the 515 restart, after which it logs in with its noise key.
 */
async function completePairing(net: Network, phone: Phone, conn: Connection, companionIdentity: Buffer, advSecret: Buffer): Promise<Companion> {
  const registration = conn.registration!;
  conn.registration = undefined; // a second scan of the same QR must not link twice
  forgetRegistration(net, conn);
  const deviceId = phone.nextDeviceId++;
  const keyIndex = deviceId;
  const account = phone.signal.identity;
  const deviceDetails = proto.ADVDeviceIdentity.encode({ rawId: randomInt(1, 2 ** 31), timestamp: Math.floor(Date.now() / 1000), keyIndex }).finish();
  const accountSignature = Curve.sign(account.private, Buffer.concat([ADV_ACCOUNT_SIG_PREFIX, deviceDetails, companionIdentity]));
  const signed = proto.ADVSignedDeviceIdentity.encode({ details: deviceDetails, accountSignatureKey: account.public, accountSignature }).finish();
  const identityHmac = proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac: hmacSign(signed, advSecret) }).finish();

  const reply = await net.sendIq(conn, {
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'set', xmlns: 'md', id: newStanzaId(), t: nowSeconds() },
    content: [{
      tag: 'pair-success',
      attrs: {},
      content: [
        { tag: 'device-identity', attrs: {}, content: identityHmac },
        { tag: 'platform', attrs: { name: 'android' } },
        { tag: 'device', attrs: { jid: `${phone.phoneNumber}:${deviceId}@s.whatsapp.net`, lid: `${phone.lid}:${deviceId}@lid` } },
      ],
    }],
  }).catch(() => undefined);
  const signedBack = childBuffer(getBinaryNodeChild(getBinaryNodeChild(reply, 'pair-device-sign'), 'device-identity'));
  const deviceSignature = signedBack ? proto.ADVSignedDeviceIdentity.decode(signedBack).deviceSignature : undefined;
  const deviceMsg = Buffer.concat([ADV_DEVICE_SIG_PREFIX, deviceDetails, companionIdentity, account.public]);
  if (!deviceSignature || !Curve.verify(companionIdentity, deviceMsg, deviceSignature)) {
    conn.end();
    throw new SandboxError('PAIRING_FAILED', 'the companion did not sign its device identity');
  }
  const data = registration.payload.devicePairingData!;
  const props = data.deviceProps ? proto.DeviceProps.decode(data.deviceProps) : undefined;
  const companion: Companion = {
    phoneNumber: phone.phoneNumber,
    deviceId,
    keyIndex,
    noiseKey: registration.noiseKey,
    identityKey: companionIdentity,
    registrationId: Buffer.from(data.eRegid!).readUInt32BE(0),
    signedPreKey: {
      keyId: Buffer.from(data.eSkeyId!).readUIntBE(0, 3),
      publicKey: Buffer.from(data.eSkeyVal!),
      signature: Buffer.from(data.eSkeySig!),
    },
    preKeys: new Map(),
    platform: props?.os ?? 'unknown',
    linkedAt: Date.now(),
    queue: [],
    presenceSubscriptions: new Set(),
  };
  phone.companions.set(deviceId, companion);
  net.changed();
  net.events.emit('linked', phone, companion);
  // WhatsApp makes the new companion reconnect with its fresh credentials.
  await conn.streamError(515);
  return companion;
}

export function requirePhone(net: Network, phoneNumber: string): Phone {
  const phone = net.directory.get(phoneNumber);
  if (!phone) throw notFound(`phone ${phoneNumber}`);
  return phone;
}
