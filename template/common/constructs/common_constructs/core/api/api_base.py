"""What every API construct shares, whatever serves it."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypedDict, TypeVar

from aws_cdk import CfnOutput
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from common_constructs.core.api.auth import AuthType
from common_constructs.core.api.bundle import ApiBundle
from common_constructs.core.api.cors import ALLOWED_ORIGINS_ENV, check_origins
from common_constructs.core.api.lazy import lazy_list, lazy_string
from common_constructs.core.runtime_config import RuntimeConfig

TAuth = TypeVar("TAuth", bound=AuthType, covariant=True)


@dataclass(frozen=True)
class ApiDefinition(Generic[TAuth]):
    """What the render of an API fixed, passed by its construct class to the base class."""

    api_name: str
    """The API's construct class name: its key in the runtime config and its AWS name."""
    auth: TAuth
    """Who may call the API."""
    bundle: ApiBundle
    """The API's Lambda code, which every default function runs."""


class ApiOptions(TypedDict, total=False):
    """What every API construct takes, whatever serves it."""

    allowed_origins: Sequence[str]
    """The origins whose pages may call the API from a browser, exactly as browsers send them
    (`https://app.example.com`: scheme, host and port). Applies to the CORS answers given before
    a request reaches the app and to the app's own responses (`ALLOWED_ORIGINS` on every
    function); `restrict_cors_to` replaces them. Default: none, no cross-origin access
    (same-origin and non-browser callers are unaffected)."""


class ApiBase(Construct, Generic[TAuth]):
    """What every API construct shares, whatever serves it: who may call it, the origins
    browsers may call it from, and a base URL that is output and registered in the stack's
    `RuntimeConfig`."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        definition: ApiDefinition[TAuth],
        *,
        allowed_origins: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, id)
        self.auth_type: TAuth = definition.auth
        """Who may call the API, chosen when it was rendered."""
        self._allowed_origins = check_origins(self, tuple(allowed_origins))

    def restrict_cors_to(self, *origins: str) -> None:
        """Allows browsers from these origins only, in place of `allowed_origins`: the CORS
        answers given before a request reaches the app (preflight, and a REST API's own errors)
        and the `ALLOWED_ORIGINS` of every function, which the app's own responses follow."""
        self._allowed_origins = check_origins(self, origins)

    def grant_invoke_access(self: "ApiBase[Literal['IAM']]", grantee: iam.IGrantable) -> iam.Grant:
        """Lets `grantee` call the API with SigV4-signed requests. Only APIs rendered with IAM
        auth have callers to grant: on the others, pyright reports the call."""
        if self.auth_type != "IAM":
            raise ValueError(
                f"{self.node.path} uses {self.auth_type} auth: there is no IAM access to grant."
            )
        return self._grant_invoke(grantee)

    def _grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        """Grants `grantee` what a SigV4-signed call of every operation needs (IAM auth)."""
        raise NotImplementedError

    @property
    def _cors_origins(self) -> tuple[str, ...]:
        """The allowed origins, read at synth: `restrict_cors_to` may come after construction."""
        return self._allowed_origins

    def _cors_origins_token(self) -> list[str]:
        """The allowed origins as a list token for a CORS configuration, resolved at synth; with
        none, the configuration names no origin at all (an empty list is invalid for some)."""
        return lazy_list(lambda: list(self._allowed_origins), omit_empty=True)

    def _share_origins(self, handlers: Sequence[lambda_.Function]) -> None:
        """Sets `ALLOWED_ORIGINS` on the functions serving the API (each sets CORS headers on
        its own responses), resolved at synth; empty when no origin is allowed."""
        origins = lazy_string(lambda: ",".join(self._allowed_origins))
        for handler in handlers:
            handler.add_environment(ALLOWED_ORIGINS_ENV, origins)

    def _publish_url(self, api_name: str, url: str) -> str:
        """Outputs the API's base URL (output `Url`) and registers it as `api_name` in the
        stack's runtime config; returns it, for the subclass's `url`."""
        CfnOutput(self, "Url", value=url, description=f"{api_name} base URL")
        RuntimeConfig.ensure(self).register_api(api_name, url)
        return url
