"""Write the API's typed clients from its OpenAPI spec: python scripts/generate_clients.py SPEC OUT

OUT/python      the `<api>-client` package: <Api>Client, Async<Api>Client (<Api>: the spec's title)
OUT/typescript  <Api>Client (client.ts), and TanStack Query options (query.ts)

One method per operation, named by its operationId (the route function's name). The models
come from kept generators, at the versions pinned below: datamodel-code-generator (pydantic
models of the spec's schemas) and @hey-api/openapi-ts (TypeScript types of the schemas and
operations). The methods, and the type of a streamed operation's items (its `itemSchema`,
which @hey-api/openapi-ts types as `unknown`), are written here. The runtime and auth code the
clients share is copied from scripts/clients/.
"""

import argparse
import json
import keyword
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from bundle import make_folder

# The API's project name (my-api) gives the clients' package names: my-api-client, my_api_client.
PROJECT = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
DISTRIBUTION = f"{PROJECT['name']}-client"
PACKAGE = DISTRIBUTION.replace("-", "_")
DATAMODEL_CODE_GENERATOR = "datamodel-code-generator==0.89.0"
# 0.95 is the last release that runs on Node 20 (the CDK side's); it needs TypeScript 5 (7 has
# no compiler API it can load).
HEY_API = ("@hey-api/openapi-ts@0.95.0", "typescript@5.9.3")
RUNTIME = Path(__file__).parent / "clients"
# The client's own dependencies: the HTTP client the API's tests use, pydantic, and the signer.
PYTHON_DEPENDENCIES = ["httpx2>=2.16.2,<3", "pydantic>=2.11,<3"]
TYPESCRIPT_DEPENDENCIES: dict[str, str] = {}
# Per security scheme of the spec: how each client takes credentials.
AUTH = {
    "sigv4": ("IamAuth", "iamAuth"),
    "cognito": ("CognitoAuth", "cognitoAuth"),
}
SIGNER_PYTHON_DEPENDENCIES = ["botocore>=1.35"]
SIGNER_TYPESCRIPT_DEPENDENCIES = {
    "@aws-crypto/sha256-js": "5.2.0",
    "@smithy/signature-v4": "5.7.5",
    "@smithy/types": "4.20.0",
}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
# The name of the error class for each status an operation declares.
STATUS_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    422: "UnprocessableEntity",
    429: "TooManyRequests",
    500: "InternalServer",
    503: "ServiceUnavailable",
}
HEADER = "generated from the API's OpenAPI spec by scripts/generate_clients.py: do not edit"


@dataclass
class Parameter:
    name: str
    location: str
    required: bool
    schema: dict[str, Any]

    @property
    def python_name(self) -> str:
        name = re.sub(r"\W", "_", self.name)
        return f"{name}_" if keyword.iskeyword(name) or name == "self" else name


@dataclass
class Operation:
    id: str
    method: str
    path: str
    summary: str
    parameters: list[Parameter]
    body: dict[str, Any] | None
    body_required: bool
    status: int | None  # the success status whose JSON it returns; None: nothing
    result: dict[str, Any] | None
    item: dict[str, Any] | None  # the items of a streamed answer (itemSchema)
    errors: dict[int, dict[str, Any] | None]

    @property
    def is_query(self) -> bool:
        return self.method in ("GET", "HEAD")


def read_operations(spec: dict[str, Any]) -> list[Operation]:
    operations: list[Operation] = []
    for route, path_item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in path_item:
                operations.append(read_operation(route, method, path_item[method]))
    return sorted(operations, key=lambda operation: operation.id)


