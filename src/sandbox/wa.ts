/**
 * The one place the sandbox reaches into Baileys. The sandbox speaks Baileys' own wire format
 * (binary nodes, protobufs, Curve25519/XEdDSA, media crypto), so it reuses Baileys' exported helpers
 * rather than re-implementing them; when Baileys changes its encoding, the sandbox follows.
 */
export {
  proto,
  Curve,
  signedKeyPair,
  generateRegistrationId,
  hkdf,
  hmacSign,
  sha256,
  aesEncryptGCM,
  aesDecryptGCM,
  aesEncryptCTR,
  aesDecryptCTR,
  derivePairingCodeKey,
  encodeBinaryNode,
  decodeBinaryNode,
  binaryNodeToString,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  getBinaryNodeChildBuffer,
  jidDecode,
  jidEncode,
  encodeBigEndian,
  unpadRandomMax16,
  writeRandomPadMax16,
  encodeWAMessage,
  decodeSyncdMutations,
  newLTHashState,
  generateSignalPubKey,
  WA_CERT_DETAILS,
} from '@whiskeysockets/baileys';
export type { BinaryNode, KeyPair } from '@whiskeysockets/baileys';
