import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';

/** Prefix of the construct's warning ids (`cdk acknowledge` takes them). */
const WARNING = 'cdk-bedrock-access-gateway';

/** What the warnings look at: settings that are legal but likely wrong. */
export interface LikelyMistakes {
  readonly certificate?: acm.ICertificate;
  readonly domainName?: string;
  readonly allowedModels?: string[];
  readonly idleTimeout: Duration;
  readonly function?: lambda.Function;
}

/**
 * CDK warnings ("`prop`: problem; received X; fix") for settings that synthesize and deploy but are
 * likely not what was meant.
 */
export function warnAboutLikelyMistakes(scope: IConstruct, settings: LikelyMistakes): void {
  const warn = (id: string, message: string) => Annotations.of(scope).addWarningV2(`${WARNING}:${id}`, message);
  if (settings.certificate && settings.domainName === undefined) {
    warn('certificateWithoutDomainName', 'domainName: not set with a certificate, so apiBaseUrl names the load balancer\'s DNS name, '
      + 'which the certificate does not cover (clients fail the TLS check); received undefined; set domainName to the name the certificate covers '
      + 'and point it at the load balancer');
  }
  const tokens = (settings.allowedModels ?? []).filter((id) => Token.isUnresolved(id));
  if (tokens.length > 0) {
    warn('allowedModelsToken', 'allowedModels: deploy-time entries (e.g. a CfnParameter) are granted as foundation model ids in this region, '
      + `so an inference profile id (us.…, global.…) or an ARN there gets no matching permission; received ${tokens.length} token entr${tokens.length === 1 ? 'y' : 'ies'}; `
      + 'list profile ids and ARNs literally');
  }
  const timeout = settings.function?.timeout;
  if (timeout && !timeout.isUnresolved() && !settings.idleTimeout.isUnresolved() && timeout.toSeconds() > settings.idleTimeout.toSeconds()) {
    warn('lambdaTimeoutAboveIdleTimeout', 'compute: GatewayCompute.lambda({ timeout }) is longer than idleTimeout, which ends a request '
      + `first (the proxy ends a request with a 504 a second before it, so the longer timeout is never used); received timeout ${timeout.toSeconds()} seconds with idleTimeout `
      + `${settings.idleTimeout.toSeconds()} seconds; lower the timeout or raise idleTimeout`);
  }
}
