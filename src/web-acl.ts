import { ArnFormat, Names, Stack, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { propError } from './validation';

/** Settings of the web ACL the gateway creates. */
export interface GatewayWebAclOptions {
  /**
   * Most requests one client IP may send in any 5-minute window; WAF blocks the rest (403) until
   * the rate falls (10 to 2,000,000,000).
   * @default - no rate limit
   */
  readonly rateLimitPerIp?: number;
}

/**
 * An AWS WAF web ACL in front of the load balancer.
 */
export abstract class GatewayWebAcl {
  /**
   * A new regional web ACL that allows by default, blocks known bad inputs (the AWS managed rule group
   * `AWSManagedRulesKnownBadInputsRuleSet`: Log4j, Java deserialization and similar exploit patterns) and,
   * with `rateLimitPerIp`, clients above that rate. The common rule set is left out: it blocks request
   * bodies over 8 KB, which long prompts exceed. Metrics and sampled requests are on; its logs go to a
   * log group `aws-waf-logs-…` with the `Authorization` header (the API key) redacted.
   *
   * @param options web ACL settings
   */
  public static create(options: GatewayWebAclOptions = {}): GatewayWebAcl {
    return new NewWebAcl(options);
  }

  /**
   * An existing regional web ACL, by ARN (it may be a token).
   *
   * @param webAclArn the web ACL's ARN
   */
  public static fromWebAclArn(webAclArn: string): GatewayWebAcl {
    return new ExistingWebAcl(webAclArn);
  }

  /**
   * Associates the web ACL (created under `scope` if need be) with the load balancer.
   * @internal
   */
  public _bind(scope: Construct, loadBalancer: elbv2.IApplicationLoadBalancer, logRetention: logs.RetentionDays): void {
    new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', {
      resourceArn: loadBalancer.loadBalancerArn,
      webAclArn: this.webAclArn(scope, logRetention),
    });
  }

  /** The ARN of the web ACL, created under `scope` (with its logs kept for `logRetention`) if need be. */
  protected abstract webAclArn(scope: Construct, logRetention: logs.RetentionDays): string;
}

class NewWebAcl extends GatewayWebAcl {
  constructor(private readonly options: GatewayWebAclOptions) {
    super();
  }

  protected webAclArn(scope: Construct, logRetention: logs.RetentionDays): string {
    const limit = this.options.rateLimitPerIp;
    if (limit !== undefined && !Token.isUnresolved(limit) && !(Number.isInteger(limit) && limit >= 10 && limit <= 2_000_000_000)) {
      throw propError('webAcl', 'GatewayWebAcl.create({ rateLimitPerIp }) must be an integer from 10 to 2,000,000,000 requests per 5 minutes',
        String(limit), 'pick the most requests one client may send in 5 minutes, e.g. 3000, or omit it for no rate limit');
    }
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    const rules: wafv2.CfnWebACL.RuleProperty[] = [{
      name: 'KnownBadInputs',
      priority: 1,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
      overrideAction: { none: {} },
      visibilityConfig: visibility('KnownBadInputs'),
    }];
    if (limit !== undefined) {
      rules.push({
        name: 'RateLimitPerIp',
        priority: 2,
        statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
        action: { block: {} },
        visibilityConfig: visibility('RateLimitPerIp'),
      });
    }
    const webAcl = new wafv2.CfnWebACL(scope, 'WebAcl', {
      description: 'Bedrock Access Gateway load balancer',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('BedrockAccessGateway'),
      rules,
    });
    // WAF writes only to log groups named aws-waf-logs-*, and takes their ARN without the ":*" suffix.
    const logGroupName = `aws-waf-logs-${Names.uniqueResourceName(webAcl, { maxLength: 450 })}`;
    const logGroup = new logs.LogGroup(scope, 'WebAclLogs', { logGroupName, retention: logRetention });
    const logging = new wafv2.CfnLoggingConfiguration(scope, 'WebAclLogging', {
      resourceArn: webAcl.attrArn,
      logDestinationConfigs: [Stack.of(scope).formatArn({
        service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
    });
    logging.node.addDependency(logGroup);
    return webAcl.attrArn;
  }
}

class ExistingWebAcl extends GatewayWebAcl {
  constructor(private readonly arn: string) {
    super();
  }

  protected webAclArn(): string {
    return this.arn;
  }
}
