import { Annotations, Duration, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpIamAuthorizer,
  HttpUserPoolAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Construct } from 'constructs';
import { type AuthType, requireIdentity } from './auth';
import { skipCheckov } from './checkov';
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, CORS_MAX_AGE_SECONDS } from './cors';
import {
  GatewayApiBase,
  type GatewayApiDefinition,
  type GatewayApiOptions,
  integrationBuilderFor,
} from './gateway-api';
import type { IntegrationBuilder, OperationIntegration } from './integration-builder';
import type { OperationDetails } from './operations';

/** Route options an override may change. */
export interface HttpRouteOptions {
  /**
   * Another authorizer for this route.
   * @default - the API's authorizer
   */
  readonly authorizer?: apigwv2.IHttpRouteAuthorizer;
  /**
   * OAuth scopes the route requires (JWT authorizers).
   * @default - none
   */
  readonly authorizationScopes?: string[];
}

/** How an HTTP API serves one operation: an HTTP route integration, plus route options. */
export type HttpOperationIntegration = OperationIntegration<
  apigwv2.HttpRouteIntegration,
  HttpRouteOptions
>;

/** The builder of an HTTP API's integrations. */
export type HttpIntegrationBuilder<TOperationId extends string> = IntegrationBuilder<
  TOperationId,
  apigwv2.HttpRouteIntegration,
  HttpRouteOptions
>;

/** What an API on an API Gateway HTTP API takes, besides its auth's props. */
export interface HttpApiOptions<TIntegrations> extends GatewayApiOptions<TIntegrations> {
  /**
   * More HttpApi props (e.g. `disableExecuteApiEndpoint`), applied over the defaults.
   * @default - CORS preflight for the allowed origins, no default stage (this construct adds one)
   */
  readonly httpApiProps?: apigwv2.HttpApiProps;
}

/**
 * An API Gateway HTTP API with one route per operation of the API's OpenAPI spec, an
 * auto-deployed, throttled `$default` stage with access logs, and CORS preflight answered by API
 * Gateway (it never reaches the authorizer or a function). HTTP APIs cannot stream responses:
 * a streaming operation is served whole, like the others, and synth warns about it.
 */
export class HttpApiBase<
  TOperationId extends string,
  TIntegrations extends { readonly [K in TOperationId]: HttpOperationIntegration },
  TAuth extends AuthType = AuthType,
> extends GatewayApiBase<TOperationId, TIntegrations, TAuth> {
  /**
   * The builder of an API's default integrations: one function per operation, from its bundle,
   * all through Mangum (nothing streams behind an HTTP API). A function of one operation may be
   * invoked by its route only; a shared one, by the API (one permission, not one per route).
   */
  protected static readonly integrationBuilder = integrationBuilderFor<
    apigwv2.HttpRouteIntegration,
    HttpRouteOptions
  >(
    false,
    (handler, operationId) =>
      new HttpLambdaIntegration(`${operationId ?? 'Router'}Integration`, handler, {
        scopePermissionToRoute: operationId !== undefined,
      }),
  );

  /** The underlying HTTP API. */
  public readonly api: apigwv2.HttpApi;
  /** Its `$default` stage. */
  public readonly stage: apigwv2.HttpStage;
  /** Base URL of the API, ending with `/`. */
  public readonly url: string;

  public constructor(
    scope: Construct,
    id: string,
    definition: GatewayApiDefinition<TOperationId, TAuth>,
    props: HttpApiOptions<TIntegrations>,
  ) {
    super(scope, id, definition, props);
    const authorizer = this.authorizer(definition.auth);

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: definition.apiName,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: this.corsOriginsToken(),
        allowMethods: [apigwv2.CorsHttpMethod.ANY],
        allowHeaders: [...CORS_ALLOW_HEADERS],
        exposeHeaders: [...CORS_EXPOSE_HEADERS],
        maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
      },
      ...props.httpApiProps,
    });

    const accessLogs = this.createAccessLogs();
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      detailedMetricsEnabled: true,
      throttle: this.throttle,
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) },
    });

    for (const operationId of Object.keys(definition.operations).sort() as TOperationId[]) {
      const { path, method } = definition.operations[operationId];
      const { integration, options } = props.integrations[operationId];
      this.api.addRoutes({
        path,
        methods: [method as apigwv2.HttpMethod],
        integration,
        authorizer,
        ...options,
      });
    }
    this.warnOfStreamingOperations(definition.operations);
    if (definition.auth === 'None') {
      const reason = 'The API was rendered with auth None: it is public on purpose.';
      Validations.of(this).acknowledge({ id: 'AwsSolutions-APIG4', reason });
      for (const child of this.api.node.findAll()) {
        if (child instanceof apigwv2.CfnRoute) {
          skipCheckov(child, { id: 'CKV_AWS_309', comment: reason });
        }
      }
    }

    this.url = this.publishUrl(definition.apiName, this.stage.url);
  }

  protected override arnForExecuteApi(method: string, path: string): string {
    return this.api.arnForExecuteApi(method, path, this.stage.stageName);
  }

  /** Operations marked `x-streaming` get their responses whole here: say so at synth. */
  private warnOfStreamingOperations(operations: Readonly<Record<string, OperationDetails>>): void {
    const streaming = Object.entries(operations)
      .filter(([, details]) => details.streaming)
      .map(([operationId, { method, path }]) => `${operationId} (${method} ${path})`)
      .sort();
    if (streaming.length > 0) {
      Annotations.of(this).addWarningV2(
        'common-constructs:httpApiCannotStream',
        `Operations marked x-streaming in the OpenAPI spec: ${streaming.join(', ')}. An HTTP ` +
          'API cannot stream responses: clients get each one whole, once the function has ' +
          'returned it (at most 30 seconds, 6 MB). Render the API with the REST API compute ' +
          '(or the Function URL one) to stream.',
      );
    }
  }

  private authorizer(auth: AuthType): apigwv2.IHttpRouteAuthorizer {
    switch (auth) {
      case 'IAM':
        return new HttpIamAuthorizer();
      case 'Cognito': {
        const { userPool, userPoolClient } = requireIdentity(this, this.identity);
        return new HttpUserPoolAuthorizer('Authorizer', userPool, {
          userPoolClients: [userPoolClient],
        });
      }
      case 'None':
        return new apigwv2.HttpNoneAuthorizer();
    }
  }
}
