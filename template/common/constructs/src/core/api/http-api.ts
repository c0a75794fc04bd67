import { CfnOutput, Duration, Lazy, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpIamAuthorizer,
  HttpUserPoolAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { RuntimeConfig } from '../runtime-config';
import { functionsOf } from './api-function';
import { type ApiAuth, requireIdentity } from './auth';
import { skipCheckov } from './checkov';
import {
  ALLOWED_ORIGINS_ENV,
  ANY_ORIGIN,
  CORS_ALLOW_HEADERS,
  CORS_EXPOSE_HEADERS,
  CORS_MAX_AGE_SECONDS,
  checkOrigins,
} from './cors';
import type { OperationIntegration } from './integration-builder';
import {
  checkIntegrations,
  type OperationDetails,
  type GatewayApiProps,
  type OperationsMetadata,
} from './operations';

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

/** Props of {@link HttpApiBase}; an API construct fills in all but `httpApiProps`. */
export interface HttpApiBaseProps<TOperationId extends string, TIntegrations>
  extends GatewayApiProps<TOperationId, TIntegrations> {
  /**
   * More HttpApi props (e.g. `disableExecuteApiEndpoint`), applied over the defaults.
   * @default - CORS preflight for any origin, no default stage (this construct adds one)
   */
  readonly httpApiProps?: apigwv2.HttpApiProps;
}

/**
 * An API Gateway HTTP API with one route per operation of the API's OpenAPI spec, an
 * auto-deployed `$default` stage with access logs, and CORS preflight answered by API Gateway
 * (it never reaches the authorizer or a function).
 */
export class HttpApiBase<
  TOperationId extends string,
  TIntegrations extends { readonly [K in TOperationId]: HttpOperationIntegration },
> extends Construct {
  /** The underlying HTTP API. */
  public readonly api: apigwv2.HttpApi;
  /** Its `$default` stage. */
  public readonly stage: apigwv2.HttpStage;
  /** Each operation's integration (and, for defaults, its `handler`). */
  public readonly integrations: TIntegrations;
  /** Base URL of the API, ending with `/`. */
  public readonly url: string;

  private corsOrigins: readonly string[] = [ANY_ORIGIN];
  private readonly operations: OperationsMetadata<TOperationId>;

  public constructor(
    scope: Construct,
    id: string,
    props: HttpApiBaseProps<TOperationId, TIntegrations>,
  ) {
    super(scope, id);
    checkIntegrations(this, props.operations, props.integrations);
    this.integrations = props.integrations;
    this.operations = props.operations;
    const authorizer = this.authorizer(props.auth);

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: props.apiName,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: Lazy.list({ produce: () => [...this.corsOrigins] }),
        allowMethods: [apigwv2.CorsHttpMethod.ANY],
        allowHeaders: [...CORS_ALLOW_HEADERS],
        exposeHeaders: [...CORS_EXPOSE_HEADERS],
        maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
      },
      ...props.httpApiProps,
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
    });
    skipCheckov(accessLogs, {
      id: 'CKV_AWS_158',
      comment: 'CloudWatch Logs encrypts log data at rest; access logs hold no secrets.',
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      detailedMetricsEnabled: true,
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) },
    });

    for (const operationId of Object.keys(props.operations).sort() as TOperationId[]) {
      const { path, method } = props.operations[operationId];
      const { integration, options } = props.integrations[operationId];
      this.api.addRoutes({
        path,
        methods: [method as apigwv2.HttpMethod],
        integration,
        authorizer,
        ...options,
      });
    }
    if (props.auth.type === 'None') {
      const reason = 'The API was rendered with auth None: it is public on purpose.';
      Validations.of(this).acknowledge({ id: 'AwsSolutions-APIG4', reason });
      for (const child of this.api.node.findAll()) {
        if (child instanceof apigwv2.CfnRoute) {
          skipCheckov(child, { id: 'CKV_AWS_309', comment: reason });
        }
      }
    }

    this.url = this.stage.url;
    new CfnOutput(this, 'Url', { value: this.url, description: `${props.apiName} base URL` });
    RuntimeConfig.ensure(this).registerApi(props.apiName, this.url);
  }

  /**
   * Allow browsers from these origins only (default: any origin): narrows the API's CORS
   * configuration and sets `ALLOWED_ORIGINS` on every function so their responses match.
   */
  public restrictCorsTo(...origins: string[]): void {
    this.corsOrigins = checkOrigins(this, origins);
    for (const handler of functionsOf(this.integrations)) {
      handler.addEnvironment(ALLOWED_ORIGINS_ENV, this.corsOrigins.join(','));
    }
  }

  /**
   * Lets `grantee` call every operation (IAM auth: SigV4-signed requests). The grant lists each
   * operation's route, so it stays least-privilege: path parameters become `*`.
   */
  protected grantExecuteApi(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: Object.values<OperationDetails>(this.operations).map(({ method, path }) =>
        this.api.arnForExecuteApi(method, path.replace(/{[^}]+}/g, '*'), this.stage.stageName),
      ),
    });
  }

  private authorizer(auth: ApiAuth): apigwv2.IHttpRouteAuthorizer {
    switch (auth.type) {
      case 'IAM':
        return new HttpIamAuthorizer();
      case 'Cognito': {
        const { userPool, userPoolClient } = requireIdentity(this, auth);
        return new HttpUserPoolAuthorizer('Authorizer', userPool, {
          userPoolClients: [userPoolClient],
        });
      }
      case 'None':
        return new apigwv2.HttpNoneAuthorizer();
    }
  }
}
