"""The AWS WAF web ACL a REST API's stage gets unless told otherwise."""

from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

# The AWS managed rule groups of the web ACL, in the order WAF evaluates them, each with the
# rules of it that only count: their matches show in the metrics and sampled requests, and
# nothing is blocked for them.
RULE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # Cross-site scripting, path traversal, oversized headers, ... (700 capacity units).
    (
        "AWSManagedRulesCommonRuleSet",
        (
            # Blocks every body over 8 KB, the most WAF inspects behind API Gateway: JSON
            # bodies of a real API can be larger, and the app already refuses what it cannot
            # validate.
            "SizeRestrictions_BODY",
            # Blocks requests without a User-Agent, which HTTP clients of other servers may omit.
            "NoUserAgent_HEADER",
        ),
    ),
    # Log4j and other request patterns known to exploit vulnerabilities (200 capacity units).
    ("AWSManagedRulesKnownBadInputsRuleSet", ()),
)


def _visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True,
        sampled_requests_enabled=True,
        metric_name=metric_name,
    )


class ManagedRulesWebAcl(Construct):
    """A regional AWS WAF web ACL for an API Gateway stage: it lets requests through unless a
    rule of the AWS managed common rule set or known-bad-inputs rule set blocks them
    (`SizeRestrictions_BODY` and `NoUserAgent_HEADER` only count).

    Cost at AWS WAF's list prices: 5 USD a month for the web ACL and 1 USD for each rule, a
    managed rule group counting as one, so 5 + 2 x 1 = 7 USD a month; plus 0.60 USD per million
    requests (10 million requests a month: 7 + 6 = 13 USD). The two groups use 900 of the 1,500
    capacity units a web ACL's price includes, and AWS charges no subscription for them.
    """

    def __init__(self, scope: Construct, id: str, *, metric_prefix: str) -> None:
        """`metric_prefix`: the start of its CloudWatch metric names, e.g. the API's name."""
        super().__init__(scope, id)
        rule = wafv2.CfnWebACL.RuleProperty
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility(metric_prefix),
            rules=[
                rule(
                    name=name,
                    priority=priority,
                    override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                            vendor_name="AWS",
                            name=name,
                            rule_action_overrides=[
                                wafv2.CfnWebACL.RuleActionOverrideProperty(
                                    name=count_only_rule,
                                    action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={}),
                                )
                                for count_only_rule in count_only
                            ]
                            or None,
                        )
                    ),
                    visibility_config=_visibility(f"{metric_prefix}-{name}"),
                )
                for priority, (name, count_only) in enumerate(RULE_GROUPS)
            ],
        )
        """The web ACL."""
        self.arn = self.web_acl.attr_arn
        """Its ARN, for an association."""
