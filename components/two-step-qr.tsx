import { encodeQr, qrSvgPath } from '@/lib/security/qr';

/** The otpauth:// URI as a QR code (lib/security/qr.ts), drawn as one SVG path. */
export function TwoStepQr({ uri, size = 192 }: { uri: string; size?: number }) {
  const { path, viewBox } = qrSvgPath(encodeQr(uri));
  return (
    <svg role="img" aria-label="QR code for your authenticator app" width={size} height={size} viewBox={viewBox} shapeRendering="crispEdges"
      className="rounded border border-border bg-white">
      <path d={path} fill="#000" />
    </svg>
  );
}
