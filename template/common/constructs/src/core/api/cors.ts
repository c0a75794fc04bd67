import type { IConstruct } from 'constructs';

/** Any origin: the APIs' default until `restrictCorsTo` narrows it. */
export const ANY_ORIGIN = '*';

/**
 * Request headers a browser may send: JSON bodies, bearer tokens, SigV4 signatures (for IAM
 * auth) and the correlation id the API echoes.
 */
export const CORS_ALLOW_HEADERS: readonly string[] = [
  'authorization',
  'content-type',
  'x-amz-content-sha256',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-user-agent',
  'x-api-key',
  'x-correlation-id',
];

/** Response headers a browser may read. */
export const CORS_EXPOSE_HEADERS: readonly string[] = ['x-correlation-id'];

/** How long a browser may cache a preflight answer. */
export const CORS_MAX_AGE_SECONDS = 600;

/** Name of the environment variable that tells the functions which origins to allow. */
export const ALLOWED_ORIGINS_ENV = 'ALLOWED_ORIGINS';

const ORIGIN = /^https?:\/\/[^/\s,]+$/;

/** Checks `restrictCorsTo` arguments: at least one `scheme://host[:port]`, no paths. */
export function checkOrigins(scope: IConstruct, origins: readonly string[]): readonly string[] {
  const bad = origins.filter((origin) => !ORIGIN.test(origin));
  if (origins.length === 0 || bad.length > 0) {
    throw new Error(
      `${scope.node.path}: restrictCorsTo needs one or more origins like ` +
        `'https://app.example.com' (scheme and host, no path or trailing slash)` +
        (bad.length > 0 ? `; got ${bad.map((origin) => `'${origin}'`).join(', ')}.` : '.'),
    );
  }
  return [...new Set(origins)];
}
