"""What every operation of the generated Python client shares: requests over httpx2, JSON Lines
streams, and errors. scripts/generate_clients.py copies this file into the client as it is."""

import json
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, ClassVar, TypeVar, cast
from urllib.parse import quote, urlencode

import httpx2
from pydantic import TypeAdapter
from pydantic_core import to_json

T = TypeVar("T")

# A parameter left as None is not sent: the API applies its default.
Params = Mapping[str, Any]


class ApiError(Exception):
    """An answer of status 400 or more. The client raises a subclass per status the spec
    declares (`body` then has that status's model), else this class (`body`: the JSON, or the
    text, of the answer)."""

    status: ClassVar[int | None] = None

    def __init__(self, status_code: int, body: Any, response: httpx2.Response) -> None:
        super().__init__(f"HTTP {status_code}: {body!r}")
        self.status_code = status_code
        self.body = body
        self.response = response


# Per status: the error class to raise and how to read its body.
ErrorTypes = Mapping[int, tuple[type[ApiError], TypeAdapter[Any]]]


def base_url_from_runtime_config(config: Mapping[str, Any], api: str) -> str:
    """The API's URL in the runtime configuration the CDK constructs write
    (`{"apis": {"MyApi": "https://.../prod/"}}`)."""
    apis: Mapping[str, str] = config["apis"]
    return apis[api]


def path(template: str, values: Mapping[str, object]) -> str:
    """`/items/{item_id}` with each value percent-encoded as one path segment."""
    return template.format_map({name: quote(str(value), safe="") for name, value in values.items()})


def with_query(url: str, params: Params) -> str:
    """`url?query`, every reserved character percent-encoded and spaces as %20, as SigV4's
    canonical query has them (httpx2 would send `+`, which a signature does not match)."""
    pairs = {name: _text(value) for name, value in params.items() if value is not None}
    query = urlencode(pairs, doseq=True, quote_via=quote)
    return f"{url}?{query}" if query else url


def _text(value: object) -> str | list[str]:
    if isinstance(value, list | tuple):
        return [_text_one(item) for item in cast(list[object], value)]
    return _text_one(value)


def _text_one(value: object) -> str:
    return json.dumps(value) if isinstance(value, bool) else str(value)


def encode(body: object) -> bytes:
    return to_json(body, by_alias=True, exclude_none=True)


def _error(response: httpx2.Response, errors: ErrorTypes) -> ApiError:
    known = errors.get(response.status_code)
    if known is None:
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        return ApiError(response.status_code, body, response)
    error_type, adapter = known
    return error_type(response.status_code, adapter.validate_json(response.content), response)


class Transport:
    """One httpx2.Client, with the API's base URL, auth and error types."""

    def __init__(self, client: httpx2.Client, errors: ErrorTypes) -> None:
        self.client = client
        self.errors = errors

    def call(
        self, method: str, url: str, params: Params, body: object, result: TypeAdapter[T]
    ) -> T:
        response = self.client.request(
            method, with_query(url, params), content=_content(body), headers=_headers(body)
        )
        if response.is_error:
            raise _error(response, self.errors)
        return result.validate_json(response.content)

    def call_empty(self, method: str, url: str, params: Params, body: object) -> None:
        response = self.client.request(
            method, with_query(url, params), content=_content(body), headers=_headers(body)
        )
        if response.is_error:
            raise _error(response, self.errors)

    def stream(
        self, method: str, url: str, params: Params, body: object, item: TypeAdapter[T]
    ) -> Iterator[T]:
        """The items of a JSON Lines answer, each as soon as its line arrives."""
        request = self.client.build_request(
            method, with_query(url, params), content=_content(body), headers=_headers(body)
        )
        response = self.client.send(request, stream=True)
        try:
            if response.is_error:
                response.read()
                raise _error(response, self.errors)
            for line in response.iter_lines():
                if line.strip():
                    yield item.validate_json(line)
        finally:
            response.close()


class AsyncTransport:
    """One httpx2.AsyncClient, with the API's base URL, auth and error types."""

    def __init__(self, client: httpx2.AsyncClient, errors: ErrorTypes) -> None:
        self.client = client
        self.errors = errors

    async def call(
        self, method: str, url: str, params: Params, body: object, result: TypeAdapter[T]
    ) -> T:
        response = await self.client.request(
            method, with_query(url, params), content=_content(body), headers=_headers(body)
        )
        if response.is_error:
            raise _error(response, self.errors)
        return result.validate_json(response.content)

    async def call_empty(self, method: str, url: str, params: Params, body: object) -> None:
        response = await self.client.request(
            method, with_query(url, params), content=_content(body), headers=_headers(body)
        )
        if response.is_error:
            raise _error(response, self.errors)

    async def stream(
        self, method: str, url: str, params: Params, body: object, item: TypeAdapter[T]
    ) -> AsyncIterator[T]:
        """The items of a JSON Lines answer, each as soon as its line arrives."""
        request = self.client.build_request(
            method, with_query(url, params), content=_content(body), headers=_headers(body)
        )
        response = await self.client.send(request, stream=True)
        try:
            if response.is_error:
                await response.aread()
                raise _error(response, self.errors)
            async for line in response.aiter_lines():
                if line.strip():
                    yield item.validate_json(line)
        finally:
            await response.aclose()


# No body: nothing sent. A body: its JSON, as bytes, so that a signer sees what is sent.
NO_BODY = object()


def _content(body: object) -> bytes | None:
    return None if body is NO_BODY else encode(body)


def _headers(body: object) -> dict[str, str]:
    return {} if body is NO_BODY else {"content-type": "application/json"}


__all__ = [
    "NO_BODY",
    "ApiError",
    "AsyncTransport",
    "ErrorTypes",
    "Transport",
    "base_url_from_runtime_config",
    "path",
]
