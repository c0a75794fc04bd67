"""CDK props structs, merged the way TypeScript spreads objects (`{ ...defaults, ...props }`)."""

import inspect
from typing import Any


def values(props: object | None) -> dict[str, Any]:
    """The fields of a props struct (e.g. `lambda_.FunctionOptions`) that are set, by name: the
    keyword arguments that would build it again."""
    if props is None:
        return {}
    names = inspect.signature(type(props)).parameters
    return {name: getattr(props, name) for name in names if getattr(props, name) is not None}


def merged(*props: object | None) -> dict[str, Any]:
    """The fields set in any of `props`, the later ones winning."""
    result: dict[str, Any] = {}
    for each in props:
        result.update(values(each))
    return result
