import { Annotations, Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { ApiBase, type ApiDefinition, type ApiOptions } from './api-base';
import { ApiFunction, type FunctionOptions } from './api-function';
import type { AuthType } from './auth';
import type { ApiBundle } from './bundle';
import { skipCheckov } from './checkov';
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, CORS_MAX_AGE_SECONDS } from './cors';

/** What an API on a Function URL takes, besides its auth's props. */
export interface FunctionUrlApiOptions extends ApiOptions {
  /**
   * More function props (e.g. `{ memorySize, vpc }`), applied over the defaults; `environment`
   * is merged with the adapter's. The timeout bounds a streamed response.
   * @default - 30 s timeout, X-Ray tracing, one month of logs, the bundle's architecture
   */
  readonly handlerOptions?: Omit<FunctionOptions, 'reservedConcurrentExecutions'>;
  /**
   * The most concurrent executions of the function: with auth None, the only cap on what anyone
   * on the internet can make it run (a Function URL has no throttling), and it keeps them from
   * taking the concurrency your other functions share.
   * @default - none: the function draws on the account's unreserved concurrency (a synth
   * warning with auth None)
   */
  readonly reservedConcurrentExecutions?: number;
}

/** What the render of an API on a Function URL fixed. */
export interface FunctionUrlApiDefinition<TAuth extends FunctionUrlAuth>
  extends ApiDefinition<TAuth> {
  /** The API's Lambda code: the bundle, whose `run.sh` starts the app. */
  readonly bundle: ApiBundle;
}

/** The auth a Function URL can check: IAM signatures, or nothing. */
export type FunctionUrlAuth = Exclude<AuthType, 'Cognito'>;

/**
 * One function behind a Lambda Function URL that streams responses (`RESPONSE_STREAM`): the
 * AWS Lambda Web Adapter layer runs the app under uvicorn and forwards each request to it, so
 * streaming routes reach the client chunk by chunk. No API Gateway: no 29 s limit and no
 * per-request fee, but also no per-route authorization, no WAF and no throttling (see
 * `reservedConcurrentExecutions`).
 */
export class FunctionUrlApiBase<
  TAuth extends FunctionUrlAuth = FunctionUrlAuth,
> extends ApiBase<TAuth> {
  /** The function running the whole app. */
  public readonly handler: lambda.Function;
  /** The function's URL. */
  public readonly functionUrl: lambda.FunctionUrl;
  /** Base URL of the API, ending with `/`. */
  public readonly url: string;

  public constructor(
    scope: Construct,
    id: string,
    definition: FunctionUrlApiDefinition<TAuth>,
    props: FunctionUrlApiOptions,
  ) {
    super(scope, id, definition, props);
    const authType = functionUrlAuthType(this, definition.auth);
    this.handler = ApiFunction.streamingFromBundle(this, 'Handler', definition.bundle, {
      ...props.handlerOptions,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    });
    this.shareOrigins([this.handler]);

    this.functionUrl = this.handler.addFunctionUrl({
      authType,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
      cors: {
        allowedOrigins: this.corsOriginsToken(),
        // Every method but OPTIONS (the preflight itself), named: a CORS rule open to any
        // origin and any method at once is what checkov's CKV2_AWS_75 refuses.
        allowedMethods: [
          lambda.HttpMethod.GET,
          lambda.HttpMethod.HEAD,
          lambda.HttpMethod.POST,
          lambda.HttpMethod.PUT,
          lambda.HttpMethod.PATCH,
          lambda.HttpMethod.DELETE,
        ],
        allowedHeaders: [...CORS_ALLOW_HEADERS],
        exposedHeaders: [...CORS_EXPOSE_HEADERS],
        maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
      },
    });
    if (authType === lambda.FunctionUrlAuthType.NONE) {
      skipCheckov(this.functionUrl.node.defaultChild as lambda.CfnUrl, {
        id: 'CKV_AWS_258',
        comment: 'The API was rendered with auth None: its URL is public on purpose.',
      });
      if (props.reservedConcurrentExecutions === undefined) {
        Annotations.of(this).addWarningV2(
          'common-constructs:unthrottledFunctionUrl',
          'This Function URL is public (auth None) and nothing caps how often it runs: give ' +
            'the API `reservedConcurrentExecutions`, so that a flood of requests cannot take ' +
            "the account's Lambda concurrency (and your bill) with it.",
        );
      }
    }

    this.url = this.publishUrl(definition.apiName, this.functionUrl.url);
  }

  /** Lets `grantee` call the URL with SigV4-signed requests (IAM auth). */
  protected override grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.handler.grantInvokeUrl(grantee);
  }
}

function functionUrlAuthType(scope: Construct, auth: AuthType): lambda.FunctionUrlAuthType {
  switch (auth) {
    case 'IAM':
      return lambda.FunctionUrlAuthType.AWS_IAM;
    case 'None':
      return lambda.FunctionUrlAuthType.NONE;
    case 'Cognito':
      throw new Error(
        `${scope.node.path}: a Lambda Function URL cannot check Cognito tokens; use IAM or ` +
          'None, or render the API with an API Gateway compute type.',
      );
  }
}
