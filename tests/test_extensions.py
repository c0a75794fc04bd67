"""The Jinja extensions, as plain functions."""

import pytest
import yaml

from extensions.monorepo import (
    api_names,
    folder_name,
    is_recorded,
    joining_error,
    next_free_port,
    older_api_default,
)
from extensions.naming import kebab, pascal, snake
from extensions.validation import (
    auth_error,
    directory_error,
    module_name_error,
    module_shadow_error,
    name_clash_error,
    name_error,
)


@pytest.mark.parametrize(
    ("name", "kebab_case", "snake_case", "pascal_case"),
    [
        ("my-api", "my-api", "my_api", "MyApi"),
        ("OrdersApi", "orders-api", "orders_api", "OrdersApi"),
        ("orders_api", "orders-api", "orders_api", "OrdersApi"),
        ("MyAPI2", "my-api2", "my_api2", "MyApi2"),
        ("APIGateway", "api-gateway", "api_gateway", "ApiGateway"),
        ("x", "x", "x", "X"),
        ("v2-api", "v2-api", "v2_api", "V2Api"),
        ("My__Odd--Name", "my-odd-name", "my_odd_name", "MyOddName"),
    ],
)
def test_naming_filters(name: str, kebab_case: str, snake_case: str, pascal_case: str) -> None:
    assert (kebab(name), snake(name), pascal(name)) == (kebab_case, snake_case, pascal_case)


@pytest.mark.parametrize("name", ["my-api", "OrdersApi", "x", "a1_b-2"])
def test_good_names_pass(name: str) -> None:
    assert name_error(name, pascal(name)) == ""


@pytest.mark.parametrize("name", ["", "9lives", "-api", "my api", "my.api", "api!", "é"])
def test_bad_names_are_named_in_the_message(name: str) -> None:
    assert f"'{name}' is not a valid name" in name_error(name, pascal(name))


@pytest.mark.parametrize(
    ("name", "too_long"),
    [
        ("customer-loyalty-points-and-rewards-service-v2", False),  # 40 in PascalCase
        ("customer_loyalty_points_and_rewards_service_v2", False),
        ("customer-loyalty-points-and-rewards-service-v23", True),  # 41
        ("CustomerLoyaltyPointsAndRewardsServiceV2x", True),
    ],
)
def test_names_are_limited_to_40_characters_in_pascal_case(name: str, too_long: bool) -> None:
    message = name_error(name, pascal(name))
    if too_long:
        assert f"'{name}' is too long" in message
        assert f"{pascal(name)} has 41 characters, at most 40" in message
    else:
        assert len(pascal(name)) == 40 and message == ""


@pytest.mark.parametrize(
    ("name", "message"),
    [
        # The construct class, or its Props / Integrations type, is a name the constructs use.
        ("construct", "clashes with Construct, which the API's construct module already imports"),
        ("object", "clashes with Object, a JavaScript global that TypeScript refuses as a class"),
        ("api-bundle", "clashes with ApiBundle, which the CDK constructs' core already"),
        ("runtime-config", "clashes with RuntimeConfig, which the CDK constructs' core already"),
        ("IntegrationBuilder", "clashes with IntegrationBuilder, which the CDK constructs' core"),
        # The Python project is named like one of its dependencies.
        ("annotated-types", "would name the API's Python project annotated-types, like one of"),
        ("AnnotatedTypes", "would name the API's Python project annotated-types, like one of"),
        ("six", "would name the API's Python project six"),
        # The API's folder or Nx project is the shared constructs'.
        ("common", "is the folder of the CDK constructs that every API shares"),
        ("common-constructs", "is the Nx project of the CDK constructs that every API shares"),
    ],
)
def test_names_the_rendered_files_already_use_are_refused_with_the_reason(
    name: str, message: str
) -> None:
    refusal = name_clash_error(name, pascal(name), kebab(name))
    assert refusal.startswith(f"'{name}' ") and message in refusal
    assert name_error(name, pascal(name)) == ""  # well formed: refused for what it would clash with


