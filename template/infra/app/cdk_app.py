"""The CDK app, with cdk-nag, and where it deploys."""

import os

from aws_cdk import App, Environment, Validations
from cdk_nag import AwsSolutionsChecks


def create_app() -> App:
    """The CDK app, with cdk-nag's AWS Solutions checks: synth fails on any error they report
    that is not acknowledged (`Validations.of(construct).acknowledge`) with a reason.

    The app and the constructs run in one virtual environment (the constructs' uv project), so
    they load one aws-cdk-lib: the TypeScript app's check for a second copy has no Python twin.
    """
    app = App()
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


def environment() -> Environment | None:
    """Where to deploy: the account and region the CDK CLI found in your AWS credentials and
    configuration (`CDK_DEFAULT_ACCOUNT`, `CDK_DEFAULT_REGION`), or else nowhere in particular.
    A stack without them is environment-agnostic: it synthesizes offline and deploys to the
    account and region `cdk deploy` runs with. The CLI sets a region even without any
    configuration (us-east-1), so a region alone does not pin the stack."""
    account = os.environ.get("CDK_DEFAULT_ACCOUNT")
    region = os.environ.get("CDK_DEFAULT_REGION")
    return Environment(account=account, region=region) if account and region else None
