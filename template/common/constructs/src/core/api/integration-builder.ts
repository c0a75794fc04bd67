import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { FunctionOptions } from './api-function';
import type { OperationsMetadata } from './operations';

/** How one operation is served: an API Gateway integration, plus per-route options. */
export interface OperationIntegration<TIntegration, TOptions> {
  /** The integration that serves the operation. */
  readonly integration: TIntegration;
  /**
   * Route options merged over the API's defaults (e.g. another authorizer).
   * @default - the API's defaults
   */
  readonly options?: TOptions;
}

/** An operation served by a function the builder created. */
export interface DefaultIntegration<TIntegration, TOptions>
  extends OperationIntegration<TIntegration, TOptions> {
  /**
   * The function serving the operation (with `withSharedHandler`, shared by the operations that
   * stream alike).
   */
  readonly handler: lambda.Function;
}

/** The built integrations: overridden operations keep the override's own (typed) shape. */
export type Integrations<TOperationId extends string, TIntegration, TOptions, TOverrides> = {
  readonly [K in TOperationId]: K extends keyof TOverrides
    ? TOverrides[K]
    : DefaultIntegration<TIntegration, TOptions>;
};

/** Overrides keyed by operation id; a key that is not an operation id is a type error. */
export type Overrides<TOperationId extends string, TIntegration, TOptions> = {
  readonly [K in TOperationId]?: OperationIntegration<TIntegration, TOptions>;
};
type OnlyOperations<T, TOperationId extends PropertyKey> = T & {
  readonly [K in Exclude<keyof T, TOperationId>]: never;
};

/** What an API construct tells the builder about itself. */
export interface IntegrationBuilderProps<TOperationId extends string, TIntegration> {
  /** The API's generated operation metadata. */
  readonly operations: OperationsMetadata<TOperationId>;
  /**
   * Whether the API can stream responses: if so, its streaming operations get functions that
   * stream (`streaming` below); if not, they are served like every other operation.
   */
  readonly streams: boolean;
  /**
   * Creates a function with the API's defaults, one that streams its responses if `streaming`;
   * `id` is unique within the API. It shares the API's execution role and log group unless
   * `ownRole`.
   */
  readonly createHandler: (
    id: string,
    options: FunctionOptions,
    streaming: boolean,
    ownRole: boolean,
  ) => lambda.Function;
  /**
   * Wraps a function in an integration, a streaming one if `streaming`; `operationId` is
   * undefined for a shared handler.
   */
  readonly createIntegration: (
    handler: lambda.Function,
    operationId: TOperationId | undefined,
    streaming: boolean,
  ) => TIntegration;
}

/** Method (REST) or route (HTTP) options keyed by operation id. */
export type OperationOptions<TOperationId extends string, TOptions> = {
  readonly [K in TOperationId]?: TOptions;
};

interface BuilderState<TOperationId extends string, TIntegration, TOptions> {
  readonly defaultOptions: FunctionOptions;
  readonly streamingOptions: FunctionOptions;
  readonly sharedHandler: boolean;
  readonly ownRole: readonly TOperationId[];
  readonly operationOptions: OperationOptions<TOperationId, TOptions>;
  readonly overrides: Overrides<TOperationId, TIntegration, TOptions>;
}

/**
 * Builds an API's integrations: by default one function per operation, all from the API's
 * bundle, sharing one execution role and one log group. Where the API can stream (REST), a
 * streaming operation's function runs the app behind the Lambda Web Adapter and streams; every
 * other one runs it through Mangum. Each call returns a new builder, so a partly configured one
 * can be reused.
 *
 * @example
 * const integrations = MyApi.defaultIntegrations(this)
 *   .withDefaultOptions({ memorySize: 512 })
 *   .withOperationOptions({ stream: { authorizationScopes: ['my-api/stream'] } })
 *   .withOverrides({ echo: { integration: new MockIntegration(), note: 'typed extra' } })
 *   .build();
 */
export class IntegrationBuilder<
  TOperationId extends string,
  TIntegration,
  TOptions,
  TOverrides extends object = Record<never, never>,
