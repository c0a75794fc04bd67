/**
 * What every operation of the generated TypeScript client shares: requests over fetch, JSON
 * Lines streams, and errors. scripts/generate_clients.py copies this file into the client.
 */

/** A request about to be sent, which an `Authorize` hook may add headers to. */
export interface PreparedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body?: string;
}

/** Adds credentials to a request (SigV4 signature, bearer token). */
export type Authorize = (request: PreparedRequest) => Promise<void>;

export interface ClientOptions {
  /** The API's URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/prod/`. */
  readonly baseUrl: string;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** The API's URL in the runtime configuration the CDK constructs write. */
export function baseUrlFromRuntimeConfig(
  config: { readonly apis: Readonly<Record<string, string>> },
  api: string,
): string {
  const url = config.apis[api];
  if (url === undefined) {
    throw new Error(`The runtime configuration has no API named ${api}`);
  }
  return url;
}

/**
 * An answer of status 400 or more. The client throws a subclass per status the spec declares
 * (`body` then has that status's type), else this class (`body`: the JSON, or the text).
 */
export class ApiError<TBody = unknown> extends Error {
  constructor(
    readonly status: number,
    readonly body: TBody,
    readonly response: Response,
  ) {
    super(`HTTP ${status}`);
    this.name = new.target.name;
  }
}

/** An error class of the client: its `body` is typed, so it takes none but its own. */
export type ErrorType = new (status: number, body: never, response: Response) => ApiError;

export type QueryValue = string | number | boolean | null | undefined;

export interface Call {
  readonly method: string;
  /** The path, its parameters already in place. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue | readonly QueryValue[]>>;
  readonly body?: unknown;
}

/** `/items/{item_id}` with each value percent-encoded as one path segment. */
export function path(template: string, values: Readonly<Record<string, QueryValue>>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(String(values[name])),
  );
}

/**
 * Percent-encodes all but RFC 3986's unreserved characters, spaces as %20, as SigV4's canonical
 * query has them (URLSearchParams would send `+`, which a signature does not match).
 */
function encode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export class Transport {
  constructor(
    private readonly options: ClientOptions,
    private readonly authorize: Authorize | undefined,
    private readonly errors: Readonly<Record<number, ErrorType>>,
  ) {}

  /** Sends the call; throws an ApiError for a status of 400 or more. */
  async send(call: Call, options?: CallOptions): Promise<Response> {
    const url = new URL(this.options.baseUrl.replace(/\/*$/, '') + call.path);
    const pairs: string[] = [];
    for (const [name, value] of Object.entries(call.query ?? {})) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined && item !== null) {
          pairs.push(`${encode(name)}=${encode(String(item))}`);
        }
      }
    }
    url.search = pairs.join('&');
    const headers = new Headers({ accept: 'application/json, application/jsonl' });
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    if (body !== undefined) {
      headers.set('content-type', 'application/json');
    }
    const request: PreparedRequest = { method: call.method, url, headers, body };
    await this.authorize?.(request);
    const send = this.options.fetch ?? fetch;
    const response = await send(url, {
      method: call.method,
      headers,
      body,
      signal: options?.signal,
    });
    if (response.status >= 400) {
      throw await this.error(response);
    }
    return response;
  }

  async json<T>(call: Call, options?: CallOptions): Promise<T> {
    const response = await this.send(call, options);
    return (await response.json()) as T;
  }

  async empty(call: Call, options?: CallOptions): Promise<void> {
    await (await this.send(call, options)).arrayBuffer();
  }

  /** The items of a JSON Lines answer, each as soon as its line arrives. */
  async *jsonLines<T>(call: Call, options?: CallOptions): AsyncGenerator<T, void, undefined> {
    const response = await this.send(call, options);
    if (response.body === null) {
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        pending += decoder.decode(value, { stream: !done });
        const lines = pending.split('\n');
        pending = done ? '' : (lines.pop() ?? '');
        for (const line of lines) {
          if (line.trim() !== '') {
            yield JSON.parse(line) as T;
          }
        }
        if (done) {
          return;
        }
      }
    } finally {
      reader.releaseLock();
    }
  }

  private async error(response: Response): Promise<ApiError> {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the text
    }
    const errorType = this.errors[response.status] ?? ApiError;
    // The spec says what the body of this status is; the server is trusted to keep to it.
    return new errorType(response.status, body as never, response);
  }
}
