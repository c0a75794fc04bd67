"""Values read at synth rather than at construction, from plain Python functions."""

from collections.abc import Callable
from typing import Any

import jsii
from aws_cdk import (
    IResolvable,
    IStableAnyProducer,
    IStableListProducer,
    IStableStringProducer,
    Lazy,
)


@jsii.implements(IStableStringProducer)
class _String:
    def __init__(self, produce: Callable[[], str]) -> None:
        self._produce = produce

    def produce(self) -> str:
        return self._produce()


@jsii.implements(IStableListProducer)
class _List:
    def __init__(self, produce: Callable[[], list[str]]) -> None:
        self._produce = produce

    def produce(self) -> list[str]:
        return self._produce()


@jsii.implements(IStableAnyProducer)
class _Any:
    def __init__(self, produce: Callable[[], Any]) -> None:
        self._produce = produce

    def produce(self) -> Any:
        return self._produce()


def lazy_string(produce: Callable[[], str]) -> str:
    """A string token whose value `produce` gives at synth."""
    return Lazy.string(_String(produce))


def lazy_list(produce: Callable[[], list[str]], *, omit_empty: bool = False) -> list[str]:
    """A list token whose value `produce` gives at synth; with `omit_empty`, an empty list
    resolves to nothing at all."""
    return Lazy.list(_List(produce), omit_empty=omit_empty)


def lazy_any(produce: Callable[[], Any]) -> IResolvable:
    """A token of any value, which `produce` gives at synth."""
    return Lazy.any(_Any(produce))
