"""Answer validators: each returns "" for a good answer, else a message naming the bad value.

Copier shows the message and asks again (or, non-interactively, stops before writing a file).
"""

import keyword
import re
import sys

from jinja2 import Environment
from jinja2.ext import Extension

# Import names the rendered package depends on at run or test time; a module of the same
# name would shadow them.
DEPENDENCY_MODULES = frozenset(
    {
        "anyio",
        "aws_lambda_powertools",
        "aws_xray_sdk",
        "boto3",
        "botocore",
        "fastapi",
        "httpx",
        "mangum",
        "pydantic",
        "pydantic_core",
        "pytest",
        "starlette",
        "typing_extensions",
        "uvicorn",
    }
)
# Folders the API package already has next to its module.
RESERVED_FOLDERS = frozenset({"scripts", "tests", "dist", "build"})
# The PascalCase name is the construct class, the prefix of CloudFormation ids and the service
# name; the rendered TypeScript is formatted for names up to this long.
MAX_NAME_LENGTH = 40

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_MODULE = re.compile(r"[a-z_][a-z0-9_]*")
_PATH_SEGMENT = re.compile(r"[A-Za-z0-9_.@-]+")


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


def module_name_error(value: str) -> str:
    if not _MODULE.fullmatch(value or ""):
        return (
            f"'{value}' is not a valid module name: use lowercase letters, digits and '_', "
            "not starting with a digit (e.g. my_api)."
        )
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        return f"'{value}' is a Python keyword; choose another module name."
    if value in sys.stdlib_module_names:
        return f"'{value}' would shadow the standard library module '{value}'; choose another."
    if value in DEPENDENCY_MODULES:
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
            module_name_error=module_name_error,
            directory_error=directory_error,
            auth_error=auth_error,
        )
