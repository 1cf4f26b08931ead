import { aesDecryptGCM, aesEncryptGCM, Curve, hkdf, proto, sha256, type KeyPair } from './wa.ts';

const NOISE_MODE = Buffer.from('Noise_XX_25519_AESGCM_SHA256\0\0\0\0');
const EMPTY = Buffer.alloc(0);

function iv(counter: number): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt32BE(counter >>> 0, 8);
  return out;
}

export interface ClientHelloResult {
  serverHello: Uint8Array;
}

export interface HandshakeResult {
  /** The companion's noise static public key, proven by the final DH: how WhatsApp authenticates a login. */
  clientStaticKey: Buffer;
  payload: proto.ClientPayload;
}

/**
 * Responder side of WhatsApp's Noise_XX_25519_AESGCM_SHA256. During the handshake encryption and
 * decryption share one key and one counter, with the running hash as AAD; afterwards each direction
 * has its own key and counter. The server decrypts with the first HKDF half (the client's write key).
 */
export class NoiseResponder {
  private hash: Buffer = NOISE_MODE;
  private salt: Buffer = NOISE_MODE;
  private key: Buffer = NOISE_MODE;
  private counter = 0;
  private ephemeral: KeyPair = Curve.generateKeyPair();
  private encKey: Buffer | undefined;
  private decKey: Buffer | undefined;
  private readCounter = 0;
  private writeCounter = 0;

  private readonly serverStatic: KeyPair;
  private readonly certChain: Uint8Array;
  private clientEphemeral: Buffer | undefined;

  constructor(serverStatic: KeyPair, certChain: Uint8Array, header: Uint8Array) {
    this.serverStatic = serverStatic;
    this.certChain = certChain;
    this.authenticate(header);
  }

  get ready(): boolean {
    return this.encKey !== undefined;
  }

  /** Message 1 -> message 2. */
  onClientHello(frame: Uint8Array): Uint8Array {
    const { clientHello } = proto.HandshakeMessage.decode(frame);
    const clientEphemeral = clientHello?.ephemeral;
    if (clientEphemeral?.length !== 32) throw new Error('noise: client hello without ephemeral key');
    this.clientEphemeral = Buffer.from(clientEphemeral);
    this.authenticate(this.clientEphemeral);
    this.authenticate(this.ephemeral.public);
    this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, this.clientEphemeral));
    const staticEnc = this.encryptHandshake(this.serverStatic.public);
    this.mixIntoKey(Curve.sharedKey(this.serverStatic.private, this.clientEphemeral));
    const payloadEnc = this.encryptHandshake(this.certChain);
    return proto.HandshakeMessage.encode({
      serverHello: { ephemeral: this.ephemeral.public, static: staticEnc, payload: payloadEnc },
    }).finish();
  }

  /** Message 3: learns the client's static key and payload, then switches to transport keys. */
  onClientFinish(frame: Uint8Array): HandshakeResult {
    const { clientFinish } = proto.HandshakeMessage.decode(frame);
    if (!clientFinish?.static || !clientFinish.payload) throw new Error('noise: malformed client finish');
    const clientStaticKey = this.decryptHandshake(clientFinish.static);
    this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, clientStaticKey));
    const payload = proto.ClientPayload.decode(this.decryptHandshake(clientFinish.payload));
    const keys = hkdf(EMPTY, 64, { salt: this.salt, info: '' });
    this.decKey = Buffer.from(keys.subarray(0, 32));
    this.encKey = Buffer.from(keys.subarray(32));
    return { clientStaticKey, payload };
  }

  encrypt(plaintext: Uint8Array): Buffer {
    if (!this.encKey) throw new Error('noise: transport not ready');
    return aesEncryptGCM(plaintext, this.encKey, iv(this.writeCounter++), EMPTY);
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    if (!this.decKey) throw new Error('noise: transport not ready');
    return aesDecryptGCM(ciphertext, this.decKey, iv(this.readCounter++), EMPTY);
  }

  private authenticate(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  private mixIntoKey(dh: Uint8Array): void {
    const out = hkdf(Buffer.from(dh), 64, { salt: this.salt, info: '' });
    this.salt = Buffer.from(out.subarray(0, 32));
    this.key = Buffer.from(out.subarray(32));
    this.counter = 0;
  }

  private encryptHandshake(plaintext: Uint8Array): Buffer {
    const result = aesEncryptGCM(plaintext, this.key, iv(this.counter++), this.hash);
    this.authenticate(result);
    return result;
  }

  private decryptHandshake(ciphertext: Uint8Array): Buffer {
    const result = aesDecryptGCM(ciphertext, this.key, iv(this.counter++), this.hash);
    this.authenticate(ciphertext);
    return Buffer.from(result);
  }
}