def read_operation(route: str, method: str, spec: dict[str, Any]) -> Operation:
    parameters = [
        Parameter(p["name"], p["in"], p.get("required", False), p.get("schema", {}))
        for p in spec.get("parameters", [])
        if p["in"] in ("path", "query")  # headers and cookies: not offered by the clients
    ]
    body = spec.get("requestBody", {})
    status, result, item = None, None, None
    errors: dict[int, dict[str, Any] | None] = {}
    for code, response in sorted(spec.get("responses", {}).items()):
        if not code.isdigit():
            continue
        content: dict[str, Any] = response.get("content", {})
        media: dict[str, Any] = next(iter(content.values()), cast(dict[str, Any], {}))
        if 200 <= int(code) < 300 and status is None:
            status = int(code)
            result = media.get("schema")
            item = media.get("itemSchema")
        elif int(code) >= 400:
            errors[int(code)] = media.get("schema")
    return Operation(
        id=spec["operationId"],
        method=method.upper(),
        path=route,
        summary=spec.get("summary", spec["operationId"]),
        parameters=parameters,
        body=body.get("content", {}).get("application/json", {}).get("schema"),
        body_required=body.get("required", False),
        status=status,
        result=result,
        item=item,
        errors=errors,
    )


def schema_of(value: Any) -> dict[str, Any] | None:
    """`additionalProperties` as a schema: it may also be true or false."""
    return cast(dict[str, Any], value) if isinstance(value, dict) else None


def title(spec: dict[str, Any]) -> str:
    """The spec's title: the API's construct class, MyApi, which names the clients."""
    return spec["info"]["title"]


def ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None


def error_class(status: int) -> str:
    return f"{STATUS_NAMES.get(status, f'Status{status}')}Error"


def error_statuses(operations: list[Operation]) -> list[int]:
    return sorted({status for operation in operations for status in operation.errors})


def auth_of(spec: dict[str, Any]) -> tuple[str, str] | None:
    schemes = spec.get("components", {}).get("securitySchemes", {})
    return next((AUTH[name] for name in schemes if name in AUTH), None)


# --- Python ----------------------------------------------------------------------------------
def python_type(schema: dict[str, Any] | None) -> str:
    """The Python type of a JSON schema, naming the pydantic models by their component."""
    if not schema:
        return "Any"
    if name := ref_name(schema):
        return "models." + re.sub(r"\W", "_", name)
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            return " | ".join(dict.fromkeys(python_type(s) for s in schema[combinator]))
    if "enum" in schema:
        return f"Literal[{', '.join(json.dumps(value) for value in schema['enum'])}]"
    kinds: Any = schema.get("type")
    if isinstance(kinds, list):
        return " | ".join(python_type({**schema, "type": kind}) for kind in cast(list[str], kinds))
    if kinds == "array":
        return f"list[{python_type(schema.get('items'))}]"
    if kinds == "object":
        return f"dict[str, {python_type(schema_of(schema.get('additionalProperties')))}]"
    simple = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
    return simple.get(str(kinds), "None" if kinds == "null" else "Any")


def python_signature(operation: Operation) -> str:
    arguments = ["self"]
    parameters = sorted(operation.parameters, key=lambda p: not p.required)
    if parameters or operation.body is not None:
        arguments.append("*")
    if operation.body is not None:
        body = python_type(operation.body)
        arguments.append(
            f"body: {body}" if operation.body_required else f"body: {body} | None = None"
        )
    for parameter in parameters:
        kind = python_type(parameter.schema)
        arguments.append(
            f"{parameter.python_name}: {kind}"
            if parameter.required
            else f"{parameter.python_name}: {kind} | None = None"
        )
    return ", ".join(arguments)


def python_call(operation: Operation, adapter: str) -> str:
    in_path = [p for p in operation.parameters if p.location == "path"]
    route = json.dumps(operation.path)
    if in_path:
        values = ", ".join(f"{json.dumps(p.name)}: {p.python_name}" for p in in_path)
        route = f"path({route}, {{{values}}})"
    query = ", ".join(
        f"{json.dumps(p.name)}: {p.python_name}"
        for p in operation.parameters
        if p.location == "query"
    )
    body = "NO_BODY" if operation.body is None else "body"
    if operation.body is not None and not operation.body_required:
        body = "NO_BODY if body is None else body"
    arguments = [json.dumps(operation.method), route, f"{{{query}}}", body]
    return ", ".join(arguments + ([adapter] if adapter else []))


