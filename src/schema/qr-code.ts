import type { QrCode } from '../services/instances/index.ts';
import { builder } from './builder.ts';
import './scalars.ts';

export const QrCodeType = builder.objectRef<QrCode>('QrCode').implement({
  description: 'A QR code that links an instance when scanned with WhatsApp (Linked devices > Link a device). WhatsApp rotates it until one is scanned.',
  fields: (t) => ({
    instanceId: t.exposeID('instanceId', { description: 'The instance this QR links.' }),
    code: t.exposeString('code', { description: 'The raw string encoded in the QR (render it yourself, e.g. in a terminal).' }),
    pngDataUrl: t.exposeString('pngDataUrl', { description: 'The same QR as a `data:image/png;base64,…` URL, ready for an `<img>`.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When WhatsApp replaces this QR with the next one.' }),
  }),
});
