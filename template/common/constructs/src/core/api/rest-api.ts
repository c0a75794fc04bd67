import { Lazy, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { type ApiAuth, requireIdentity } from './auth';
import { skipCheckov } from './checkov';
import { CORS_ALLOW_HEADERS, CORS_MAX_AGE_SECONDS } from './cors';
import { GatewayApiBase } from './gateway-api';
import type { OperationIntegration } from './integration-builder';
import type { GatewayApiProps, OperationDetails } from './operations';

/** How a REST API serves one operation: any API Gateway integration, plus method options. */
export type RestOperationIntegration = OperationIntegration<
  apigateway.Integration,
  apigateway.MethodOptions
>;

/** Props of {@link RestApiBase}; an API construct fills in all but `restApiProps`. */
export interface RestApiBaseProps<TOperationId extends string, TIntegrations>
  extends GatewayApiProps<TOperationId, TIntegrations> {
  /**
   * More RestApi props (e.g. `endpointTypes`, `binaryMediaTypes`), applied over the defaults.
   * @default - a regional API with tracing, access logs and error logging on its `prod` stage
   */
  readonly restApiProps?: apigateway.RestApiProps;
}

/**
 * An API Gateway REST API with one method per operation of the API's OpenAPI spec,
 * authorized per method, with CORS preflight answered by API Gateway (no Lambda invocation).
 */
export class RestApiBase<
  TOperationId extends string,
  TIntegrations extends { readonly [K in TOperationId]: RestOperationIntegration },
> extends GatewayApiBase<TOperationId, TIntegrations> {
  /** The underlying REST API. */
  public readonly api: apigateway.RestApi;
  /** Base URL of the API's stage, ending with `/`. */
  public readonly url: string;

  public constructor(
    scope: Construct,
    id: string,
    props: RestApiBaseProps<TOperationId, TIntegrations>,
  ) {
    super(scope, id, props);
    const methodAuth = this.methodAuth(props.auth);

    const accessLogs = this.createAccessLogs();
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: props.apiName,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Access logging needs the account-wide CloudWatch role; kept when the stack is deleted
      // because every REST API in the account and region relies on it.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
      policy: props.auth.type === 'IAM' ? iamResourcePolicy() : undefined,
      ...props.restApiProps,
    });

    const byPath = new Map<string, [TOperationId, OperationDetails][]>();
    for (const operationId of Object.keys(props.operations).sort() as TOperationId[]) {
      const details = props.operations[operationId];
      byPath.set(details.path, [...(byPath.get(details.path) ?? []), [operationId, details]]);
    }
    for (const [path, operations] of byPath) {
      const resource = this.api.root.resourceForPath(path);
      for (const [operationId, details] of operations) {
        const { integration, options } = props.integrations[operationId];
        resource.addMethod(details.method, integration, { ...methodAuth, ...options });
      }
      this.addPreflight(
        resource,
        operations.map(([, details]) => details.method),
      );
    }
    this.addCorsToGatewayErrors();
    this.acknowledgeFindings(props.auth);

    this.url = this.publishUrl(props.apiName, this.api.url);
  }

  protected override arnForExecuteApi(method: string, path: string): string {
    return this.api.arnForExecuteApi(method, path, this.api.deploymentStage.stageName);
  }

  private methodAuth(auth: ApiAuth): apigateway.MethodOptions {
    switch (auth.type) {
      case 'IAM':
        return { authorizationType: apigateway.AuthorizationType.IAM };
      case 'Cognito': {
        const { userPool } = requireIdentity(this, auth);
        const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
          cognitoUserPools: [userPool],
        });
        return { authorizationType: apigateway.AuthorizationType.COGNITO, authorizer };
      }
      case 'None':
        return { authorizationType: apigateway.AuthorizationType.NONE };
    }
  }

  /**
   * OPTIONS answered by a mock integration, without credentials (browsers send none). The
   * origins are read at synth, so `restrictCorsTo` may be called after construction; with
   * several origins, a template echoes the request's origin when it is one of them.
   */
  private addPreflight(resource: apigateway.IResource, methods: readonly string[]): void {
    const header = (name: string) => `method.response.header.${name}`;
    const method = resource.addMethod(
      'OPTIONS',
      new apigateway.MockIntegration({
        requestTemplates: { 'application/json': '{ "statusCode": 204 }' },
        integrationResponses: [
          {
            statusCode: '204',
            responseParameters: {
              [header('Access-Control-Allow-Headers')]: `'${CORS_ALLOW_HEADERS.join(',')}'`,
              [header('Access-Control-Allow-Methods')]: `'${[...methods, 'OPTIONS'].join(',')}'`,
              [header('Access-Control-Allow-Origin')]: Lazy.string({
                produce: () => `'${this.corsOrigins[0]}'`,
              }),
              [header('Access-Control-Max-Age')]: `'${CORS_MAX_AGE_SECONDS}'`,
              [header('Vary')]: "'Origin'",
            },
            responseTemplates: {
              'application/json': Lazy.string({ produce: () => this.echoAllowedOrigin() }),
            },
          },
        ],
      }),
      {
        authorizationType: apigateway.AuthorizationType.NONE,
        methodResponses: [
          {
            statusCode: '204',
            responseParameters: Object.fromEntries(
              [
                'Access-Control-Allow-Headers',
                'Access-Control-Allow-Methods',
                'Access-Control-Allow-Origin',
                'Access-Control-Max-Age',
                'Vary',
              ].map((name) => [header(name), true]),
            ),
          },
        ],
      },
    );
    const reason = 'CORS preflight requests carry no credentials by design (Fetch standard).';
    Validations.of(method).acknowledge(
      { id: 'AwsSolutions-APIG4', reason },
      { id: 'AwsSolutions-COG4', reason },
    );
    skipCheckov(method, { id: 'CKV_AWS_59', comment: reason });
  }

  private echoAllowedOrigin(): string {
    if (this.corsOrigins.length < 2) {
      return '';
    }
    const allowed = this.corsOrigins.map((origin) => `"${origin}"`).join(', ');
    return [
      '#set($origin = $input.params().header.get("Origin"))',
      '#if("$!origin" == "")#set($origin = $input.params().header.get("origin"))#end',
      `#if([${allowed}].contains($origin))`,
      '#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
      '#end',
    ].join('\n');
  }

  /** Errors API Gateway answers itself (denied, throttled, timed out) stay readable by the page. */
  private addCorsToGatewayErrors(): void {
    for (const [id, type] of [
      ['Default4XX', apigateway.ResponseType.DEFAULT_4XX],
      ['Default5XX', apigateway.ResponseType.DEFAULT_5XX],
    ] as const) {
      this.api.addGatewayResponse(id, {
        type,
        responseHeaders: {
          'Access-Control-Allow-Origin': Lazy.string({ produce: () => `'${this.corsOrigins[0]}'` }),
          Vary: "'Origin'",
        },
      });
    }
  }

  private acknowledgeFindings(auth: ApiAuth): void {
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'The FastAPI app validates every request against the same OpenAPI schema and ' +
          'returns its own 422 with CORS headers.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'A WAF web ACL is an account-level choice (cost, rules); associate one with the ' +
          'stage ARN where needed.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: 'The account-wide API Gateway logging role needs exactly this AWS managed policy.',
      },
    );
    skipCheckov(this.api.deploymentStage, {
      id: 'CKV_AWS_120',
      comment: 'Responses are per caller and per query; a stage cache would serve stale data.',
    });
    if (auth.type === 'IAM') {
      // Cognito user pool authorizers are one option; SigV4 (IAM) is the one chosen here.
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: 'Methods use IAM (SigV4) authorization, chosen when the API was rendered.',
      });
    }
    if (auth.type === 'None') {
      const reason = 'The API was rendered with auth None: it is public on purpose.';
      Validations.of(this).acknowledge(
        { id: 'AwsSolutions-APIG4', reason },
        { id: 'AwsSolutions-COG4', reason },
      );
      for (const method of this.api.methods) {
        skipCheckov(method, { id: 'CKV_AWS_59', comment: reason });
      }
    }
  }
}

/**
 * IAM auth: principals of this account with an IAM policy allowing execute-api:Invoke (see
 * `grantInvokeAccess`) may call any method; anyone may send a CORS preflight.
 */
function iamResourcePolicy(): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        principals: [new iam.AccountRootPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*'],
      }),
      new iam.PolicyStatement({
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ['execute-api:/*/OPTIONS/*'],
      }),
    ],
  });
}
