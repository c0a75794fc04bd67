import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type { IConstruct } from 'constructs';

/** The Cognito user pool (and app client) whose tokens an API accepts. */
export interface CognitoIdentity {
  /** The user pool that signs the tokens. */
  readonly userPool: cognito.IUserPool;
  /** The app client the tokens are issued to (an HTTP API checks it as the JWT audience). */
  readonly userPoolClient: cognito.IUserPoolClient;
}

/** Who may call an API; chosen when the API was rendered. */
export type ApiAuth =
  /** SigV4-signed requests from principals granted with `grantInvokeAccess`. */
  | { readonly type: 'IAM' }
  /** Tokens of a Cognito user pool. */
  | { readonly type: 'Cognito'; readonly identity: CognitoIdentity | undefined }
  /** Anyone on the internet. */
  | { readonly type: 'None' };

/** The Cognito identity of an API, or a synth error that says how to pass it. */
export function requireIdentity(scope: IConstruct, auth: ApiAuth): CognitoIdentity {
  const identity = auth.type === 'Cognito' ? auth.identity : undefined;
  if (identity?.userPool === undefined || identity.userPoolClient === undefined) {
    throw new Error(
      `${scope.node.path}: this API uses Cognito auth and needs the \`identity\` prop: ` +
        '{ userPool, userPoolClient } of the user pool whose tokens it accepts.',
    );
  }
  return identity;
}
