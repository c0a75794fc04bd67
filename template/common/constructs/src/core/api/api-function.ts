import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type ApiBundle, bundleProps } from './bundle';
import { skipCheckov } from './checkov';
import { webAdapterProps } from './web-adapter';

/** Options a caller may change on an API's functions: everything, all optional. */
export type FunctionOptions = Partial<lambda.FunctionProps>;

/**
 * A Lambda function with the defaults every API function shares: 30 s timeout, X-Ray active
 * tracing, and a log group with a retention (one month unless `logGroup` is given).
 *
 * Its role (unless `role` is given: see {@link sharedExecution}) holds only what its functions
 * need: writing to their log group, and the X-Ray and network-interface actions in policies of
 * their own, once per role, the only statements on `*`. A statement you add with
 * `addToRolePolicy` lands in the role's default policy, which cdk-nag checks like any other. The
 * reviewed exceptions to cdk-nag and checkov rules are recorded here, once, each on the resource
 * it concerns.
 */
export class ApiFunction extends lambda.Function {
  /**
   * A function running an API's bundle through Mangum (handler `<module>.main.handler`), with
   * `options`: API Gateway receives its response whole.
   */
  public static fromBundle(
    scope: Construct,
    id: string,
    bundle: ApiBundle,
    options: FunctionOptions = {},
  ): ApiFunction {
    return new ApiFunction(scope, id, {
      ...bundleProps(bundle),
      handler: `${bundle.module}.main.handler`,
      ...options,
    });
  }

  /**
   * A function running an API's bundle under uvicorn behind the AWS Lambda Web Adapter (handler
   * `run.sh`, see {@link webAdapterProps}), with `options`: it streams responses, to a Function
   * URL or to a REST API's STREAM integration. Its timeout bounds a stream.
   */
  public static streamingFromBundle(
    scope: Construct,
    id: string,
    bundle: ApiBundle,
    options: FunctionOptions = {},
  ): ApiFunction {
    return new ApiFunction(
      scope,
      id,
      webAdapterProps(scope, id, { ...bundleProps(bundle), ...options }),
    );
  }

  public constructor(scope: Construct, id: string, props: lambda.FunctionProps) {
    // Tracing is configured below, so that its statement on `*` gets a policy of its own.
    const { tracing = lambda.Tracing.ACTIVE, ...functionProps } = props;
    // Without a role, lambda.Function would create one with AWSLambdaBasicExecutionRole, which
    // allows writing to every log group of the account.
    const role = props.role ?? executionRole(scope, `${id}ServiceRole`);
    super(scope, id, {
      timeout: Duration.seconds(30),
      ...functionProps,
      role,
      logGroup: props.logGroup ?? defaultLogGroup(scope, `${id}Logs`),
    });
    this.logGroup.grantWrite(role);
    if (tracing !== lambda.Tracing.DISABLED) {
      (this.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: tracing };
      this.addWildcardPolicy(role, 'TracingPolicy', {
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        reason:
          'X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which ' +
          'support no resource-level permissions.',
      });
    }
    if (props.vpc !== undefined) {
      const networkInterfaces = this.addWildcardPolicy(role, 'NetworkInterfacesPolicy', {
        actions: [
          'ec2:AssignPrivateIpAddresses',
          'ec2:CreateNetworkInterface',
          'ec2:DeleteNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:UnassignPrivateIpAddresses',
        ],
        reason:
          'A function in a VPC manages its network interfaces, whose ids Lambda chooses: the ' +
          'actions of AWSLambdaVPCAccessExecutionRole, without its logs on every log group.',
      });
      skipCheckov(networkInterfaces, {
        id: 'CKV_AWS_111',
        comment: 'Lambda creates and deletes the network interfaces; their ids are not known.',
      });
    }

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "The runtime is pinned to the Python version the bundle's wheels and bytecode are " +
        'built for; it moves with the template.',
    });
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

  /**
   * A policy of the function's role for actions that take no resource but `*`, acknowledged for
   * cdk-nag on that policy alone; the function waits for it. A role of this app gets it once,
   * whatever number of functions share the role; an imported role, once per function.
   */
  private addWildcardPolicy(
    role: iam.IRole,
    id: string,
    { actions, reason }: { readonly actions: string[]; readonly reason: string },
  ): iam.Policy {
    const scope = role instanceof iam.Role ? role : this;
    let policy = scope.node.tryFindChild(id) as iam.Policy | undefined;
    if (policy === undefined) {
      policy = new iam.Policy(scope, id, {
        statements: [new iam.PolicyStatement({ actions, resources: ['*'] })],
      });
      role.attachInlinePolicy(policy);
      Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
    }
    this.node.defaultChild?.node.addDependency(policy);
    return policy;
  }
}

/**
 * The options of one of an API's functions, with the execution role and the log group that the
 * API's functions share unless `options` give their own: `<prefix>FunctionsRole` and
 * `<prefix>FunctionsLogs` in `scope`, created by the first function that needs each. Sharing
 * keeps a stack of one function per operation far from CloudFormation's 500 resources, but what
 * one function is granted, every function sharing the role gets.
 */
export function sharedExecution(
  scope: Construct,
  prefix: string,
  options: FunctionOptions,
): FunctionOptions {
  return {
    ...options,
    role: options.role ?? findOrCreate(scope, `${prefix}FunctionsRole`, executionRole),
    logGroup: options.logGroup ?? findOrCreate(scope, `${prefix}FunctionsLogs`, defaultLogGroup),
  };
}

function findOrCreate<T extends Construct>(
  scope: Construct,
  id: string,
  create: (scope: Construct, id: string) => T,
): T {
  return (scope.node.tryFindChild(id) as T | undefined) ?? create(scope, id);
}

/** A role Lambda may assume, with no permission yet: each function adds what it needs. */
function executionRole(scope: Construct, id: string): iam.Role {
  return new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
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
