import { CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct, type IConstruct } from 'constructs';
import type { CognitoIdentity } from '../../common/constructs/src';

/**
 * The stack's Cognito user pool and app client, shared by every API rendered with Cognito auth.
 * Users are created by an administrator (no self sign-up), sign in with their email address and
 * a TOTP second factor, and get tokens through SRP (no hosted UI). `cdk destroy` keeps the pool
 * and its users; delete it yourself when you mean to.
 */
export class UserIdentity extends Construct implements CognitoIdentity {
  /** The stack's user identity, created by the first API that asks for it. */
  public static ensure(scope: IConstruct): UserIdentity {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild('UserIdentity');
    return existing instanceof UserIdentity ? existing : new UserIdentity(stack, 'UserIdentity');
  }

  /** The user pool that signs the tokens. */
  public readonly userPool: cognito.UserPool;
  /** The app client that clients sign in through (the HTTP APIs' JWT audience). */
  public readonly userPoolClient: cognito.UserPoolClient;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Threat protection needs the Plus feature plan, billed per monthly active user with no ' +
        'free tier: a choice for the owner (featurePlan: PLUS), not a default.',
    });
    this.userPoolClient = this.userPool.addClient('Client', {
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
    });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
  }
}
