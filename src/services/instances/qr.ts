import type { QrCode } from './types.ts';

/** Baileys shows each ref for 60 s first, then 20 s. */
export async function toQrCode(instanceId: string, code: string, validForMs: number): Promise<QrCode> {
  // Loaded on the first QR, not at boot: a restart that restores linked instances never draws one.
  const { default: QRCode } = await import('qrcode');
  const pngDataUrl = await QRCode.toDataURL(code, { errorCorrectionLevel: 'L', margin: 1, width: 264 });
  return { instanceId, code, pngDataUrl, expiresAt: new Date(Date.now() + validForMs) };
}