def python_client(spec: dict[str, Any], operations: list[Operation]) -> str:
    api_class = title(spec)
    auth = auth_of(spec)
    lines = [
        f'"""The {api_class} client, {HEADER}."""',
        "",
        "from collections.abc import AsyncIterator, Iterator",
        "from types import TracebackType",
        "from typing import TYPING, Self",
        "",
        "import httpx2",
        "from pydantic import TypeAdapter",
        "",
        "from . import models",
        *([f"from .auth import {auth[0]}"] if auth else []),
        "from .runtime import NO_BODY, ApiError, AsyncTransport, ErrorTypes, Transport, path",
        "",
        "__all__ = [",
        '    "ApiError",',
        f'    "Async{api_class}Client",',
        *[f'    "{error_class(status)}",' for status in error_statuses(operations)],
        f'    "{api_class}Client",',
        "]",
        "",
    ]
    adapters: dict[str, str] = {}
    for status in error_statuses(operations):
        kinds = dict.fromkeys(
            python_type(operation.errors[status])
            for operation in operations
            if status in operation.errors
        )
        users = ", ".join(o.id for o in operations if status in o.errors)
        body = " | ".join(kinds)
        lines += [
            "",
            f"class {error_class(status)}(ApiError):",
            f'    """Status {status}, from {users}."""',
            "",
            f"    status = {status}",
            f"    body: {body}",
            "",
        ]
        adapters[f"_ERROR_{status}"] = body
    errors = ", ".join(
        f"{status}: ({error_class(status)}, _ERROR_{status})"
        for status in error_statuses(operations)
    )
    for operation in operations:
        if operation.item is not None:
            adapters[f"_{operation.id.upper()}_ITEM"] = python_type(operation.item)
        elif operation.result is not None:
            adapters[f"_{operation.id.upper()}_RESULT"] = python_type(operation.result)
    lines += [""]
    lines += [
        f"{name}: TypeAdapter[{kind}] = TypeAdapter({kind})" for name, kind in adapters.items()
    ]
    lines += [f"ERRORS: ErrorTypes = {{{errors}}}", ""]
    auth_argument = f", auth: {auth[0]}" if auth else ""
    for asynchronous in (False, True):
        name = f"{'Async' if asynchronous else ''}{api_class}Client"
        http = "httpx2.AsyncClient" if asynchronous else "httpx2.Client"
        transport = "AsyncTransport" if asynchronous else "Transport"
        lines += [
            "",
            f"class {name}:",
            f'    """The {api_class} API{" (asyncio)" if asynchronous else ""}: one method per '
            "operation.",
            "",
            "    `base_url`: the API's URL (`base_url_from_runtime_config` reads it from the",
            "    runtime configuration the CDK constructs write).",
            '    """',
            "",
            f"    def __init__(self, base_url: str, *{auth_argument}, timeout: float = 30.0)"
            " -> None:",
            f"        self.http = {http}(",
            f"            base_url=base_url{', auth=auth' if auth else ''}, timeout=timeout",
            "        )",
            f"        self._transport = {transport}(self.http, ERRORS)",
            "",
        ]
        if asynchronous:
            lines += [
                "    async def aclose(self) -> None:",
                "        await self.http.aclose()",
                "",
                "    async def __aenter__(self) -> Self:",
                "        return self",
                "",
                "    async def __aexit__(",
                "        self,",
                "        kind: type[BaseException] | None,",
                "        error: BaseException | None,",
                "        trace: TracebackType | None,",
                "    ) -> None:",
                "        await self.aclose()",
                "",
            ]
        else:
            lines += [
                "    def close(self) -> None:",
                "        self.http.close()",
                "",
                "    def __enter__(self) -> Self:",
                "        return self",
                "",
                "    def __exit__(",
                "        self,",
                "        kind: type[BaseException] | None,",
                "        error: BaseException | None,",
                "        trace: TracebackType | None,",
                "    ) -> None:",
                "        self.close()",
                "",
            ]
        for operation in operations:
            signature = python_signature(operation)
            prefix = "async def" if asynchronous else "def"
            if operation.item is not None:
                iterator = "AsyncIterator" if asynchronous else "Iterator"
                returns = f"{iterator}[{python_type(operation.item)}]"
                call = python_call(operation, f"_{operation.id.upper()}_ITEM")
                body = f"return self._transport.stream({call})"
                prefix = "def"
            elif operation.result is not None:
                returns = python_type(operation.result)
                call = python_call(operation, f"_{operation.id.upper()}_RESULT")
                body = f"return {'await ' if asynchronous else ''}self._transport.call({call})"
            else:
                returns = "None"
                call = python_call(operation, "")
                body = f"{'await ' if asynchronous else ''}self._transport.call_empty({call})"
            lines += [
                f"    {prefix} {operation.id}({signature}) -> {returns}:",
                f'        """{operation.summary} ({operation.method} {operation.path})."""',
                f"        {body}",
                "",
            ]
    text = "\n".join(lines).rstrip() + "\n"
    typing = [name for name in ("Any", "Literal") if re.search(rf"\b{name}\b", text)]
    return text.replace("TYPING, Self", ", ".join([*typing, "Self"]))