@pytest.mark.parametrize(
    "name", ["my-api", "OrdersApi", "proxy", "map", "promise", "error", "api-gateway"]
)
def test_names_that_merely_resemble_taken_ones_pass(name: str) -> None:
    """Globals a construct class only shadows in its own module build (tests/test_names.py)."""
    assert name_clash_error(name, pascal(name), kebab(name)) == ""


@pytest.mark.parametrize(
    ("name", "other", "clash"),
    [("my-api-2", "my-api2", "MyApi2"), ("orders-props", "orders", "OrdersProps")],
)
def test_a_name_that_declares_what_another_api_declares_is_refused(
    name: str, other: str, clash: str
) -> None:
    message = name_clash_error(name, pascal(name), kebab(name), [pascal(other)])
    assert message.startswith(f"'{name}' clashes with {clash}, which another API in this folder")
    assert name_clash_error(name, pascal(name), kebab(name), [pascal("billing")]) == ""


@pytest.mark.parametrize(
    ("module", "reason"),
    [
        ("class", "keyword"),
        ("match", "keyword"),
        ("json", "standard library"),
        ("asyncio", "standard library"),
        ("fastapi", "dependency"),
        ("mangum", "dependency"),
        ("annotated_types", "dependency"),
        ("click", "dependency"),
        ("boto3", "dependency"),
        ("tests", "folder"),
        ("My_Api", "not a valid module name"),
        ("1api", "not a valid module name"),
        ("my-api", "not a valid module name"),
    ],
)
def test_bad_module_names_say_why(module: str, reason: str) -> None:
    message = module_name_error(module) or module_shadow_error(module)
    assert f"'{module}'" in message and reason in message


def test_good_module_name_passes() -> None:
    assert module_name_error("orders_service") == module_shadow_error("orders_service") == ""


@pytest.mark.parametrize("directory", ["packages", "packages/apis", "apps/backend-v2"])
def test_good_directories_pass(directory: str) -> None:
    assert directory_error(directory) == ""


@pytest.mark.parametrize(
    "directory", ["", "/abs", "../up", "packages/../x", "packages/", ".", "a b"]
)
def test_bad_directories_are_named_in_the_message(directory: str) -> None:
    assert f"'{directory}' is not a valid directory" in directory_error(directory)


def test_cognito_is_refused_for_function_urls_with_a_reason() -> None:
    assert "only check IAM" in auth_error("Cognito", "ServerlessLambdaFunctionUrl")
    assert auth_error("Cognito", "ServerlessApiGatewayHttpApi") == ""
    assert auth_error("IAM", "ServerlessLambdaFunctionUrl") == ""


def test_next_free_port_skips_ports_of_other_apis(tmp_path) -> None:
    for api, port in (("a_api", 8000), ("b_api", 8002), ("broken", None)):
        (tmp_path / api).mkdir()
        answers = {"_src_path": "gh:org/fastapi-template", "port": port}
        (tmp_path / api / ".copier-answers.yml").write_text(yaml.safe_dump(answers))
    (tmp_path / "c_api").mkdir()
    (tmp_path / "c_api" / ".copier-answers.yml").write_text(": not yaml : [")
    assert next_free_port(tmp_path, "new_api") == 8001
    # An API re-rendered in place does not count its own port as taken.
    assert next_free_port(tmp_path, "a_api") == 8000


def test_folder_name_is_the_destination_name(tmp_path) -> None:
    assert folder_name(tmp_path / "packages") == "packages"


def write_answers(folder, **answers) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".copier-answers.yml").write_text(yaml.safe_dump(answers))


def test_api_names_are_the_other_apis_names(tmp_path) -> None:
    write_answers(tmp_path / "my_api", name="my-api")
    write_answers(tmp_path / "orders_api", name="OrdersApi")
    assert api_names(tmp_path, "orders_api") == ["my-api"]
    assert api_names(tmp_path, "new_api") == ["my-api", "OrdersApi"]


