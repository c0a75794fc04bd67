import { Duration, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { skipCheckov } from './checkov';

/** Options a caller may change on an API's functions: everything, all optional. */
export type FunctionOptions = Partial<lambda.FunctionProps>;

/**
 * A Lambda function with the defaults every API function shares: 30 s timeout, X-Ray active
 * tracing, and its own log group with a retention (one month unless `logGroup` is given).
 * The reviewed exceptions to cdk-nag and checkov rules are recorded here, once.
 */
export class ApiFunction extends lambda.Function {
  public constructor(scope: Construct, id: string, props: lambda.FunctionProps) {
    super(scope, id, {
      timeout: Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      ...props,
      logGroup: props.logGroup ?? defaultLogGroup(scope, `${id}Logs`),
    });

    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'The AWS managed basic execution policy only allows writing the function logs; a ' +
          'copy of it would need the same permissions and maintenance.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, ' +
          'which support no resource-level permissions.',
      },
      {
        id: 'AwsSolutions-L1',
        reason:
          "The runtime is pinned to the Python version the bundle's wheels and bytecode are " +
          'built for; it moves with the template.',
      },
    );
    skipCheckov(
      this,
      {
        id: 'CKV_AWS_115',
        comment: 'Concurrency is left to the account pool; reserve it per function if needed.',
      },
      {
        id: 'CKV_AWS_116',
        comment: 'Invoked synchronously by its API: no async events to dead-letter.',
      },
      {
        id: 'CKV_AWS_117',
        comment: 'Reaches only AWS APIs; pass `vpc` in the options to place it in one.',
      },
      {
        id: 'CKV_AWS_173',
        comment: 'Environment holds configuration only (no secrets); Lambda encrypts it at rest.',
      },
    );
  }
}

function defaultLogGroup(scope: Construct, id: string): logs.LogGroup {
  const logGroup = new logs.LogGroup(scope, id, { retention: logs.RetentionDays.ONE_MONTH });
  skipCheckov(logGroup, {
    id: 'CKV_AWS_158',
    comment: 'CloudWatch Logs encrypts log data at rest; pass a logGroup to use your own KMS key.',
  });
  return logGroup;
}

/** The distinct functions among an API's integrations (the `handler` of each, when it has one). */
export function functionsOf(integrations: object): lambda.Function[] {
  const handlers = Object.values(integrations).map(
    (integration: { readonly handler?: unknown } | undefined) => integration?.handler,
  );
  return [...new Set(handlers)].filter((handler) => handler instanceof lambda.Function);
}
