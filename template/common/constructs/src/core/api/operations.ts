import type { IConstruct } from 'constructs';

/** Where an operation of the API's OpenAPI spec is served. */
export interface OperationDetails {
  /** Path template, e.g. `/items/{id}`. */
  readonly path: string;
  /** HTTP method in upper case, e.g. `GET`. */
  readonly method: string;
  /** Whether the operation streams its response (`x-streaming: true` in the spec). */
  readonly streaming: boolean;
}

/** The generated `OPERATIONS` map of an API: operationId to where it is served. */
export type OperationsMetadata<TOperationId extends string> = {
  readonly [K in TOperationId]: OperationDetails;
};

/**
 * Fails synth with a clear message when the integrations do not match the operations: the types
 * already forbid this, but JavaScript callers and `as` casts get past them.
 */
export function checkIntegrations(
  scope: IConstruct,
  operations: Readonly<Record<string, OperationDetails>>,
  integrations: Readonly<Record<string, { readonly integration?: unknown } | undefined>>,
): void {
  const expected = Object.keys(operations);
  const missing = expected.filter((id) => integrations[id]?.integration === undefined);
  const unknown = Object.keys(integrations).filter((id) => !(id in operations));
  if (missing.length > 0 || unknown.length > 0) {
    throw new Error(
      `${scope.node.path}: integrations must match the API's operations ` +
        `(${expected.join(', ')}).` +
        (missing.length > 0 ? ` Missing: ${missing.join(', ')}.` : '') +
        (unknown.length > 0
          ? ` Unknown: ${unknown.join(', ')} (regenerate the metadata if the API changed).`
          : ''),
    );
  }
}
