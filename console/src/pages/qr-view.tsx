import QRCode from 'qrcode';
import { useEffect, useState } from 'preact/hooks';
import { ConsoleQrCodeDocument } from '../generated/graphql.ts';
import { useApp } from '../app-context.ts';
import { errorText } from '../api/client.ts';
import { ErrorText } from '../ui/error-text.tsx';

/**
 * The QR WhatsApp shows for linking, drawn in the browser from the `qrCode` subscription: the one
 * showing now first, then each one WhatsApp rotates in (about every 20 s), until the instance links.
 */
export function QrView({ instanceId, name }: { instanceId: string; name: string }) {
  const { api } = useApp();
  const [image, setImage] = useState<{ url: string; code: string; expiresAt: string } | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(
    () =>
      api.subscribe(
        ConsoleQrCodeDocument,
        { instanceId },
        ({ qrCode }) => {
          QRCode.toDataURL(qrCode.code, { margin: 1, width: 264 }).then(
            (url) => setImage({ url, code: qrCode.code, expiresAt: qrCode.expiresAt }),
            (err: unknown) => setError(errorText(err)),
          );
        },
        (err) => setError(errorText(err)),
      ),
    [api, instanceId],
  );
  return (
    <figure class="qr" aria-live="polite">
      {image ? (
        <img src={image.url} data-qr={image.code} width={264} height={264} alt={`QR code to link ${name}: scan it in WhatsApp, Linked devices`} />
      ) : (
        <p>Waiting for WhatsApp's QR code…</p>
      )}
      <figcaption>
        Open WhatsApp on the phone → Linked devices → Link a device, and scan.
        {image && <span> Rotates at {new Date(image.expiresAt).toLocaleTimeString()}.</span>}
      </figcaption>
      <ErrorText error={error} />
    </figure>
  );
}
