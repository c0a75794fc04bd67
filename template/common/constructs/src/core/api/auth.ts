import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type { IConstruct } from 'constructs';

/**
 * Who may call an API, chosen when it was rendered: `IAM`, SigV4-signed requests from the
 * principals granted with `grantInvokeAccess`; `Cognito`, the tokens of a user pool; `None`,
 * anyone on the internet.
 */
export type AuthType = 'IAM' | 'Cognito' | 'None';

/** The Cognito user pool (and app client) whose tokens an API accepts. */
export interface CognitoIdentity {
  /** The user pool that signs the tokens. */
  readonly userPool: cognito.IUserPool;
  /**
   * The app client the tokens are issued to: an HTTP API's authorizer checks it as the JWT
   * audience, and the app checks it behind a REST API (whose authorizer accepts any client of
   * the pool).
   */
  readonly userPoolClient: cognito.IUserPoolClient;
}

/** What an API of auth `TAuth` needs besides its options: Cognito APIs, the user pool. */
export type AuthProps<TAuth extends AuthType> = TAuth extends 'Cognito'
  ? {
      /** The Cognito user pool (and app client) whose tokens the API accepts. */
      readonly identity: CognitoIdentity;
    }
  : { readonly identity?: never };

/**
 * Name of the environment variable that tells the functions of a Cognito API which app clients
 * (comma-separated ids) may call it: the app refuses a token issued to any other.
 */
export const COGNITO_CLIENT_IDS_ENV = 'COGNITO_CLIENT_IDS';

/** The Cognito identity of an API, or a synth error that says how to pass it. */
export function requireIdentity(
  scope: IConstruct,
  identity: CognitoIdentity | undefined,
): CognitoIdentity {
  if (identity?.userPool === undefined || identity.userPoolClient === undefined) {
    throw new Error(
      `${scope.node.path}: this API uses Cognito auth and needs the \`identity\` prop: ` +
        '{ userPool, userPoolClient } of the user pool whose tokens it accepts.',
    );
  }
  return identity;
}
