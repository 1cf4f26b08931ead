import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private CA and a server certificate for the sandbox's HTTPS media host (127.0.0.1 / localhost).
 *
 * Baileys uploads with Node's `https` module and downloads with global `fetch`, both of which verify
 * certificates, so the sandbox needs a certificate a client can be told to trust (see trust.ts, or
 * `NODE_EXTRA_CA_CERTS=<caCertPath>` for another process). Certificates are built here with a few
 * dozen lines of DER and Node's crypto, because users' machines may lack the `openssl` CLI and an
 * X.509 library would be a dependency for one function. EC P-256 keeps generation in the milliseconds.
 */
export interface TestCa {
  caCertPem: string;
  /** A real file (also for a temporary CA), so other processes can use `NODE_EXTRA_CA_CERTS`. */
  caCertPath: string;
  serverKeyPem: string;
  serverCertPem: string;
  /** Where the PEMs live: the given `dir`, or a fresh temporary directory. */
  dir: string;
}

const FILES = { caCert: 'ca-cert.pem', caKey: 'ca-key.pem', serverCert: 'server-cert.pem', serverKey: 'server-key.pem' };
const DAY_MS = 86_400_000;
const CA_VALIDITY_DAYS = 3650;
const SERVER_VALIDITY_DAYS = 825;
/** A stored certificate this close to expiry is replaced at start rather than failing mid-run. */
const RENEW_BEFORE_DAYS = 30;

/**
 * Loads the CA and server certificate from `dir` when they are there and still good, otherwise
 * creates (and, with `dir`, saves) them. A restarted sandbox on the same `dir` keeps its CA, so
 * clients that trust it keep working; an expiring or mismatched server certificate is reissued
 * from the same CA. One sandbox per `dir`: two processes creating into the same empty `dir` at once
 * would each write their own CA, and one of them would then hold a CA that is no longer on disk.
 */
export async function loadOrCreateTestCa(dir?: string): Promise<TestCa> {
  const target = dir ?? (await mkdtemp(join(tmpdir(), 'wamux-sandbox-ca-')));
  await mkdir(target, { recursive: true });
  const stored = dir ? await readStored(target) : undefined;

  let ca = stored?.ca;
  let caChanged = false;
  if (!ca) {
    ca = createCa();
    caChanged = true;
    await save(target, FILES.caKey, ca.keyPem, 0o600);
    await save(target, FILES.caCert, ca.certPem, 0o644);
  }
  let server = !caChanged ? stored?.server : undefined;
  if (!server) {
    server = createServerCert(ca);
    await save(target, FILES.serverKey, server.keyPem, 0o600);
    await save(target, FILES.serverCert, server.certPem, 0o644);
  }
  return {
    caCertPem: ca.certPem,
    caCertPath: join(target, FILES.caCert),
    serverKeyPem: server.keyPem,
    serverCertPem: server.certPem,
    dir: target,
  };
}

interface Issued {
  certPem: string;
  keyPem: string;
}
interface Ca extends Issued {
  key: KeyObject;
  cert: X509Certificate;
}

/** The stored CA (if valid) and server certificate (if valid and issued by that CA). */
async function readStored(dir: string): Promise<{ ca?: Ca; server?: Issued } | undefined> {
  const read = (name: string) => readFile(join(dir, name), 'utf8').catch(() => undefined);
  const [caCertPem, caKeyPem, serverCertPem, serverKeyPem] = await Promise.all(
    [FILES.caCert, FILES.caKey, FILES.serverCert, FILES.serverKey].map(read),
  );
  if (!caCertPem || !caKeyPem) return undefined;
  try {
    const cert = new X509Certificate(caCertPem);
    const key = createPrivateKey(caKeyPem);
    if (!cert.ca || !cert.checkPrivateKey(key) || !fresh(cert)) return undefined;
    const ca: Ca = { certPem: caCertPem, keyPem: caKeyPem, cert, key };
    if (!serverCertPem || !serverKeyPem) return { ca };
    const server = new X509Certificate(serverCertPem);
    const ok =
      server.checkIssued(cert) &&
      server.verify(cert.publicKey) &&
      server.checkPrivateKey(createPrivateKey(serverKeyPem)) &&
      server.checkIP('127.0.0.1') !== undefined &&
      server.checkHost('localhost') !== undefined &&
      fresh(server);
    return ok ? { ca, server: { certPem: serverCertPem, keyPem: serverKeyPem } } : { ca };
  } catch {
    // Unreadable or foreign files: start over rather than refuse to start.
    return undefined;
  }
}

const fresh = (cert: X509Certificate) =>
  cert.validToDate.getTime() - Date.now() > RENEW_BEFORE_DAYS * DAY_MS && cert.validFromDate.getTime() <= Date.now();

/** Write-then-rename, so a crash never leaves a half-written PEM that the next start would trust. */
async function save(dir: string, name: string, pem: string, mode: number): Promise<void> {
  const tmp = join(dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(tmp, pem, { mode });
  await rename(tmp, join(dir, name));
}

function createCa(): Ca {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha1').update(spki).digest();
  // A per-CA suffix keeps subjects distinct when several sandboxes' CAs sit in one trust store.
  const name = dn(`wamux sandbox test CA ${keyId.subarray(0, 4).toString('hex')}`);
  const der = buildCertificate({
    issuer: name,
    subject: name,
    spki,
    days: CA_VALIDITY_DAYS,
    signer: privateKey,
    extensions: [
      ext(OID.basicConstraints, true, seq(bool(true), int(Buffer.from([0])))),
      ext(OID.keyUsage, true, namedBits(5, 6)), // keyCertSign, cRLSign
      ext(OID.subjectKeyIdentifier, false, octets(keyId)),
    ],
  });
  const certPem = pem('CERTIFICATE', der);
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certPem, keyPem, key: privateKey, cert: new X509Certificate(certPem) };
}

