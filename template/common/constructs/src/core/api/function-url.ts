import { Duration, Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { ApiBase } from './api-base';
import { ApiFunction, type FunctionOptions } from './api-function';
import type { ApiAuth } from './auth';
import { skipCheckov } from './checkov';
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, CORS_MAX_AGE_SECONDS } from './cors';

/**
 * Version of the AWS Lambda Web Adapter layer (x86_64), published by AWS in every commercial
 * region under the same account; see the adapter's README for newer versions.
 */
export const WEB_ADAPTER_LAYER_VERSION = 30;

/** Port the app listens on inside the function; the adapter forwards requests to it. */
export const WEB_ADAPTER_APP_PORT = '8080';

/** Props of {@link FunctionUrlApiBase}; an API construct fills in all but `handlerOptions`. */
export interface FunctionUrlApiBaseProps {
  /** The API's construct class name: its key in the runtime config. */
  readonly apiName: string;
  /** The function's code and runtime: the API's bundle, whose `run.sh` starts the app. */
  readonly code: lambda.Code;
  /** The Python runtime the bundle was built for. */
  readonly runtime: lambda.Runtime;
  /** Who may call the URL (a Function URL checks IAM signatures or nothing). */
  readonly auth: ApiAuth;
  /**
   * More function props (e.g. `{ memorySize, vpc }`), applied over the defaults; `environment`
   * is merged with the adapter's.
   * @default - 30 s timeout, X-Ray tracing, one month of logs
   */
  readonly handlerOptions?: FunctionOptions;
}

/**
 * One function behind a Lambda Function URL that streams responses (`RESPONSE_STREAM`): the
 * AWS Lambda Web Adapter layer runs the app under uvicorn and forwards each request to it, so
 * streaming routes reach the client chunk by chunk. No API Gateway: no 29 s limit and no
 * per-request fee, but also no per-route authorization or throttling.
 */
export class FunctionUrlApiBase extends ApiBase {
  /** The function running the whole app. */
  public readonly handler: lambda.Function;
  /** The function's URL. */
  public readonly functionUrl: lambda.FunctionUrl;
  /** Base URL of the API, ending with `/`. */
  public readonly url: string;

  public constructor(scope: Construct, id: string, props: FunctionUrlApiBaseProps) {
    super(scope, id);
    const authType = functionUrlAuthType(this, props.auth);
    const options = props.handlerOptions ?? {};
    const layer = lambda.LayerVersion.fromLayerVersionArn(
      this,
      'WebAdapter',
      `arn:${Stack.of(this).partition}:lambda:${Stack.of(this).region}:753240598075:layer:` +
        `LambdaAdapterLayerX86:${WEB_ADAPTER_LAYER_VERSION}`,
    );
    this.handler = new ApiFunction(this, 'Handler', {
      runtime: props.runtime,
      code: props.code,
      architecture: lambda.Architecture.X86_64,
      ...options,
      handler: 'run.sh',
      layers: [layer, ...(options.layers ?? [])],
      environment: {
        AWS_LAMBDA_EXEC_WRAPPER: '/opt/bootstrap',
        AWS_LWA_INVOKE_MODE: 'response_stream',
        // Ready once the port accepts connections: an HTTP check would GET / at every cold
        // start and be logged and counted as a client error.
        AWS_LWA_READINESS_CHECK_PROTOCOL: 'tcp',
        PORT: WEB_ADAPTER_APP_PORT,
        ...options.environment,
      },
    });

    this.functionUrl = this.handler.addFunctionUrl({
      authType,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
      cors: {
        allowedOrigins: this.corsOriginsToken(),
        allowedMethods: [lambda.HttpMethod.ALL],
        allowedHeaders: [...CORS_ALLOW_HEADERS],
        exposedHeaders: [...CORS_EXPOSE_HEADERS],
        maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
      },
    });
    const cfnUrl = this.functionUrl.node.defaultChild as lambda.CfnUrl;
    if (authType === lambda.FunctionUrlAuthType.NONE) {
      skipCheckov(cfnUrl, {
        id: 'CKV_AWS_258',
        comment: 'The API was rendered with auth None: its URL is public on purpose.',
      });
    }

    this.url = this.publishUrl(props.apiName, this.functionUrl.url);
  }

  /** Lets `grantee` call the URL with SigV4-signed requests (IAM auth). */
  protected grantInvokeUrl(grantee: iam.IGrantable): iam.Grant {
    return this.handler.grantInvokeUrl(grantee);
  }

  protected override handlers(): readonly lambda.Function[] {
    return [this.handler];
  }
}

function functionUrlAuthType(scope: Construct, auth: ApiAuth): lambda.FunctionUrlAuthType {
  switch (auth.type) {
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
