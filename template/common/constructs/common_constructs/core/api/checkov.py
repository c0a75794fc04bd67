"""Checkov skips, recorded where checkov reads them."""

from dataclasses import dataclass
from typing import Any, cast

from aws_cdk import CfnResource
from constructs import IConstruct


@dataclass(frozen=True)
class CheckovSkip:
    """A checkov check skipped on purpose, with the reason a reviewer would ask for."""

    id: str
    """Check id, e.g. `CKV_AWS_117`."""
    comment: str
    """Why the finding does not apply."""


def skip_checkov(construct: IConstruct, *skips: CheckovSkip) -> None:
    """Records checkov skips in the CloudFormation metadata of the resource behind `construct`
    (its default child, or itself), where checkov reads them; earlier skips are kept."""
    resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
    if not isinstance(resource, CfnResource):
        raise ValueError(f"{construct.node.path} has no CloudFormation resource to annotate.")
    existing = cast("dict[str, Any] | None", resource.get_metadata("checkov"))
    ids = {skip.id for skip in skips}
    kept = [skip for skip in (existing or {}).get("skip", []) if skip["id"] not in ids]
    added = [{"id": skip.id, "comment": skip.comment} for skip in skips]
    resource.add_metadata("checkov", {"skip": [*kept, *added]})
