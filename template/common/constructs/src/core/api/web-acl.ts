import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/**
 * The AWS managed rule groups of the web ACL, in the order WAF evaluates them, each with the
 * rules of it that only count: their matches show in the metrics and sampled requests, and
 * nothing is blocked for them.
 */
const RULE_GROUPS: readonly { readonly name: string; readonly countOnly: readonly string[] }[] = [
  {
    // Cross-site scripting, path traversal, oversized headers, ... (700 capacity units).
    name: 'AWSManagedRulesCommonRuleSet',
    countOnly: [
      // Blocks every body over 8 KB, the most WAF inspects behind API Gateway: JSON bodies of
      // a real API can be larger, and the app already refuses what it cannot validate.
      'SizeRestrictions_BODY',
      // Blocks requests without a User-Agent, which HTTP clients of other servers may omit.
      'NoUserAgent_HEADER',
    ],
  },
  {
    // Log4j and other request patterns known to exploit vulnerabilities (200 capacity units).
    name: 'AWSManagedRulesKnownBadInputsRuleSet',
    countOnly: [],
  },
];

/** Props of {@link ManagedRulesWebAcl}. */
export interface ManagedRulesWebAclProps {
  /** The start of its CloudWatch metric names, e.g. the API's name. */
  readonly metricPrefix: string;
}

/**
 * A regional AWS WAF web ACL for an API Gateway stage: it lets requests through unless a rule of
 * the AWS managed common rule set or known-bad-inputs rule set blocks them (`SizeRestrictions_BODY`
 * and `NoUserAgent_HEADER` only count).
 *
 * Cost at AWS WAF's list prices: 5 USD a month for the web ACL and 1 USD for each rule, a managed
 * rule group counting as one, so 5 + 2 × 1 = 7 USD a month; plus 0.60 USD per million requests
 * (10 million requests a month: 7 + 6 = 13 USD). The two groups use 900 of the 1,500 capacity
 * units a web ACL's price includes, and AWS charges no subscription for them.
 */
export class ManagedRulesWebAcl extends Construct {
  /** The web ACL. */
  public readonly webAcl: wafv2.CfnWebACL;
  /** Its ARN, for an association. */
  public readonly arn: string;

  public constructor(scope: Construct, id: string, props: ManagedRulesWebAclProps) {
    super(scope, id);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.metricPrefix),
      rules: RULE_GROUPS.map(({ name, countOnly }, priority) => ({
        name,
        priority,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name,
            ruleActionOverrides:
              countOnly.length > 0
                ? countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } }))
                : undefined,
          },
        },
        visibilityConfig: visibility(`${props.metricPrefix}-${name}`),
      })),
    });
    this.arn = this.webAcl.attrArn;
  }
}
