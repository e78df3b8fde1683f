/**
 * A QR code drawn as one SVG path, from uqr's module matrix: no canvas, no image URL, nothing
 * the CSP would have to allow. A four-module quiet zone surrounds it, as scanners expect.
 */
import { encode } from 'uqr';

const QUIET = 4;

function qrPath(modules: readonly (readonly boolean[])[]): string {
  let path = '';
  modules.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) path += `M${x + QUIET} ${y + QUIET}h1v1h-1z`;
    }),
  );
  return path;
}

export function QrCode(props: { text: string; label: string; class?: string }) {
  const qr = () => encode(props.text, { ecc: 'M', border: 0 });
  const size = () => qr().size + QUIET * 2;
  return (
    <svg
      class={props.class ?? 'qr'}
      role="img"
      aria-label={props.label}
      viewBox={`0 0 ${size()} ${size()}`}
      shape-rendering="crispEdges"
      xmlns="http://www.w3.org/2000/svg"
    >
      <rect width={size()} height={size()} fill="#fff" />
      <path d={qrPath(qr().data)} fill="#000" />
    </svg>
  );
}
