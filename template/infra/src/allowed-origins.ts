import type { IConstruct } from 'constructs';

/** The context key of the origins whose pages may call the app's APIs (cdk.json, or `-c`). */
export const ALLOWED_ORIGINS_KEY = 'allowedOrigins';

/** The context key of the localhost origins allowed too: a dev server's, for a deployed API. */
export const LOCALHOST_ORIGINS_KEY = 'allowLocalhostOrigins';

// scheme://host[:port], the host a name, an IPv4 address or a bracketed IPv6 address.
const ORIGIN = /^(https?):\/\/([^/\s,*:[\]]+|\[[0-9a-fA-F:.]+\])(?::\d+)?$/;
const LOCALHOST = /^(localhost|.+\.localhost|127(\.\d+){3}|\[::1\])$/;

/**
 * The origins whose pages may call the app's APIs from a browser, from the app's context
 * (`context` in cdk.json, or `npx cdk synth -c allowedOrigins=https://app.example.com`):
 *
 * - `allowedOrigins`: the deployed sites, each `https://host[:port]`;
 * - `allowLocalhostOrigins`: localhost origins allowed as well (`http://localhost:5173`, a dev
 *   server calling the deployed API), only when named there.
 *
 * Each key takes a list or a comma-separated string. None: no cross-origin access.
 */
export function allowedOrigins(scope: IConstruct): string[] {
  const deployed = contextOrigins(scope, ALLOWED_ORIGINS_KEY, {
    accepts: (url) => url.scheme === 'https' && !LOCALHOST.test(url.host),
    example: 'an https origin other than localhost, like https://app.example.com',
  });
  const localhost = contextOrigins(scope, LOCALHOST_ORIGINS_KEY, {
    accepts: (url) => LOCALHOST.test(url.host),
    example: 'a localhost origin, like http://localhost:5173',
  });
  return [...new Set([...deployed, ...localhost])];
}

/** The origins a context key lists, each checked: scheme and host of a URL (no path). */
function contextOrigins(
  scope: IConstruct,
  key: string,
  rule: {
    readonly accepts: (url: { readonly scheme: string; readonly host: string }) => boolean;
    readonly example: string;
  },
): string[] {
  const value: unknown = scope.node.tryGetContext(key);
  const items = typeof value === 'string' ? value.split(',') : (value ?? []);
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) {
    throw new Error(
      `Context ${key} is a list of origins or a comma-separated string; got ${JSON.stringify(value)}.`,
    );
  }
  const origins = items.map((item) => item.trim()).filter((item) => item !== '');
  for (const origin of origins) {
    const match = ORIGIN.exec(origin);
    if (match === null || !rule.accepts({ scheme: match[1], host: match[2] })) {
      throw new Error(`Context ${key}: '${origin}' is not ${rule.example} (no path, no slash).`);
    }
  }
  return origins;
}
