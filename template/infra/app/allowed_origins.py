"""The origins browsers may call the app's APIs from: the app's context (cdk.json, or `-c`)."""

import json
import re
from collections.abc import Callable
from typing import cast

from constructs import IConstruct

ALLOWED_ORIGINS_KEY = "allowedOrigins"
"""The context key of the origins whose pages may call the app's APIs (cdk.json, or `-c`)."""

LOCALHOST_ORIGINS_KEY = "allowLocalhostOrigins"
"""The context key of the localhost origins allowed too: a dev server's, for a deployed API."""

# scheme://host[:port], the host a name, an IPv4 address or a bracketed IPv6 address.
_ORIGIN = re.compile(r"(https?)://([^/\s,*:\[\]]+|\[[0-9a-fA-F:.]+\])(?::\d+)?")
_LOCALHOST = re.compile(r"localhost|.+\.localhost|127(\.\d+){3}|\[::1\]")


def allowed_origins(scope: IConstruct) -> list[str]:
    """The origins whose pages may call the app's APIs from a browser, from the app's context
    (`context` in cdk.json, or `-c allowedOrigins=https://app.example.com`):

    - `allowedOrigins`: the deployed sites, each `https://host[:port]`;
    - `allowLocalhostOrigins`: localhost origins allowed as well (`http://localhost:5173`, a dev
      server calling the deployed API), only when named there.

    Each key takes a list or a comma-separated string. None: no cross-origin access.
    """
    deployed = _context_origins(
        scope,
        ALLOWED_ORIGINS_KEY,
        accepts=lambda scheme, host: scheme == "https" and not _LOCALHOST.fullmatch(host),
        example="an https origin other than localhost, like https://app.example.com",
    )
    localhost = _context_origins(
        scope,
        LOCALHOST_ORIGINS_KEY,
        accepts=lambda _, host: bool(_LOCALHOST.fullmatch(host)),
        example="a localhost origin, like http://localhost:5173",
    )
    return list(dict.fromkeys([*deployed, *localhost]))


def _context_origins(
    scope: IConstruct, key: str, *, accepts: Callable[[str, str], bool], example: str
) -> list[str]:
    """The origins a context key lists, each checked: scheme and host of a URL (no path)."""
    value: object = scope.node.try_get_context(key)
    items: object = value.split(",") if isinstance(value, str) else (value or [])
    listed = cast("list[object]", items) if isinstance(items, list) else []
    strings = [item for item in listed if isinstance(item, str)]
    if not isinstance(items, list) or len(strings) != len(listed):
        raise ValueError(
            f"Context {key} is a list of origins or a comma-separated string; got "
            f"{json.dumps(value)}."
        )
    origins = [item.strip() for item in strings if item.strip()]
    for origin in origins:
        match = _ORIGIN.fullmatch(origin)
        if match is None or not accepts(match[1], match[2]):
            raise ValueError(f"Context {key}: '{origin}' is not {example} (no path, no slash).")
    return origins
