import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A checkov check skipped on purpose, with the reason a reviewer would ask for. */
export interface CheckovSkip {
  /** Check id, e.g. `CKV_AWS_117`. */
  readonly id: string;
  /** Why the finding does not apply. */
  readonly comment: string;
}

/**
 * Records checkov skips in the CloudFormation metadata of the resource behind `construct`
 * (its default child, or itself), where checkov reads them; earlier skips are kept.
 */
export function skipCheckov(construct: IConstruct, ...skips: CheckovSkip[]): void {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource to annotate.`);
  }
  const existing = (resource.getMetadata('checkov') as { skip?: CheckovSkip[] } | undefined)?.skip;
  const ids = new Set(skips.map((skip) => skip.id));
  const kept = (existing ?? []).filter((skip) => !ids.has(skip.id));
  resource.addMetadata('checkov', { skip: [...kept, ...skips] });
}
