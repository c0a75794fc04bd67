import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ApiBase } from './api-base';
import { functionsOf } from './api-function';
import { skipCheckov } from './checkov';
import type { OperationIntegration } from './integration-builder';
import {
  checkIntegrations,
  type GatewayApiProps,
  type OperationDetails,
  type OperationsMetadata,
} from './operations';

/**
 * What the API Gateway constructs (REST and HTTP) share: one integration per operation of the
 * API's OpenAPI spec, access logs, and IAM grants that list each operation.
 */
export abstract class GatewayApiBase<
  TOperationId extends string,
  TIntegrations extends { readonly [K in TOperationId]: OperationIntegration<unknown, unknown> },
> extends ApiBase {
  /** Each operation's integration (and, for defaults, its `handler`). */
  public readonly integrations: TIntegrations;
  /** The API's generated operation metadata. */
  protected readonly operations: OperationsMetadata<TOperationId>;

  public constructor(
    scope: Construct,
    id: string,
    props: GatewayApiProps<TOperationId, TIntegrations>,
  ) {
    super(scope, id);
    checkIntegrations(this, props.operations, props.integrations);
    this.integrations = props.integrations;
    this.operations = props.operations;
  }

  /**
   * Lets `grantee` call every operation (IAM auth: SigV4-signed requests). The grant lists each
   * operation's method and path, so it stays least-privilege: path parameters become `*`.
   */
  protected grantExecuteApi(grantee: iam.IGrantable): iam.Grant {
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

  protected override handlers(): readonly lambda.Function[] {
    return functionsOf(this.integrations);
  }
}
