"""Lambda events as API Gateway and Lambda Function URLs send them (shapes from the AWS docs),
built for the template's tests; tests/plumbing/recorded/ holds events recorded by others."""

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

ACCOUNT_ID = "123456789012"
REQUEST_TIME = "09/Apr/2015:12:34:56 +0000"
REQUEST_TIME_EPOCH = 1428582896000


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object that the runtime passes to the handler."""

    aws_request_id: str = "52fdfc07-2182-154f-163f-5f0f9a621d72"
    function_name: str = "my-function"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:function:my-function"
    log_group_name: str = "/aws/lambda/my-function"
    log_stream_name: str = "2015/04/09/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def _body(body: bytes | str | None, base64_encoded: bool) -> tuple[str | None, bool]:
    if body is None:
        return None, False
    raw = body.encode() if isinstance(body, str) else body
    if base64_encoded:
        return base64.b64encode(raw).decode(), True
    return raw.decode(), False


def rest_event(
    method: str,
    path: str,
    *,
    query: dict[str, list[str]] | None = None,
    headers: dict[str, list[str]] | None = None,
    body: bytes | str | None = None,
    base64_encoded: bool = False,
) -> dict[str, Any]:
    """API Gateway REST API, proxy integration (payload format 1.0)."""
    headers = {"Host": ["abc123.execute-api.us-east-1.amazonaws.com"], **(headers or {})}
    event_body, is_base64 = _body(body, base64_encoded)
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in headers.items()},
        "multiValueHeaders": headers,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} if query else None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": "abc123",
            "resourceId": "a1b2c3",
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "extendedRequestId": "c6af9ac6-7b61-11e6-9a41",
            "requestTime": REQUEST_TIME,
            "requestTimeEpoch": REQUEST_TIME_EPOCH,
            "path": f"/prod{path}",
            "protocol": "HTTP/1.1",
            "stage": "prod",
            "domainPrefix": "abc123",
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "pytest"},
        },
        "body": event_body,
        "isBase64Encoded": is_base64,
    }


HTTP_API_DOMAIN = "abc123.execute-api.us-east-1.amazonaws.com"
FUNCTION_URL_DOMAIN = "a1b2c3d4e5f6g7h8i9j0.lambda-url.us-east-1.on.aws"


def http_event(
    method: str,
    path: str,
    *,
    query: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    cookies: list[str] | None = None,
    body: bytes | str | None = None,
    base64_encoded: bool = False,
    domain_name: str = HTTP_API_DOMAIN,
) -> dict[str, Any]:
    """API Gateway HTTP API (payload format 2.0)."""
    event_body, is_base64 = _body(body, base64_encoded)
    query = query or {}
    url_id = domain_name.split(".")[0]
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": urlencode([(k, v) for k, values in query.items() for v in values]),
        "headers": {"host": domain_name, **{k.lower(): v for k, v in (headers or {}).items()}},
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": url_id,
            "domainName": domain_name,
            "domainPrefix": url_id,
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "pytest",
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "$default",
            "stage": "$default",
            "time": REQUEST_TIME,
            "timeEpoch": REQUEST_TIME_EPOCH,
        },
        "isBase64Encoded": is_base64,
    }
    if query:
        # Repeated keys arrive comma-joined here; rawQueryString keeps them apart.
        event["queryStringParameters"] = {k: ",".join(v) for k, v in query.items()}
    if cookies:
        event["cookies"] = cookies
    if event_body is not None:
        event["body"] = event_body
    return event


def function_url_event(method: str, path: str, **options: Any) -> dict[str, Any]:
    """Lambda Function URL: the HTTP API's payload format 2.0, on a lambda-url domain."""
    return http_event(method, path, domain_name=FUNCTION_URL_DOMAIN, **options)
