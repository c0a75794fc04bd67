"""Answer validators: each returns "" for a good answer, else a message naming the bad value.

Copier shows the message and asks again (or, non-interactively, stops before writing a file).

Some names pass every rule of spelling and still cannot build: the name becomes a TypeScript
class next to other declarations, a Python project next to its dependencies, a folder next to
the shared constructs. The lists below are what the rendered files declare and resolve;
tests/test_names.py reads them back from a render (and from `uv lock` and `tsc`, in the slow
tier), so a release that changes what the template declares fails there until they follow.
"""

import keyword
import re
import sys
from collections.abc import Iterable

from jinja2 import Environment
from jinja2.ext import Extension

# Import names of every distribution the rendered API installs (its uv.lock, dev group
# included): a module of the same name shadows it, for the API's own imports or for a
# dependency's.
DEPENDENCY_MODULES = frozenset(
    {
        "_pytest",
        "_yaml",
        "annotated_doc",
        "annotated_types",
        "anyio",
        "attr",
        "attrs",
        "aws_lambda_powertools",
        "aws_xray_sdk",
        "botocore",
        "click",
        "coverage",
        "dateutil",
        "dotenv",
        "fastapi",
        "h11",
        "httpcore2",
        "httpx2",
        "idna",
        "iniconfig",
        "jmespath",
        "jsonschema",
        "jsonschema_path",
        "jsonschema_specifications",
        "lazy_object_proxy",
        "mangum",
        "nodeenv",
        "openapi_schema_validator",
        "openapi_spec_validator",
        "opentelemetry",
        "packaging",
        "pathable",
        "pluggy",
        "py",
        "pydantic",
        "pydantic_core",
        "pydantic_settings",
        "pygments",
        "pyright",
        "pytest",
        "pytest_cov",
        "referencing",
        "rfc3339_validator",
        "rpds",
        "ruff",
        "six",
        "starlette",
        "truststore",
        "typing_extensions",
        "typing_inspection",
        "urllib3",
        "uvicorn",
        "wrapt",
        "yaml",
    }
)
# Shadowed too, though not installed on every machine: the Lambda runtime provides boto3, and
# pytest installs colorama on Windows only.
OTHER_DEPENDENCY_MODULES = frozenset({"boto3", "colorama"})
# Folders the API package already has next to its module.
RESERVED_FOLDERS = frozenset({"scripts", "tests", "dist", "build"})

# Distributions the rendered API resolves (the names in its uv.lock). The Python project is
# named after the API (`name = "<kebab name>"`): a project with a dependency's name stands in
# for that dependency, so `uv lock` fails or, worse, picks an ancient release that accepts it.
DEPENDENCY_DISTRIBUTIONS = frozenset(
    {
        "annotated-doc",
        "annotated-types",
        "anyio",
        "attrs",
        "aws-lambda-powertools",
        "aws-xray-sdk",
        "botocore",
        "click",
        "colorama",
        "coverage",
        "fastapi",
        "h11",
        "httpcore2",
        "httpx2",
        "httpx2-jsfetch",
        "idna",
        "iniconfig",
        "jmespath",
        "jsonschema",
        "jsonschema-path",
        "jsonschema-specifications",
        "lazy-object-proxy",
        "mangum",
        "nodeenv",
        "openapi-schema-validator",
        "openapi-spec-validator",
        "opentelemetry-api",
        "packaging",
        "pathable",
        "pluggy",
        "pydantic",
        "pydantic-core",
        "pydantic-settings",
        "pygments",
        "pyright",
        "pytest",
        "pytest-cov",
        "python-dateutil",
        "python-dotenv",
        "pyyaml",
        "referencing",
        "rfc3339-validator",
        "rpds-py",
        "ruff",
        "six",
        "starlette",
        "truststore",
        "typing-extensions",
        "typing-inspection",
        "urllib3",
        "uvicorn",
        "wrapt",
    }
)
# Kebab names the monorepo already uses: the folders of the shared constructs (`common/`) and of
# the CDK app (`infra/`), which the API's folder would become, and their Nx projects.
RESERVED_API_NAMES = {
    "common": "the folder of the CDK constructs that every API shares (common/)",
    "common-constructs": "the Nx project of the CDK constructs that every API shares",
    "infra": "the folder and Nx project of the CDK app of this folder's APIs (infra/)",
}