function createServerCert(ca: Ca): Issued {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const caSpki = ca.cert.publicKey.export({ type: 'spki', format: 'der' });
  const der = buildCertificate({
    issuer: Buffer.from(ca.cert.raw).subarray(...subjectRange(ca.cert.raw)),
    subject: dn('127.0.0.1'),
    spki,
    days: SERVER_VALIDITY_DAYS,
    signer: ca.key,
    extensions: [
      ext(OID.basicConstraints, true, seq()),
      ext(OID.keyUsage, true, namedBits(0)), // digitalSignature (ECDHE-ECDSA)
      ext(OID.extKeyUsage, false, seq(oid(OID.serverAuth))),
      // dNSName localhost, iPAddress 127.0.0.1 and ::1 (a server bound to "::1" works too).
      ext(OID.subjectAltName, false, seq(tlv(0x82, Buffer.from('localhost')), tlv(0x87, Buffer.from([127, 0, 0, 1])), tlv(0x87, Buffer.from([...Array(15).fill(0), 1])))),
      ext(OID.subjectKeyIdentifier, false, octets(createHash('sha1').update(spki).digest())),
      ext(OID.authorityKeyIdentifier, false, seq(tlv(0x80, createHash('sha1').update(caSpki).digest()))),
    ],
  });
  return { certPem: pem('CERTIFICATE', der), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

// --- A minimal DER writer: just what an X.509 v3 certificate needs. ---

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, body]);
}
const seq = (...parts: Buffer[]) => tlv(0x30, ...parts);
const set = (...parts: Buffer[]) => tlv(0x31, ...parts);
const octets = (b: Buffer) => tlv(0x04, b);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner);

/** Unsigned big-endian integer; a leading zero keeps the high bit from reading as a sign. */
function int(bytes: Buffer): Buffer {
  let b = bytes;
  // readUInt8 throws on a byte that is not there: an empty integer is a bug, not a zero.
  while (b.length > 1 && b.readUInt8(0) === 0 && b.readUInt8(1) < 0x80) b = b.subarray(1);
  return tlv(0x02, b.readUInt8(0) >= 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  if (a === undefined || b === undefined) throw new Error(`an OID has at least two arcs: ${dotted}`);
  const out = [40 * a + b];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) groups.unshift((v & 0x7f) | 0x80);
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

/** A BIT STRING of named bits (bit 0 = most significant), with trailing zero bits trimmed as DER demands. */
function namedBits(...bits: number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes.writeUInt8(bytes.readUInt8(bit >> 3) | (0x80 >> (bit & 7)), bit >> 3);
  return tlv(0x03, Buffer.from([7 - (highest & 7)]), bytes);
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
function time(date: Date): Buffer {
  const iso = `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`; // YYYYMMDDHHMMSSZ
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

const dn = (cn: string) =>
  seq(set(seq(oid(OID.organization), utf8('wamux sandbox'))), set(seq(oid(OID.commonName), utf8(cn))));

const ext = (id: string, critical: boolean, value: Buffer) =>
  critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));

function buildCertificate(o: {
  issuer: Buffer;
  subject: Buffer;
  spki: Buffer;
  days: number;
  signer: KeyObject;
  extensions: Buffer[];
}): Buffer {
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  const serial = randomBytes(16);
  serial.writeUInt8((serial.readUInt8(0) & 0x7f) | 0x01, 0); // positive and non-zero, 16 bytes of entropy minus one bit
  // Backdated an hour so a client whose clock is slightly behind still accepts a fresh certificate.
  const notBefore = new Date(Date.now() - 3_600_000);
  const notAfter = new Date(Date.now() + o.days * DAY_MS);
  const tbs = seq(
    explicit(0, int(Buffer.from([2]))), // v3
    int(serial),
    algorithm,
    o.issuer,
    seq(time(notBefore), time(notAfter)),
    o.subject,
    o.spki,
    explicit(3, seq(...o.extensions)),
  );
  const signature = sign('sha256', tbs, { key: o.signer, dsaEncoding: 'der' });
  return seq(tbs, algorithm, tlv(0x03, Buffer.from([0]), signature));
}

/** Byte range of the subject Name inside a certificate, so the issuer field is a byte-exact copy. */
function subjectRange(certDer: Buffer): [number, number] {
  // Certificate > tbsCertificate > [version, serial, algorithm, issuer, validity, subject, ...]
  let [start] = header(certDer, 0); // into Certificate
  [start] = header(certDer, start); // into tbsCertificate
  let pos = start;
  for (let i = 0; i < 5; i++) pos = skip(certDer, pos);
  return [pos, skip(certDer, pos)];
}

/** Returns [content start, content end] of the element at `pos`; throws (RangeError) on truncated DER. */
function header(der: Buffer, pos: number): [number, number] {
  const first = der.readUInt8(pos + 1);
  if (first < 0x80) return [pos + 2, pos + 2 + first];
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der.readUInt8(pos + 2 + i);
  return [pos + 2 + n, pos + 2 + n + len];
}
const skip = (der: Buffer, pos: number) => header(der, pos)[1];

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
