import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ApiBase, type ApiDefinition, type ApiOptions } from './api-base';
import { ApiFunction, functionsOf, sharedExecution } from './api-function';
import {
  type AuthType,
  COGNITO_CLIENT_IDS_ENV,
  type CognitoIdentity,
  requireIdentity,
} from './auth';
import type { ApiBundle } from './bundle';
import { skipCheckov } from './checkov';
import { IntegrationBuilder, type OperationIntegration } from './integration-builder';
import { checkIntegrations, type OperationDetails, type OperationsMetadata } from './operations';
import { stackLimitErrors } from './stack-limit';

/** How many requests a stage serves, over all its operations; API Gateway answers 429 beyond. */
export interface StageThrottle {
  /**
   * Requests per second, steadily.
   * @default 100
   */
  readonly rateLimit?: number;
  /**
   * Requests at once, above the steady rate, before the rate applies.
   * @default 200
   */
  readonly burstLimit?: number;
}

/**
 * A stage's throttling unless configured: 100 requests per second with bursts of 200. Far above
 * what a new API serves, it caps what a runaway client or a flood can cost and can take from
 * the account's shared quotas (10,000 requests per second for all APIs of a region, and 1,000
 * concurrent Lambda executions for all functions).
 */
export const DEFAULT_STAGE_THROTTLE: Required<StageThrottle> = { rateLimit: 100, burstLimit: 200 };

/** What an API on API Gateway (REST or HTTP) takes, besides its auth's props. */
export interface GatewayApiOptions<TIntegrations> extends ApiOptions {
  /**
   * How each operation is served, e.g. one function per operation with
   * `<Api>.defaultIntegrations(scope).build()`.
   */
  readonly integrations: TIntegrations;
  /**
   * The stage's throttling, over all operations; merged over the default.
   * @default - {@link DEFAULT_STAGE_THROTTLE}: 100 requests per second, bursts of 200
   */
  readonly throttle?: StageThrottle;
  /**
   * The Cognito user pool (and app client) whose tokens the API accepts: required by, and only
   * for, APIs rendered with Cognito auth.
   * @default - none
   */
  readonly identity?: CognitoIdentity;
}

/** What the render of an API on API Gateway fixed. */
export interface GatewayApiDefinition<TOperationId extends string, TAuth extends AuthType>
  extends ApiDefinition<TAuth> {
  /** The API's generated operation metadata. */
  readonly operations: OperationsMetadata<TOperationId>;
}

/** What an API's builder of default integrations needs to know of the API. */
export interface BundledApi {
  /** The API's construct class name, the prefix of its functions' ids. */
  readonly apiName: string;
  /** The API's Lambda code, which every default function runs. */
  readonly bundle: ApiBundle;
}

/**
 * The builder of an API's default integrations, for a kind of API Gateway API: one function per
 * operation (or one for all) running the API's bundle, each wrapped by `integrate`, sharing the
 * API's execution role and log group (see {@link sharedExecution}) unless given their own. Where the
 * kind `streams`, a streaming operation's function runs behind the Lambda Web Adapter.
 */
export function integrationBuilderFor<TIntegration, TOptions>(
  streams: boolean,
  integrate: (
    handler: lambda.Function,
    operationId: string | undefined,
    streaming: boolean,
  ) => TIntegration,
) {
  return <TOperationId extends string>(
    scope: Construct,
    api: BundledApi,
    operations: OperationsMetadata<TOperationId>,
  ): IntegrationBuilder<TOperationId, TIntegration, TOptions> =>
    new IntegrationBuilder({
      operations,
      streams,
      createHandler: (id, options, streaming, ownRole) =>
        (streaming ? ApiFunction.streamingFromBundle : ApiFunction.fromBundle)(
          scope,
          `${api.apiName}${id}`,
          api.bundle,
          ownRole ? options : sharedExecution(scope, api.apiName, options),
        ),
      createIntegration: integrate,
    });
}

/**
 * What the API Gateway constructs (REST and HTTP) share: one integration per operation of the
 * API's OpenAPI spec, stage throttling, access logs, the Cognito app client the functions
 * check, IAM grants that list each operation, and a synth error that says what to do when the
 * API does not fit its stack.
 */
export abstract class GatewayApiBase<
  TOperationId extends string,
  TIntegrations extends { readonly [K in TOperationId]: OperationIntegration<unknown, unknown> },
  TAuth extends AuthType = AuthType,
> extends ApiBase<TAuth> {
  /** Each operation's integration (and, for defaults, its `handler`). */
  public readonly integrations: TIntegrations;
  /** The API's generated operation metadata. */
  protected readonly operations: OperationsMetadata<TOperationId>;
  /** The stage's throttling: the options' over the default. */
  protected readonly throttle: Required<StageThrottle>;
  /** The Cognito identity of an API rendered with Cognito auth. */
  protected readonly identity: CognitoIdentity | undefined;

  protected constructor(
    scope: Construct,
    id: string,
    definition: GatewayApiDefinition<TOperationId, TAuth>,
    options: GatewayApiOptions<TIntegrations>,
  ) {
    super(scope, id, definition, options);
    checkIntegrations(this, definition.operations, options.integrations);
    this.integrations = options.integrations;
    this.operations = definition.operations;
    this.throttle = { ...DEFAULT_STAGE_THROTTLE, ...options.throttle };

    const handlers = functionsOf(this.integrations);
    this.shareOrigins(handlers);
    this.node.addValidation({
      validate: () =>
        stackLimitErrors(this, {
          apiName: definition.apiName,
          operations: Object.keys(definition.operations).length,
          functions: handlers.length,
        }),
    });
    this.identity =
      definition.auth === 'Cognito' ? requireIdentity(this, options.identity) : undefined;
    if (this.identity !== undefined) {
      for (const handler of handlers) {
        handler.addEnvironment(
          COGNITO_CLIENT_IDS_ENV,
          this.identity.userPoolClient.userPoolClientId,
        );
      }
    }
  }

  /**
   * Lets `grantee` call every operation (IAM auth: SigV4-signed requests). The grant lists each
   * operation's method and path, so it stays least-privilege: path parameters become `*`.
   */
  protected override grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: Object.values<OperationDetails>(this.operations).map(({ method, path }) =>
        this.arnForExecuteApi(method, path.replace(/{[^}]+}/g, '*')),
      ),
    });
  }

  /** The ARN `execute-api:Invoke` needs for `method` on `path` at the API's stage. */
  protected abstract arnForExecuteApi(method: string, path: string): string;

  /** A log group for the stage's access logs (`AccessLogs`), kept one month. */
  protected createAccessLogs(): logs.LogGroup {
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
    });
    skipCheckov(accessLogs, {
      id: 'CKV_AWS_158',
      comment: 'CloudWatch Logs encrypts log data at rest; access logs hold no secrets.',
    });
    return accessLogs;
  }
}
