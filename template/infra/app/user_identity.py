"""The stack's Cognito user pool, shared by every API rendered with Cognito auth."""

from aws_cdk import Acknowledgment, CfnOutput, Stack, Validations
from aws_cdk import aws_cognito as cognito
from constructs import Construct, IConstruct


class UserIdentity(Construct):
    """The stack's Cognito user pool and app client, shared by every API rendered with Cognito
    auth (a `CognitoIdentity`). Users are created by an administrator (no self sign-up), sign
    in with their email address and a TOTP second factor, and get tokens through SRP (no hosted
    UI). `cdk destroy` keeps the pool and its users; delete it yourself when you mean to."""

    @staticmethod
    def ensure(scope: IConstruct) -> "UserIdentity":
        """The stack's user identity, created by the first API that asks for it."""
        stack = Stack.of(scope)
        existing = stack.node.try_find_child("UserIdentity")
        return (
            existing if isinstance(existing, UserIdentity) else UserIdentity(stack, "UserIdentity")
        )

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
            ),
            feature_plan=cognito.FeaturePlan.ESSENTIALS,
        )
        """The user pool that signs the tokens."""
        Validations.of(self.user_pool).acknowledge(
            Acknowledgment(
                id="AwsSolutions-COG8",
                reason=(
                    "Threat protection needs the Plus feature plan, billed per monthly active "
                    "user with no free tier: a choice for the owner (featurePlan: PLUS), not a "
                    "default."
                ),
            )
        )
        self.user_pool_client = self.user_pool.add_client(
            "Client",
            auth_flows=cognito.AuthFlow(user_srp=True),
            disable_o_auth=True,
            prevent_user_existence_errors=True,
        )
        """The app client that clients sign in through (the HTTP APIs' JWT audience)."""
        CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.user_pool_client.user_pool_client_id)
