import { Aws, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { propError, validateListKnownAtSynth } from './validation';

/** A guardrail id as Bedrock issues them, e.g. `abc123def456`. */
const GUARDRAIL_ID = /^[a-z0-9]+$/;

/** A guardrail ARN, or a guardrail profile ARN (cross-region guardrails). */
const GUARDRAIL_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:(\d{12})?:guardrail(-profile)?\/[A-Za-z0-9._:-]+$/;

/**
 * The permission to apply the given guardrails, which Converse needs when a request names one in
 * `guardrail_config`: a guardrail id → that guardrail in this region and account; an ARN → as is.
 */
export function guardrailPolicyStatement(guardrails: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ApplyGuardrails',
    actions: ['bedrock:ApplyGuardrail'],
    resources: guardrails.map((guardrail) => Token.isUnresolved(guardrail) || !guardrail.startsWith('arn:')
      ? `arn:${Aws.PARTITION}:bedrock:${Aws.REGION}:${Aws.ACCOUNT_ID}:guardrail/${guardrail}`
      : guardrail),
  });
}

/** Checks `guardrails` as given by the user: a non-empty list, known at synth, of guardrail ids or ARNs. */
export function validateGuardrails(guardrails: string[] | undefined): void {
  validateListKnownAtSynth('guardrails', guardrails, {
    token: 'list the guardrail ids or ARNs literally (single entries may be tokens)',
    empty: 'list the guardrails requests may apply, or omit guardrails',
  });
  for (const guardrail of guardrails ?? []) {
    if (!Token.isUnresolved(guardrail) && !GUARDRAIL_ID.test(guardrail) && !GUARDRAIL_ARN.test(guardrail)) {
      throw propError('guardrails', 'entries must be guardrail ids or guardrail ARNs', `"${guardrail}"`,
        'use the id Bedrock shows for the guardrail (e.g. "abc123def456") or its ARN (arn:aws:bedrock:<region>:<account>:guardrail/<id>)');
    }
  }
}