def python_package(spec: dict[str, Any], operations: list[Operation], out: Path) -> None:
    api_class = title(spec)
    package = out / PACKAGE
    make_folder(package)
    models = package / "models.py"
    command = ["uv", "tool", "run", "--from", DATAMODEL_CODE_GENERATOR, "datamodel-codegen"]
    run(
        *command,
        *("--input", str(out.parent / "openapi.json"), "--input-file-type", "openapi"),
        *("--output", str(models), "--output-model-type", "pydantic_v2.BaseModel"),
        *("--target-python-version", "3.11", "--formatters", "builtin"),
        *("--use-annotated", "--use-standard-collections", "--use-union-operator"),
        *("--disable-timestamp", "--custom-file-header", f'"""The models, {HEADER}."""'),
    )
    auth = auth_of(spec)
    dependencies = PYTHON_DEPENDENCIES + (SIGNER_PYTHON_DEPENDENCIES if auth else [])
    shutil.copyfile(RUNTIME / "runtime.py", package / "runtime.py")
    if auth:
        shutil.copyfile(RUNTIME / "auth.py", package / "auth.py")
    (package / "client.py").write_text(python_client(spec, operations))
    (package / "py.typed").write_text("")
    exports = [f"Async{api_class}Client", f"{api_class}Client", "ApiError"]
    exports += [error_class(status) for status in error_statuses(operations)]
    auth_exports = [auth[0]] if auth else []
    (package / "__init__.py").write_text(
        "\n".join(
            [
                f'"""The {api_class} API\'s client, {HEADER}."""',
                "",
                *([f"from .auth import {auth[0]}"] if auth else []),
                f"from .client import {', '.join(sorted(exports))}",
                "from .runtime import base_url_from_runtime_config",
                "",
                "__all__ = [",
                *[
                    f'    "{name}",'
                    for name in sorted([*exports, *auth_exports, "base_url_from_runtime_config"])
                ],
                "]",
                "",
            ]
        )
    )
    (out / "pyproject.toml").write_text(
        "\n".join(
            [
                f"# {api_class}'s client, {HEADER}.",
                "[project]",
                f'name = "{DISTRIBUTION}"',
                f'version = "{spec["info"]["version"]}"',
                'requires-python = ">=3.11"',
                f"dependencies = {json.dumps(dependencies)}",
                "",
                "[build-system]",
                'requires = ["hatchling>=1.26"]',
                'build-backend = "hatchling.build"',
                "",
                "[tool.hatch.build.targets.wheel]",
                f'packages = ["{PACKAGE}"]',
                "",
                "[tool.pyright]",
                'pythonVersion = "3.11"',
                'typeCheckingMode = "strict"',
                "",
                "[tool.ruff]",
                "line-length = 100",
                'target-version = "py311"',
                "",
                "[tool.ruff.lint]",
                'select = ["E", "F", "I", "UP", "B"]',
                "",
            ]
        )
    )
    ruff = shutil.which("ruff") or "ruff"
    run(ruff, "check", "--quiet", "--no-cache", "--fix", "--exit-zero", str(out))
    run(ruff, "format", "--quiet", "--no-cache", str(out))