# An API's construct module (src/app/apis/<name>.ts) declares the class <Class> and the types
# <Class>Props and <Class>Integrations, and src/index.ts re-exports it next to every core
# module: none of the three may be a name the constructs already use. Only names that some
# API name turns into are listed (PascalCase words, like the `pascal` filter writes them).
CORE_EXPORTS = frozenset(
    {
        "ApiBase",
        "ApiBundle",
        "ApiDefinition",
        "ApiFunction",
        "ApiOptions",
        "AuthProps",
        "AuthType",
        "BundledApi",
        "CheckovSkip",
        "CognitoIdentity",
        "DefaultIntegration",
        "FunctionOptions",
        "FunctionUrlApiBase",
        "FunctionUrlApiDefinition",
        "FunctionUrlApiOptions",
        "FunctionUrlAuth",
        "GatewayApiBase",
        "GatewayApiDefinition",
        "GatewayApiOptions",
        "HttpApiBase",
        "HttpApiOptions",
        "HttpIntegrationBuilder",
        "HttpOperationIntegration",
        "HttpRouteOptions",
        "IntegrationBuilder",
        "IntegrationBuilderProps",
        "Integrations",
        "ManagedRulesWebAcl",
        "ManagedRulesWebAclProps",
        "OperationDetails",
        "OperationIntegration",
        "OperationOptions",
        "OperationsMetadata",
        "Overrides",
        "RestApiBase",
        "RestApiOptions",
        "RestIntegrationBuilder",
        "RestOperationIntegration",
        "RuntimeConfig",
        "RuntimeConfigValues",
        "StageThrottle",
    }
)
# What the construct module imports or declares besides the API's own names, in any variant.
CONSTRUCT_MODULE_NAMES = frozenset(
    {
        "ApiFunction",
        "AuthProps",
        "Construct",
        "FunctionOptions",
        "FunctionUrlApiBase",
        "FunctionUrlApiOptions",
        "HttpApiBase",
        "HttpApiOptions",
        "HttpIntegrationBuilder",
        "HttpOperationIntegration",
        "Integrations",
        "OperationId",
        "RestApiBase",
        "RestApiOptions",
        "RestIntegrationBuilder",
        "RestOperationIntegration",
    }
)
# JavaScript globals that a class of the same name breaks: TypeScript refuses `Object` as a class
# name. Other globals (`Error`, `Map`, ...) are merely shadowed in that module, which uses none.
BREAKING_GLOBALS = frozenset({"Object"})
_TAKEN_BY = (
    (CORE_EXPORTS, "which the CDK constructs' core already exports"),
    (CONSTRUCT_MODULE_NAMES, "which the API's construct module already imports or declares"),
    (BREAKING_GLOBALS, "a JavaScript global that TypeScript refuses as a class name"),
)

# The PascalCase name is the construct class, the prefix of CloudFormation ids and the service
# name; the rendered TypeScript is formatted for names up to this long.
MAX_NAME_LENGTH = 40

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_MODULE = re.compile(r"[a-z_][a-z0-9_]*")
_PATH_SEGMENT = re.compile(r"[A-Za-z0-9_.@-]+")


def declared_names(class_name: str) -> tuple[str, str, str]:
    """What an API's construct module declares: the class, its props and its integrations."""
    return class_name, f"{class_name}Props", f"{class_name}Integrations"


def name_error(value: str, class_name: str) -> str:
    """`class_name` is the name's PascalCase form (the `pascal` filter)."""
    if not _NAME.fullmatch(value or ""):
        return (
            f"'{value}' is not a valid name: use letters, digits, '-' and '_', "
            "starting with a letter (e.g. my-api, OrdersApi)."
        )
    if len(class_name) > MAX_NAME_LENGTH:
        return (
            f"'{value}' is too long: its PascalCase form {class_name} has {len(class_name)} "
            f"characters, at most {MAX_NAME_LENGTH} (it names the CDK construct class, "
            "CloudFormation ids and the service)."
        )
    return ""


def name_clash_error(
    value: str, class_name: str, kebab_name: str, other_classes: Iterable[str] = ()
) -> str:
    """A well-formed name that the rendered files already use for something else.

    `class_name` and `kebab_name` are the name's `pascal` and `kebab` forms, `other_classes`
    the construct classes of the other APIs in the destination.
    """
    if kebab_name in RESERVED_API_NAMES:
        return f"'{value}' is {RESERVED_API_NAMES[kebab_name]}; choose another name."
    if kebab_name in DEPENDENCY_DISTRIBUTIONS:
        return (
            f"'{value}' would name the API's Python project {kebab_name}, like one of its own "
            "dependencies (uv cannot install both); choose another name."
        )
    declared = declared_names(class_name)
    others = {name for other in other_classes for name in declared_names(other)}
    for taken, reason in (*_TAKEN_BY, (others, "which another API in this folder declares")):
        for clash in declared:
            if clash in taken:
                return (
                    f"'{value}' clashes with {clash}, {reason} (an API's construct module "
                    f"declares {', '.join(declared)}); choose another name, e.g. with one "
                    "more word."
                )
    return ""


def module_name_error(value: str) -> str:
    if not _MODULE.fullmatch(value or ""):
        return (
            f"'{value}' is not a valid module name: use lowercase letters, digits and '_', "
            "not starting with a digit (e.g. my_api)."
        )
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        return f"'{value}' is a Python keyword; choose another module name."
    return ""


def module_shadow_error(value: str) -> str:
    """A well-formed module name that something the API imports already has."""
    if value in sys.stdlib_module_names:
        return f"'{value}' would shadow the standard library module '{value}'; choose another."
    if value in DEPENDENCY_MODULES | OTHER_DEPENDENCY_MODULES:
        return f"'{value}' would shadow the dependency '{value}'; choose another module name."
    if value in RESERVED_FOLDERS:
        return f"'{value}' is a folder the API package already has; choose another module name."
    return ""


def directory_error(value: str) -> str:
    segments = (value or "").split("/")
    if (
        not value
        or value.startswith("/")
        or any(segment in {"", ".", ".."} for segment in segments)
        or not all(_PATH_SEGMENT.fullmatch(segment) for segment in segments)
    ):
        return (
            f"'{value}' is not a valid directory: give the destination's path relative to the "
            "monorepo root, like 'packages' or 'packages/apis' (no '..', no leading or "
            "trailing '/', not absolute)."
        )
    return ""


def auth_error(auth: str, compute_type: str) -> str:
    if auth == "Cognito" and compute_type == "ServerlessLambdaFunctionUrl":
        return (
            "Cognito auth is not available with a Lambda Function URL: a Function URL can only "
            "check IAM (SigV4) signatures. Choose IAM or None, or an API Gateway compute type."
        )
    return ""


class ValidationExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals.update(
            name_error=name_error,
            name_clash_error=name_clash_error,
            module_name_error=module_name_error,
            module_shadow_error=module_shadow_error,
            directory_error=directory_error,
            auth_error=auth_error,
        )
