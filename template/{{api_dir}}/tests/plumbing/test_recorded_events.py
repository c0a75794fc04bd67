"""Events recorded by other projects (tests/plumbing/recorded/SOURCES.md), each sent to the
echo route, to a path the API does not have, and to a route that fails."""

import base64
import binascii
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from .harness import Invoke

RECORDED = Path(__file__).parent / "recorded" / "events"
EVENTS = sorted(RECORDED.rglob("*.json"))


def kind(event: dict[str, Any]) -> str:
    domain = str(event["requestContext"].get("domainName", ""))
    if event.get("version") == "2.0":
        return "function-url" if ".lambda-url." in domain else "http-v2"
    return "rest-v1"


def sent_to(event: dict[str, Any], path: str) -> dict[str, Any]:
    """The same event, for GET `path`: every other field as recorded."""
    event = copy.deepcopy(event)
    if event.get("version") == "2.0":
        event["rawPath"] = path
        event["requestContext"]["http"].update(method="GET", path=path)
    else:
        event.update(path=path, httpMethod="GET")
    return event


def translatable(event: dict[str, Any]) -> bool:
    """False for a body flagged base64 that is not (some recorded samples have one)."""
    if not event.get("isBase64Encoded") or not event.get("body"):
        return True
    try:
        base64.b64decode(event["body"], validate=True)
    except binascii.Error:
        return False
    return True


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def test_the_corpus_has_every_kind_of_event() -> None:
    kinds = [kind(load(path)) for path in EVENTS]
    assert len(kinds) >= 30
    assert set(kinds) == {"rest-v1", "http-v2", "function-url"}


@pytest.mark.parametrize("path", EVENTS, ids=lambda path: str(path.relative_to(RECORDED)))
def test_recorded_event_reaches_the_routes(invoke: Invoke, path: Path) -> None:
    event = load(path)
    echo, missing, boom = (
        invoke(sent_to(event, route)) for route in ("/echo", "/no/such/path", "/_test/boom")
    )
    if not translatable(event):
        assert [echo.status, missing.status, boom.status] == [400, 400, 400]
        return
    assert echo.status == 200, echo.response
    assert isinstance(echo.json()["message"], str)
    assert missing.status == 404
    assert boom.status == 500
    assert boom.json() == {"detail": "Internal Server Error"}
    for result in (echo, missing, boom):
        assert result.headers["x-correlation-id"]
        assert any("RequestCount" in blob for blob in result.metrics)
