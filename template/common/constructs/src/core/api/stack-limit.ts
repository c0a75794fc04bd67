import { CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The context key aws-cdk-lib reads for the most resources a stack may hold (0: no limit). */
const STACK_RESOURCE_LIMIT_CONTEXT = '@aws-cdk/core:stackResourceLimit';

/** CloudFormation's limit of resources in one stack, which aws-cdk-lib enforces by default. */
const CLOUDFORMATION_RESOURCE_LIMIT = 500;

/** What the error names about the API that does not fit. */
interface ApiSize {
  /** The API's construct class, e.g. `MyApi`. */
  readonly apiName: string;
  /** How many operations it serves. */
  readonly operations: number;
  /** How many functions serve them. */
  readonly functions: number;
}

/**
 * The error, if any, for an API whose stack holds more resources than allowed. aws-cdk-lib
 * refuses such a stack too, but later and without saying what to do: this runs first (as a
 * construct validation) and names the ways out for this API.
 */
export function stackLimitErrors(api: IConstruct, size: ApiSize): string[] {
  const stack = Stack.of(api);
  const limit = Number.parseInt(
    String(api.node.tryGetContext(STACK_RESOURCE_LIMIT_CONTEXT) ?? CLOUDFORMATION_RESOURCE_LIMIT),
    10,
  );
  const count = stack.node
    .findAll()
    .filter((child) => CfnResource.isCfnResource(child) && Stack.of(child) === stack).length;
  if (limit <= 0 || count <= limit) {
    return [];
  }
  const { apiName, operations, functions } = size;
  return [
    `${apiName} does not fit its stack: ${stack.node.path} would hold ${count} resources, and ` +
      `CloudFormation allows ${limit} in a stack. ${apiName} has ${operations} operations served ` +
      `by ${functions} functions. To fit: (1) serve them with one function, ` +
      `\`${apiName}.defaultIntegrations(scope).withSharedHandler()\` (on a REST API the ` +
      'streaming operations share a second one); or (2) create the functions in a nested ' +
      `stack, which holds ${limit} resources more: \`${apiName}.defaultIntegrations(new ` +
      `NestedStack(stack, '${apiName}Functions')).build()\` (the stack and its nested stacks ` +
      'pass references as parameters and outputs; see the constructs README). Do not split ' +
      'into sibling top-level stacks instead: each reference between them becomes an export, ' +
      'and an export can be neither changed nor deleted while the other stack imports it.',
  ];
}
