"""What browsers may do with an API: the CORS settings every compute type shares."""

import re

from constructs import IConstruct

CORS_ALLOW_HEADERS: tuple[str, ...] = (
    "authorization",
    "content-type",
    "x-amz-content-sha256",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-user-agent",
    "x-api-key",
    "x-correlation-id",
)
"""Request headers a browser may send: JSON bodies, bearer tokens, SigV4 signatures (for IAM
auth) and the correlation id the API echoes."""

CORS_EXPOSE_HEADERS: tuple[str, ...] = ("x-correlation-id",)
"""Response headers a browser may read."""

CORS_MAX_AGE_SECONDS = 600
"""How long a browser may cache a preflight answer."""

ALLOWED_ORIGINS_ENV = "ALLOWED_ORIGINS"
"""Name of the environment variable that tells the functions which origins to allow
(comma-separated; empty: none, as the API itself)."""

# scheme://host[:port]: an exact origin, never `*` nor a path.
_ORIGIN = re.compile(r"https?://[^/\s,*]+")


def check_origins(scope: IConstruct, origins: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Checks the origins an API is given: each one `scheme://host[:port]`, as a browser sends
    it in the `Origin` header. None is fine: no cross-origin access."""
    bad = [origin for origin in origins if not _ORIGIN.fullmatch(origin)]
    if bad:
        listed = ", ".join(f"'{origin}'" for origin in bad)
        raise ValueError(
            f"{scope.node.path}: allowed origins look like 'https://app.example.com' (scheme, "
            f"host and port, no path, trailing slash or wildcard); got {listed}."
        )
    return tuple(dict.fromkeys(origins))
