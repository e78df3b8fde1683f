/**
 * The Content Security Policy and companion headers, exactly as DESIGN.md §8 fixes them.
 * `https:` in connect-src is the price of "any backend": the app itself only contacts what the
 * patient configured. Loopback origins can be added (for tests that start their own S3 or WebDAV
 * endpoint) through CARNET_CONNECT_SRC; anything else there is refused, so a typo cannot open the
 * policy to the whole web.
 */

export type CspError = { type: 'InvalidConnectSource'; value: string };

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/;

/** Parses a space- or comma-separated list of loopback origins. */
export function parseConnectSources(value: string | undefined): string[] | CspError {
  if (value === undefined || value.trim() === '') return [];
  const origins = value.split(/[\s,]+/).filter((part) => part !== '');
  for (const origin of origins) {
    if (!LOOPBACK.test(origin)) return { type: 'InvalidConnectSource', value: origin };
  }
  return origins;
}

export function contentSecurityPolicy(extraConnectSources: readonly string[] = []): string {
  const connect = ["'self'", 'https:', ...extraConnectSources].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers sent with every response, API or file. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()',
  };
}
