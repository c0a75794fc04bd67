"""Naming filters: one API name, spelled the way each language expects it.

`my-api`, `my_api`, `MyApi` and `MyAPI` all name the same API; every rendered path and
identifier is derived from the `name` answer through these filters.
"""

import re

from jinja2 import Environment
from jinja2.ext import Extension

# Words are runs of lowercase letters, or of capitals not followed by a lowercase letter
# (the "API" in "MyAPIClient"); digits stay with the word before them ("MyAPI2" -> my, api2).
_WORD = re.compile(r"[A-Z]+(?![a-z])\d*|[A-Z]?[a-z]+\d*|\d+")


def words(name: str) -> list[str]:
    """Split a name in any casing into lowercase words."""
    return [word.lower() for part in re.split(r"[-_\s]+", name) for word in _WORD.findall(part)]


def kebab(name: str) -> str:
    """`OrdersApi` -> `orders-api`: npm packages, TypeScript file names, URLs."""
    return "-".join(words(name))


def snake(name: str) -> str:
    """`my-api` -> `my_api`: Python packages and folders."""
    return "_".join(words(name))


def pascal(name: str) -> str:
    """`my-api` -> `MyApi`: class names, CloudFormation ids, service names."""
    return "".join(word.capitalize() for word in words(name))


class NamingExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(kebab=kebab, snake=snake, pascal=pascal)
