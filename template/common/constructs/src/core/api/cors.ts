import type { IConstruct } from 'constructs';

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

/**
 * Name of the environment variable that tells the functions which origins to allow
 * (comma-separated; empty: none, as the API itself).
 */
export const ALLOWED_ORIGINS_ENV = 'ALLOWED_ORIGINS';

// scheme://host[:port]: an exact origin, never `*` nor a path.
const ORIGIN = /^https?:\/\/[^/\s,*]+$/;

/**
 * Checks the origins an API is given: each one `scheme://host[:port]`, as a browser sends it in
 * the `Origin` header. None is fine: no cross-origin access.
 */
export function checkOrigins(scope: IConstruct, origins: readonly string[]): readonly string[] {
  const bad = origins.filter((origin) => !ORIGIN.test(origin));
  if (bad.length > 0) {
    throw new Error(
      `${scope.node.path}: allowed origins look like 'https://app.example.com' (scheme, host ` +
        `and port, no path, trailing slash or wildcard); got ${bad.map((origin) => `'${origin}'`).join(', ')}.`,
    );
  }
  return [...new Set(origins)];
}
