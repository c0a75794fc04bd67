"""Who may call an API, and what Cognito auth needs."""

from typing import Literal, Protocol

from aws_cdk import aws_cognito as cognito
from constructs import IConstruct

AuthType = Literal["IAM", "Cognito", "None"]
"""Who may call an API, chosen when it was rendered: `IAM`, SigV4-signed requests from the
principals granted with `grant_invoke_access`; `Cognito`, the tokens of a user pool; `None`,
anyone on the internet."""


class CognitoIdentity(Protocol):
    """The Cognito user pool (and app client) whose tokens an API accepts."""

    @property
    def user_pool(self) -> cognito.IUserPool:
        """The user pool that signs the tokens."""
        ...

    @property
    def user_pool_client(self) -> cognito.IUserPoolClient:
        """The app client the tokens are issued to: an HTTP API's authorizer checks it as the
        JWT audience, and the app checks it behind a REST API (whose authorizer accepts any
        client of the pool)."""
        ...


COGNITO_CLIENT_IDS_ENV = "COGNITO_CLIENT_IDS"
"""Name of the environment variable that tells the functions of a Cognito API which app
clients (comma-separated ids) may call it: the app refuses a token issued to any other."""


def require_identity(scope: IConstruct, identity: CognitoIdentity | None) -> CognitoIdentity:
    """The Cognito identity of an API, or a synth error that says how to pass it."""
    if identity is None:
        raise ValueError(
            f"{scope.node.path}: this API uses Cognito auth and needs the `identity` prop: "
            "{ user_pool, user_pool_client } of the user pool whose tokens it accepts."
        )
    return identity
