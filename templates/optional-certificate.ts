import { CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';

/** The load balancer parts a certificate changes, as built by the gateway with a certificate. */
export interface HttpsParts {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The HTTPS listener (port 443) that forwards to the proxy. */
  readonly listener: elbv2.ApplicationListener;
  readonly securityGroup: ec2.ISecurityGroup;
}

/**
 * Makes the certificate optional at launch. The gateway is built with a certificate (HTTPS on 443 plus a
 * redirect from 80); when the parameter is empty, conditions turn the HTTPS listener into plain HTTP
 * on port 80, drop the redirect listener and keep port 443 closed.
 *
 * @returns the condition "a certificate was given", for outputs that depend on it.
 */
export function makeCertificateOptional(stack: Stack, certificateArn: CfnParameter, parts: HttpsParts): CfnCondition {
  const hasCertificate = new CfnCondition(stack, 'HasCertificate', {
    expression: Fn.conditionNot(Fn.conditionEquals(certificateArn.valueAsString, '')),
  });
  const ifCertificate = (withCertificate: unknown, without: unknown) =>
    Fn.conditionIf(hasCertificate.logicalId, withCertificate, without);

  const listener = parts.listener.node.defaultChild as elbv2.CfnListener;
  listener.addPropertyOverride('Port', ifCertificate(443, 80));
  listener.addPropertyOverride('Protocol', ifCertificate('HTTPS', 'HTTP'));
  listener.addPropertyOverride('Certificates', ifCertificate([{ CertificateArn: certificateArn.valueAsString }], Fn.ref('AWS::NoValue')));
  listener.addPropertyOverride('SslPolicy', ifCertificate(listener.sslPolicy, Fn.ref('AWS::NoValue')));

  for (const other of parts.loadBalancer.listeners.filter((l) => l !== parts.listener)) {
    (other.node.defaultChild as elbv2.CfnListener).cfnOptions.condition = hasCertificate;
  }

  // Port 443 rules move out of the group into resources of their own that exist only with a certificate.
  const securityGroup = parts.securityGroup.node.defaultChild as ec2.CfnSecurityGroup;
  const ingress = stack.resolve(securityGroup.securityGroupIngress) as ec2.CfnSecurityGroup.IngressProperty[];
  const isHttps = (rule: ec2.CfnSecurityGroup.IngressProperty) => rule.fromPort === 443;
  // Overrides are raw CloudFormation, so the kept L1 rules get CloudFormation's property names.
  securityGroup.addPropertyOverride('SecurityGroupIngress', ingress.filter((rule) => !isHttps(rule)).map((rule) =>
    Object.fromEntries(Object.entries(rule).map(([key, value]) => [key[0].toUpperCase() + key.slice(1), value]))));
  ingress.filter(isHttps).forEach((rule, index) => {
    const https = new ec2.CfnSecurityGroupIngress(parts.securityGroup, `HttpsIngress${index}`, {
      ...rule,
      groupId: parts.securityGroup.securityGroupId,
    });
    https.cfnOptions.condition = hasCertificate;
  });
  return hasCertificate;
}
