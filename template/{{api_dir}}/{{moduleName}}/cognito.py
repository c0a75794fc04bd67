"""Which Cognito app clients' tokens the API accepts, checked where API Gateway cannot.

A REST API's Cognito authorizer accepts a valid token of any app client of the user pool: it
has no audience setting. So the app checks the client a token was issued to (an ID token's
`aud`, an access token's `client_id`) against COGNITO_CLIENT_IDS, which the CDK construct
sets. An HTTP API's JWT authorizer checks the same itself, so its events carry no `claims`
here. In Lambda, claims without COGNITO_CLIENT_IDS are refused: nothing says who may call.
"""

import os
from typing import Any, cast

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from .observability import logger

CLIENT_IDS_ENV = "COGNITO_CLIENT_IDS"
# The claim that names the app client, by token kind (the `token_use` claim).
_CLIENT_CLAIM = {"id": "aud", "access": "client_id"}


def accepted_clients() -> frozenset[str] | None:
    """The comma-separated COGNITO_CLIENT_IDS, or None when it is unset."""
    value = os.environ.get(CLIENT_IDS_ENV)
    if value is None:
        return None
    return frozenset(client.strip() for client in value.split(",") if client.strip())


def _member(value: Any, key: str) -> Any:
    return cast(dict[str, Any], value).get(key) if isinstance(value, dict) else None


def rest_authorizer_claims(scope: Scope) -> dict[str, Any] | None:
    """The claims a REST API's Cognito authorizer verified, from the event Mangum keeps."""
    authorizer = _member(_member(scope.get("aws.event"), "requestContext"), "authorizer")
    claims = _member(authorizer, "claims")
    return cast(dict[str, Any], claims) if isinstance(claims, dict) else None


def token_client(claims: dict[str, Any]) -> str | None:
    """The app client a token was issued to, if the claims say so."""
    claim = _CLIENT_CLAIM.get(str(claims.get("token_use")))
    client = claims.get(claim) if claim else None
    return client if isinstance(client, str) else None


class Unauthorized(JSONResponse):
    """What a caller learns of a token the API does not accept."""

    def __init__(self) -> None:
        super().__init__({"detail": "Unauthorized"}, status_code=401)


class CognitoClientMiddleware:
    """Answers 401 to a request whose token was issued to an app client not accepted."""

    def __init__(self, app: ASGIApp, in_lambda: bool) -> None:
        self.app = app
        self._clients = accepted_clients()
        self._enforced = in_lambda or self._clients is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        claims = rest_authorizer_claims(scope) if self._enforced else None
        if claims is None:
            await self.app(scope, receive, send)
            return
        client = token_client(claims)
        if self._clients is None:
            logger.error(f"{CLIENT_IDS_ENV} is not set, so no Cognito token is accepted")
        elif client in self._clients:
            await self.app(scope, receive, send)
            return
        else:
            logger.warning(
                "Token of an app client this API does not accept",
                extra={"token_use": claims.get("token_use"), "client_id": client},
            )
        await Unauthorized()(scope, receive, send)