def test_only_the_answer_an_api_recorded_is_recorded(tmp_path) -> None:
    packages = tmp_path / "packages"
    write_answers(packages / "my_api", name="my-api", moduleName="my_api")
    assert is_recorded(packages, "my_api", "moduleName", "my_api", overwrite=True)
    # A new answer on update (`--data moduleName=json`) is judged like any other.
    assert not is_recorded(packages, "my_api", "moduleName", "json", overwrite=True)
    # A new API, even with --overwrite, in a folder that has files.
    assert not is_recorded(packages, "orders", "name", "orders", overwrite=True)
    # What Copier's update renders into its empty temporary folders, with --overwrite.
    assert is_recorded(tmp_path / "new_copy/packages", "my_api", "name", "my-api", overwrite=True)
    assert not is_recorded(tmp_path / "new_copy/packages", "my_api", "name", "x", overwrite=False)


def test_a_question_added_later_defaults_to_what_older_apis_had(tmp_path) -> None:
    packages = tmp_path / "packages"
    write_answers(packages / "my_api", name="my-api", port=8000)  # before the question
    write_answers(packages / "new_api", name="new-api", pythonVersion="3.13")  # since
    assert older_api_default(packages, "my_api", "pythonVersion", "3.12") == "3.12"
    assert older_api_default(packages, "new_api", "pythonVersion", "3.12") == "3.13"
    # A new API: copier.yml's `or` then gives the new default.
    assert older_api_default(packages, "orders_api", "pythonVersion", "3.12") == ""
    assert older_api_default(tmp_path / "missing", "my_api", "pythonVersion", "3.12") == ""


SHARED_FILE = "common/constructs/src/core/api/cors.ts"


@pytest.fixture
def folder_with_an_api(tmp_path):
    """A template whose shared file says `export {};`, and a folder of one API at 0.1.0."""
    template = tmp_path / "template-src"
    (template / "template" / SHARED_FILE).parent.mkdir(parents=True)
    (template / "template" / SHARED_FILE).write_text("export {};\n")
    (template / "template/common/constructs/src/app/apis").mkdir(parents=True)
    (template / "template/common/constructs/src/app/apis/{{api_kebab}}.ts.jinja").write_text("")
    packages = tmp_path / "packages"
    (packages / SHARED_FILE).parent.mkdir(parents=True)
    (packages / SHARED_FILE).write_text("export {};\n")
    write_answers(packages / "my_api", name="my-api", _commit="0.1.0")
    return template, packages


def test_joining_a_folder_whose_shared_files_are_the_same_passes(folder_with_an_api) -> None:
    template, packages = folder_with_an_api
    assert joining_error("orders", "orders", template, packages, "0.2.0", False) == ""


def test_joining_a_folder_at_another_release_is_refused_naming_files_and_releases(
    folder_with_an_api,
) -> None:
    template, packages = folder_with_an_api
    (packages / SHARED_FILE).write_text("export const changed = true;\n")
    message = joining_error("orders", "orders", template, packages, "0.2.0", False)
    assert message.startswith("'orders' cannot join this folder at release 0.2.0")
    assert f"its APIs are at 0.1.0, and the files they share differ ({SHARED_FILE})" in message
    assert "--vcs-ref 0.1.0" in message
    # At the same release, the difference is the user's own edit.
    same = joining_error("orders", "orders", template, packages, "0.1.0", False)
    assert same.startswith(
        f"'orders' would overwrite shared files that differ in this folder ({SHARED_FILE})"
    )
    # Not for the API itself (an update), nor with --overwrite.
    assert joining_error("my-api", "my_api", template, packages, "0.2.0", False) == ""
    assert joining_error("orders", "orders", template, packages, "0.2.0", True) == ""


def test_joining_a_folder_whose_nx_project_is_broken_is_refused(folder_with_an_api) -> None:
    template, packages = folder_with_an_api
    (packages / "common/constructs/project.json").write_text("{ not json")
    message = joining_error("orders", "orders", template, packages, "0.1.0", False)
    assert message.startswith("'orders' cannot be added while common/constructs/project.json")
    assert "is not valid JSON" in message
