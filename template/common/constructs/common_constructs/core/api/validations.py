"""Construct validations (`node.add_validation`) from plain Python functions."""

from collections.abc import Callable

import jsii
from constructs import IValidation


@jsii.implements(IValidation)
class _Validation:
    def __init__(self, validate: Callable[[], list[str]]) -> None:
        self._validate = validate

    def validate(self) -> list[str]:
        return self._validate()


def validation(validate: Callable[[], list[str]]) -> IValidation:
    """A validation whose errors `validate` returns at synth (none: valid)."""
    return _Validation(validate)
