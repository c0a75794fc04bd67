import { Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { type AuthType, requireIdentity } from './auth';
import { skipCheckov } from './checkov';
import { CORS_ALLOW_HEADERS, CORS_MAX_AGE_SECONDS } from './cors';
import {
  GatewayApiBase,
  type GatewayApiDefinition,
  type GatewayApiOptions,
  integrationBuilderFor,
} from './gateway-api';
import type { IntegrationBuilder, OperationIntegration } from './integration-builder';
import type { OperationDetails } from './operations';
import { ManagedRulesWebAcl } from './web-acl';

/**
 * How a REST API serves one operation: any API Gateway integration, plus method options. With
 * Cognito auth, `options: { authorizationScopes }` makes the method take access tokens with one
 * of those scopes instead of ID tokens.
 */
export type RestOperationIntegration = OperationIntegration<
  apigateway.Integration,
  apigateway.MethodOptions
>;

/** The builder of a REST API's integrations. */
export type RestIntegrationBuilder<TOperationId extends string> = IntegrationBuilder<
  TOperationId,
  apigateway.Integration,
  apigateway.MethodOptions
>;

/** What an API on an API Gateway REST API takes, besides its auth's props. */
export interface RestApiOptions<TIntegrations> extends GatewayApiOptions<TIntegrations> {
  /**
   * The AWS WAF web ACL of the stage: the ARN of one you manage (e.g. shared by several APIs, or
   * Firewall Manager's), or `false` for none.
   * @default - a web ACL of its own with the AWS managed common and known-bad-inputs rule
   * groups ({@link ManagedRulesWebAcl}: about 7 USD a month, plus 0.60 USD per million requests)
   */
  readonly webAcl?: string | false;
  /**
   * More RestApi props (e.g. `endpointTypes`, `binaryMediaTypes`), applied over the defaults;
   * `deployOptions` are merged with the stage's (throttling there overrides `throttle`).
   * @default - a regional API with tracing, access logs, error logging and throttling on its
   * `prod` stage
   */
  readonly restApiProps?: apigateway.RestApiProps;
}

/**
 * An API Gateway REST API with one method per operation of the API's OpenAPI spec, authorized
 * per method, behind an AWS WAF web ACL, with CORS preflight answered by API Gateway (no Lambda
 * invocation). Operations marked `x-streaming` stream their responses (a STREAM integration of
 * a function behind the Lambda Web Adapter); synth refuses what API Gateway cannot do to a
 * stream: caching it, encoding its content, or mapping it with integration responses.
 */
export class RestApiBase<
  TOperationId extends string,
  TIntegrations extends { readonly [K in TOperationId]: RestOperationIntegration },
  TAuth extends AuthType = AuthType,
> extends GatewayApiBase<TOperationId, TIntegrations, TAuth> {
  /**
   * The builder of an API's default integrations: one function per operation running the API's
   * bundle, each with one permission for the API to invoke it (one per function: scoping it to
   * the method takes two, one for the stage and one for the console's test invocations). A
   * streaming operation's integration streams (API Gateway then invokes the function's
   * response-streaming endpoint), with the function's timeout as its own: a stream lasts as long
   * as its function runs, up to the 15 minutes both Lambda and a STREAM integration allow.
   */
  protected static readonly integrationBuilder = integrationBuilderFor<
    apigateway.Integration,
    apigateway.MethodOptions
  >(
    true,
    (handler, _operationId, streaming) =>
      new apigateway.LambdaIntegration(handler, {
        scopePermissionToMethod: false,
        ...(streaming && {
          responseTransferMode: apigateway.ResponseTransferMode.STREAM,
          timeout: handler.timeout,
        }),
      }),
  );

  /** The underlying REST API. */
  public readonly api: apigateway.RestApi;
  /** The web ACL this construct created for the stage, unless given one or `webAcl: false`. */
  public readonly webAcl: ManagedRulesWebAcl | undefined;
  /** Base URL of the API's stage, ending with `/`. */
  public readonly url: string;

  public constructor(
    scope: Construct,
    id: string,
    definition: GatewayApiDefinition<TOperationId, TAuth>,
    props: RestApiOptions<TIntegrations>,
  ) {
    super(scope, id, definition, props);
    const methodAuth = this.methodAuth(definition.auth);

    const accessLogs = this.createAccessLogs();
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: definition.apiName,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Access logging needs the account-wide CloudWatch role; kept when the stack is deleted
      // because every REST API in the account and region relies on it.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      policy: definition.auth === 'IAM' ? iamResourcePolicy() : undefined,
      ...props.restApiProps,
      deployOptions: {
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: this.throttle.rateLimit,
        throttlingBurstLimit: this.throttle.burstLimit,
        ...props.restApiProps?.deployOptions,
      },
    });

    const byPath = new Map<string, [TOperationId, OperationDetails][]>();
    for (const operationId of Object.keys(definition.operations).sort() as TOperationId[]) {
      const details = definition.operations[operationId];
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
    this.node.addValidation({ validate: () => this.streamingConflicts() });
    this.webAcl = this.protectStage(definition.apiName, props.webAcl);
    this.acknowledgeFindings(definition.auth);

    this.url = this.publishUrl(definition.apiName, this.api.url);
  }

  protected override arnForExecuteApi(method: string, path: string): string {
    return this.api.arnForExecuteApi(method, path, this.api.deploymentStage.stageName);
  }

  /**
   * Every method's authorization. Cognito: the user pool authorizer takes ID tokens, or, on a
   * method given `authorizationScopes`, access tokens with one of them; either way the app
   * checks the app client (`COGNITO_CLIENT_IDS`), which the authorizer does not.
   */
  private methodAuth(auth: AuthType): apigateway.MethodOptions {
    switch (auth) {
      case 'IAM':
        return { authorizationType: apigateway.AuthorizationType.IAM };
      case 'Cognito': {
        const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
          cognitoUserPools: [requireIdentity(this, this.identity).userPool],
        });
        return { authorizationType: apigateway.AuthorizationType.COGNITO, authorizer };
      }
      case 'None':
        return { authorizationType: apigateway.AuthorizationType.NONE };
    }
  }

  /**
   * OPTIONS answered by a mock integration, without credentials (browsers send none). Its
   * template echoes the request's origin when it is an allowed one, and sends no
   * `Access-Control-Allow-Origin` otherwise; the origins are read at synth, so
   * `restrictCorsTo` may be called after construction.
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
    if (this.corsOrigins.length === 0) {
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

  /**
   * Errors API Gateway answers itself (denied, throttled, timed out) stay readable by a page of
   * the first allowed origin; with none allowed, they carry no CORS header.
   */
  private addCorsToGatewayErrors(): void {
    for (const [id, type] of [
      ['Default4XX', apigateway.ResponseType.DEFAULT_4XX],
      ['Default5XX', apigateway.ResponseType.DEFAULT_5XX],
    ] as const) {
      const response = this.api.addGatewayResponse(id, { type });
      // Read at synth: whether there is an origin to name decides whether the header exists.
      (response.node.defaultChild as apigateway.CfnGatewayResponse).responseParameters = Lazy.any({
        produce: () => ({
          'gatewayresponse.header.Vary': "'Origin'",
          ...(this.corsOrigins.length > 0 && {
            'gatewayresponse.header.Access-Control-Allow-Origin': `'${this.corsOrigins[0]}'`,
          }),
        }),
      });
    }
  }

  /**
   * API Gateway passes a STREAM integration's response on as it comes, so nothing that needs
   * the whole response applies to it: endpoint caching, content encoding (`contentHandling`),
   * response mapping (`integrationResponses`). One error per streaming method configured so.
   */
  private streamingConflicts(): string[] {
    const stack = Stack.of(this);
    const stage = this.api.deploymentStage.node.defaultChild as apigateway.CfnStage;
    const settings: apigateway.CfnStage.MethodSettingProperty[] =
      stack.resolve(stage.methodSettings) ?? [];
    const errors: string[] = [];
    for (const method of this.api.methods) {
      const integration: ResolvedIntegration | undefined = stack.resolve(
        (method.node.defaultChild as apigateway.CfnMethod).integration,
      );
      if (integration?.responseTransferMode !== apigateway.ResponseTransferMode.STREAM) {
        continue;
      }
      const where = `${method.httpMethod} ${method.resource.path} streams its responses`;
      if (cachingEnabled(settings, method)) {
        errors.push(
          `${where}, which API Gateway cannot cache: turn caching off for ` +
            `'${method.resource.path}/${method.httpMethod}' in the stage's methodOptions.`,
        );
      }
      if (integration.contentHandling !== undefined) {
        errors.push(
          `${where}, which API Gateway cannot convert: remove its integration's ` +
            'contentHandling (compress or encode the response in the function instead).',
        );
      }
      if ((integration.integrationResponses ?? []).length > 0) {
        errors.push(
          `${where}, which API Gateway cannot map: remove its integration's ` +
            'integrationResponses (shape the response in the function instead).',
        );
      }
    }
    return errors;
  }

  /** Associates the stage with a web ACL: the one given, or one of its own; none if `false`. */
  private protectStage(
    apiName: string,
    webAcl: string | false | undefined,
  ): ManagedRulesWebAcl | undefined {
    if (webAcl === false) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason: 'The API was given `webAcl: false`: its owner runs it without AWS WAF.',
      });
      return undefined;
    }
    const created =
      webAcl === undefined
        ? new ManagedRulesWebAcl(this, 'WebAcl', { metricPrefix: apiName })
        : undefined;
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: created?.arn ?? (webAcl as string),
    });
    return created;
  }

  private acknowledgeFindings(auth: AuthType): void {
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'The FastAPI app validates every request against the same OpenAPI schema and ' +
          'returns its own 422 with CORS headers.',
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
    if (auth === 'IAM') {
      // Cognito user pool authorizers are one option; SigV4 (IAM) is the one chosen here.
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: 'Methods use IAM (SigV4) authorization, chosen when the API was rendered.',
      });
    }
    if (auth === 'None') {
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

/** What a method's integration says of the response, as synthesized (tokens resolved). */
interface ResolvedIntegration {
  readonly responseTransferMode?: string;
  readonly contentHandling?: string;
  readonly integrationResponses?: readonly unknown[];
}

/**
 * Whether the stage caches `method`'s responses: the setting for its own resource path wins over
 * one for every path (`/*`), and then the one for its own HTTP method over one for every method
 * (`*`), as in API Gateway.
 */
function cachingEnabled(
  settings: readonly apigateway.CfnStage.MethodSettingProperty[],
  method: apigateway.Method,
): boolean {
  const path = method.resource.path;
  const resourcePath = path === '/' ? '/' : `/${path.replaceAll('/', '~1')}`;
  const rank = ({
    resourcePath: settingPath,
    httpMethod,
  }: apigateway.CfnStage.MethodSettingProperty) => {
    const pathRank = { [resourcePath]: 2, '/*': 0 }[settingPath ?? ''];
    const methodRank = { [method.httpMethod]: 1, '*': 0 }[httpMethod ?? ''];
    return pathRank === undefined || methodRank === undefined ? -1 : pathRank + methodRank;
  };
  let best = { rank: -1, enabled: false };
  for (const setting of settings) {
    if (setting.cachingEnabled !== undefined && rank(setting) > best.rank) {
      best = { rank: rank(setting), enabled: setting.cachingEnabled === true };
    }
  }
  return best.enabled;
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