# --- TypeScript ------------------------------------------------------------------------------
def normalized(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


class TypeNames:
    """The names @hey-api/openapi-ts gave the spec's schemas and operations (PascalCase)."""

    def __init__(self, types: str) -> None:
        self.exported = re.findall(r"^export type (\w+)", types, flags=re.MULTILINE)

    def __call__(self, name: str) -> str:
        if name in self.exported:
            return name
        return next(e for e in self.exported if normalized(e) == normalized(name))


def typescript_type(schema: dict[str, Any] | None, names: TypeNames) -> str:
    """The TypeScript type of a JSON schema (an `itemSchema`), naming components as hey-api."""
    if not schema:
        return "unknown"
    if name := ref_name(schema):
        return names(name)
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            kinds = dict.fromkeys(typescript_type(s, names) for s in schema[combinator])
            return " | ".join(kinds)
    if "enum" in schema:
        return " | ".join(json.dumps(value) for value in schema["enum"])
    kinds: Any = schema.get("type")
    if isinstance(kinds, list):
        each = cast(list[str], kinds)
        return " | ".join(typescript_type({**schema, "type": kind}, names) for kind in each)
    if kinds == "array":
        return f"Array<{typescript_type(schema.get('items'), names)}>"
    if kinds == "object":
        extra = typescript_type(schema_of(schema.get("additionalProperties")), names)
        return f"Record<string, {extra}>"
    simple = {"string": "string", "integer": "number", "number": "number", "boolean": "boolean"}
    return simple.get(str(kinds), "null" if kinds == "null" else "unknown")


def typescript_params(operation: Operation, names: TypeNames) -> tuple[str, bool]:
    """The type of an operation's first argument, and whether it may be left out."""
    data = names(f"{operation.id}Data")
    parts: list[str] = []
    if any(p.location == "path" for p in operation.parameters):
        parts.append(f"{data}['path']")
    if any(p.location == "query" for p in operation.parameters):
        parts.append(f"NonNullable<{data}['query']>")
    if operation.body is not None:
        optional = "" if operation.body_required else "?"
        parts.append(f"{{ readonly body{optional}: {data}['body'] }}")
    required = operation.body_required or any(p.required for p in operation.parameters)
    return " & ".join(parts), not required


def typescript_call(operation: Operation) -> str:
    in_path = [p for p in operation.parameters if p.location == "path"]
    route = json.dumps(operation.path).replace('"', "'")
    if in_path:
        values = ", ".join(f"{json.dumps(p.name)}: params[{json.dumps(p.name)}]" for p in in_path)
        route = f"path({route}, {{ {values} }})"
    fields = [f"method: '{operation.method}'", f"path: {route}"]
    query = [
        f"{json.dumps(p.name)}: params[{json.dumps(p.name)}]"
        for p in operation.parameters
        if p.location == "query"
    ]
    if query:
        fields.append(f"query: {{ {', '.join(query)} }}")
    if operation.body is not None:
        fields.append("body: params.body")
    return f"{{ {', '.join(fields)} }}"


def typescript_client(spec: dict[str, Any], operations: list[Operation], types: str) -> str:
    api_class = title(spec)
    names = TypeNames(types)
    auth = auth_of(spec)
    used: set[str] = set()
    classes: list[str] = []
    for status in error_statuses(operations):
        bodies: list[str] = []
        for operation in operations:
            if status in operation.errors:
                errors = names(f"{operation.id}Errors")
                used.add(errors)
                bodies.append(f"{errors}[{status}]")
        classes += [
            f"/** Status {status}. */",
            f"export class {error_class(status)} extends ApiError<{' | '.join(bodies)}> {{}}",
            "",
        ]
    methods: list[str] = []
    for operation in operations:
        params, optional = typescript_params(operation, names)
        if params:
            used.add(names(f"{operation.id}Data"))
        argument = f"params: {params}{' = {}' if optional else ''}, " if params else ""
        call = typescript_call(operation)
        if operation.item is not None:
            item = typescript_type(operation.item, names)
            used.update(re.findall(r"\b[A-Z]\w*", item))
            returns = f"AsyncIterable<{item}>"
            body = f"return this.transport.jsonLines<{item}>({call}, options);"
        elif operation.result is not None:
            responses = names(f"{operation.id}Responses")
            used.add(responses)
            returns = f"Promise<{responses}[{operation.status}]>"
            body = f"return this.transport.json<{responses}[{operation.status}]>({call}, options);"
        else:
            returns = "Promise<void>"
            body = f"return this.transport.empty({call}, options);"
        methods += [
            f"  /** {operation.summary} ({operation.method} {operation.path}). */",
            f"  {operation.id}({argument}options?: CallOptions): {returns} {{",
            f"    {body}",
            "  }",
            "",
        ]
    used &= set(names.exported)
    runtime = ["ApiError", "type Authorize", "type CallOptions", "type ClientOptions"]
    runtime += ["type ErrorType", "Transport"]
    if any(p.location == "path" for o in operations for p in o.parameters):
        runtime.append("path")
    errors = ", ".join(f"{status}: {error_class(status)}" for status in error_statuses(operations))
    options = f"{api_class}ClientOptions"
    return "\n".join(
        [
            f"// The {api_class} client, {HEADER}.",
            f"import {{ {', '.join(runtime)} }} from './runtime';",
            *([f"import type {{ {', '.join(sorted(used))} }} from './types.gen';"] if used else []),
            "",
            *classes,
            f"const ERRORS: Readonly<Record<number, ErrorType>> = {{ {errors} }};",
            "",
            f"export interface {options} extends ClientOptions {{",
            *(
                [
                    f"  /** How requests are authenticated: `{auth[1]}(...)` from './auth'. */",
                    "  readonly auth: Authorize;",
                ]
                if auth
                else []
            ),
            "}",
            "",
            f"/** The {api_class} API: one method per operation. */",
            f"export class {api_class}Client {{",
            "  private readonly transport: Transport;",
            "",
            f"  constructor(options: {options}) {{",
            "    this.transport = new Transport(options, "
            f"{'options.auth' if auth else 'undefined'}, ERRORS);",
            "  }",
            "",
            *methods,
            "}",
            "",
        ]
    )


def typescript_queries(spec: dict[str, Any], operations: list[Operation]) -> str:
    """TanStack Query options per operation: queries for GET, mutations for the others."""
    api_class = title(spec)
    client = f"{api_class}Client"
    entries: list[str] = []
    for operation in operations:
        if operation.item is not None:
            continue  # a stream is not one value (TanStack's streamedQuery can wrap it)
        params = f"Parameters<{client}[{json.dumps(operation.id)}]>[0]"
        has_params = bool(operation.parameters or operation.body is not None)
        key = f"['{api_class}', '{operation.id}'{', params' if has_params else ''}] as const"
        call_args = "params, { signal }" if has_params else "{ signal }"
        if operation.is_query:
            argument = f"params: {params}" if has_params else ""
            entries += [
                f"    {operation.id}: {{",
                f"      queryOptions: ({argument}) => ({{",
                f"        queryKey: {key},",
                "        queryFn: ({ signal }: { signal: AbortSignal }) =>",
                f"          client.{operation.id}({call_args}),",
                "      }),",
                "    },",
            ]
        else:
            mutation = f"(params: {params}) => client.{operation.id}(params)"
            if not has_params:
                mutation = f"() => client.{operation.id}()"
            entries += [
                f"    {operation.id}: {{",
                "      mutationOptions: () => ({",
                f"        mutationKey: ['{api_class}', '{operation.id}'] as const,",
                f"        mutationFn: {mutation},",
                "      }),",
                "    },",
            ]
    return "\n".join(
        [
            f"// TanStack Query options for the {api_class} API, {HEADER}.",
            f"import type {{ {client} }} from './client';",
            "",
            "/**",
            " * `useQuery(queries.echo.queryOptions({ ... }))` with "
            f"`queries = {api_class[0].lower()}{api_class[1:]}Queries(client)`;",
            " * operations other than GET give `mutationOptions()`. Streams are left out.",
            " */",
            f"export function {api_class[0].lower()}{api_class[1:]}Queries(client: {client}) {{",
            "  return {",
            *entries,
            "  };",
            "}",
            "",
        ]
    )


def start_typescript_types(out: Path) -> subprocess.Popen[str]:
    """@hey-api/openapi-ts writes OUT/gen/types.gen.ts, while the Python client is written."""
    make_folder(out)
    return start(
        "npx", "--yes", *(f"--package={package}" for package in HEY_API), "openapi-ts",
        *("--input", str(out.parent / "openapi.json"), "--output", str(out / "gen")),
        *("--plugins", "@hey-api/typescript", "--silent"),
    )  # fmt: skip


def typescript_package(
    spec: dict[str, Any], operations: list[Operation], out: Path, types_job: subprocess.Popen[str]
) -> None:
    api_class = title(spec)
    finish(types_job)
    types = (out / "gen" / "types.gen.ts").read_text()
    shutil.rmtree(out / "gen")
    (out / "types.gen.ts").write_text(types)
    auth = auth_of(spec)
    shutil.copyfile(RUNTIME / "runtime.ts", out / "runtime.ts")
    if auth:
        shutil.copyfile(RUNTIME / "auth.ts", out / "auth.ts")
    (out / "client.ts").write_text(typescript_client(spec, operations, types))
    (out / "query.ts").write_text(typescript_queries(spec, operations))
    (out / "index.ts").write_text(
        "\n".join(
            [
                f"// The {api_class} API's client, {HEADER}.",
                *(["export * from './auth';"] if auth else []),
                "export * from './client';",
                "export * from './runtime';",
                "export * as types from './types.gen';",
                "",
            ]
        )
    )
    dependencies = {**TYPESCRIPT_DEPENDENCIES, **(SIGNER_TYPESCRIPT_DEPENDENCIES if auth else {})}
    package = {
        "name": DISTRIBUTION,
        "version": spec["info"]["version"],
        "private": True,
        "type": "module",
        "exports": {".": "./index.ts", "./query": "./query.ts"},
        "dependencies": dependencies,
    }
    (out / "package.json").write_text(json.dumps(package, indent=2) + "\n")
    tsconfig = {
        "compilerOptions": {
            "strict": True,
            "target": "ES2022",
            "lib": ["ES2022", "DOM", "DOM.Iterable"],
            "module": "ESNext",
            "moduleResolution": "Bundler",
            "noEmit": True,
            "skipLibCheck": True,
        },
        "include": ["*.ts"],
    }
    (out / "tsconfig.json").write_text(json.dumps(tsconfig, indent=2) + "\n")


def start(*command: str) -> subprocess.Popen[str]:
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(job: subprocess.Popen[str]) -> None:
    output, _ = job.communicate()
    if job.returncode != 0:
        sys.exit(f"{job.args} failed:\n{output}")


def run(*command: str) -> None:
    finish(start(*command))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("spec", type=Path, help="the API's OpenAPI spec (the openapi target's)")
    parser.add_argument("out", type=Path, help="where to write the clients")
    arguments = parser.parse_args()
    spec_text = arguments.spec.read_text()
    spec = json.loads(spec_text)
    operations = read_operations(spec)
    out: Path = arguments.out
    shutil.rmtree(out, ignore_errors=True)  # an operation removed leaves nothing behind
    make_folder(out)
    (out / "openapi.json").write_text(spec_text)  # what the clients were generated from
    types_job = start_typescript_types(out / "typescript")
    python_package(spec, operations, out / "python")
    typescript_package(spec, operations, out / "typescript", types_job)
    print(f"Wrote {out}/python ({DISTRIBUTION}) and {out}/typescript")


if __name__ == "__main__":
    main()
