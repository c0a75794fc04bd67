"""Deprecated: kept so that tests written against earlier releases of the template still run.

The template's own tests build their events with tests/plumbing/events.py; yours can call the
app through FastAPI's TestClient, or `handler` with an event of your own.
"""

from .plumbing.events import LambdaContext, function_url_event, http_event, rest_event

__all__ = ["LambdaContext", "function_url_event", "http_event", "rest_event"]