> {
  public constructor(
    private readonly props: IntegrationBuilderProps<TOperationId, TIntegration>,
    private readonly state: BuilderState<TOperationId, TIntegration, TOptions> = {
      defaultOptions: {},
      streamingOptions: {},
      sharedHandler: false,
      ownRole: [],
      operationOptions: {},
      overrides: {},
    },
  ) {}

  /** Function props for the default functions (e.g. `{ vpc, memorySize }`), merged over earlier ones. */
  public withDefaultOptions(
    options: FunctionOptions,
  ): IntegrationBuilder<TOperationId, TIntegration, TOptions, TOverrides> {
    return this.merged('defaultOptions', options);
  }

  /**
   * Function props for the functions of streaming operations only (REST APIs), merged over the
   * default options and earlier ones, e.g. `{ timeout: Duration.minutes(15) }`: a stream lasts
   * at most as long as its function runs, and its integration's timeout follows the function's.
   */
  public withStreamingOptions(
    options: FunctionOptions,
  ): IntegrationBuilder<TOperationId, TIntegration, TOptions, TOverrides> {
    return this.merged('streamingOptions', options);
  }

  /**
   * One function (the FastAPI app is a router already) for every operation not overridden, and,
   * where the API streams, a second one behind the Web Adapter for every streaming operation:
   * fewer cold starts and one place for memory and concurrency, at the cost of per-operation
   * permissions and metrics.
   */
  public withSharedHandler(): IntegrationBuilder<TOperationId, TIntegration, TOptions, TOverrides> {
    return new IntegrationBuilder(this.props, { ...this.state, sharedHandler: true });
  }

  /**
   * A function of their own for these operations, with an execution role and a log group of its
   * own, for an operation that needs permissions no other operation should have (a grant to a
   * function that shares the API's role reaches every function sharing it). With
   * `withSharedHandler()`, these operations leave the shared function too.
   */
  public withOwnRole(
    ...operationIds: TOperationId[]
  ): IntegrationBuilder<TOperationId, TIntegration, TOptions, TOverrides> {
    return new IntegrationBuilder(this.props, {
      ...this.state,
      ownRole: [...this.state.ownRole, ...operationIds],
    });
  }

  /**
   * Method (REST) or route (HTTP) options of operations served by the default functions, merged
   * over earlier ones, e.g. `{ echo: { authorizationScopes: ['orders/read'] } }`: with Cognito
   * auth, that operation then takes access tokens with one of those scopes. An override carries
   * its own `options`.
   */
  public withOperationOptions(
    options: OperationOptions<TOperationId, TOptions>,
  ): IntegrationBuilder<TOperationId, TIntegration, TOptions, TOverrides> {
    return this.merged('operationOptions', options);
  }

  /**
   * Serve some operations another way. Extra properties of an override (e.g. a bucket) stay
   * typed on `api.integrations.<operation>`; an operation id the API no longer has fails to
   * compile.
   */
  public withOverrides<T extends Overrides<TOperationId, TIntegration, TOptions>>(
    overrides: OnlyOperations<T, TOperationId>,
  ): IntegrationBuilder<TOperationId, TIntegration, TOptions, Omit<TOverrides, keyof T> & T> {
    return new IntegrationBuilder(this.props, {
      ...this.state,
      overrides: { ...this.state.overrides, ...overrides },
    });
  }

  /** A builder like this one, with `options` merged over the state's `key`. */
  private merged<K extends 'defaultOptions' | 'streamingOptions' | 'operationOptions'>(
    key: K,
    options: BuilderState<TOperationId, TIntegration, TOptions>[K],
  ): IntegrationBuilder<TOperationId, TIntegration, TOptions, TOverrides> {
    return new IntegrationBuilder(this.props, {
      ...this.state,
      [key]: { ...this.state[key], ...options },
    });
  }

  /** Creates the functions not overridden and returns every operation's integration. */
  public build(): Integrations<TOperationId, TIntegration, TOptions, TOverrides> {
    const { operations, streams, createHandler, createIntegration } = this.props;
    const {
      defaultOptions,
      streamingOptions,
      sharedHandler,
      ownRole,
      operationOptions,
      overrides,
    } = this.state;
    const unknown = ownRole.filter((operationId) => !(operationId in operations));
    if (unknown.length > 0) {
      throw new Error(
        `withOwnRole(${unknown.join(', ')}): not an operation of the API ` +
          `(${Object.keys(operations).join(', ')}).`,
      );
    }
    const overridden: Readonly<
      Record<string, OperationIntegration<TIntegration, TOptions> | undefined>
    > = overrides;
    const optionsOf: Readonly<Record<string, TOptions | undefined>> = operationOptions;
    const serve = (
      id: string,
      operationId: TOperationId | undefined,
      streaming: boolean,
      ownRoleHere = false,
    ) => {
      const options = streaming ? { ...defaultOptions, ...streamingOptions } : defaultOptions;
      const handler = createHandler(id, options, streaming, ownRoleHere);
      return { handler, integration: createIntegration(handler, operationId, streaming) };
    };
    // With a shared handler: one router for the operations that stream, one for the others.
    const routers = new Map<boolean, ReturnType<typeof serve>>();
    const route = (streaming: boolean) => {
      const router =
        routers.get(streaming) ??
        serve(streaming ? 'StreamingRouter' : 'Router', undefined, streaming);
      routers.set(streaming, router);
      return router;
    };
    const built: Record<string, OperationIntegration<TIntegration, TOptions>> = {};
    for (const operationId of Object.keys(operations).sort() as TOperationId[]) {
      const override = overridden[operationId];
      if (override !== undefined) {
        built[operationId] = override;
        continue;
      }
      const streaming = streams && operations[operationId].streaming;
      const isolated = ownRole.includes(operationId);
      const served =
        sharedHandler && !isolated
          ? route(streaming)
          : serve(`${pascalCase(operationId)}Handler`, operationId, streaming, isolated);
      const entry: DefaultIntegration<TIntegration, TOptions> = {
        ...served,
        options: optionsOf[operationId],
      };
      built[operationId] = entry;
    }
    return built as Integrations<TOperationId, TIntegration, TOptions, TOverrides>;
  }
}

function pascalCase(operationId: string): string {
  return operationId
    .split(/[^A-Za-z0-9]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
