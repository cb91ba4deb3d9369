import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { ParameterStore } from '../auth/key-source';
import type { ClientSettings } from '../create-deps';

/** SSM Parameter Store as the store of keys and keys documents (loaded on first use by create-api-key-verifier). */
export function ssmParameterStore(settings: ClientSettings): ParameterStore {
  const client = new SSMClient(settings);
  return {
    async parameterValue(name, abortSignal) {
      const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }), { abortSignal });
      const value = out.Parameter?.Value;
      if (value === undefined || value.trim() === '') throw new Error(`parameter ${name} has no value`);
      return value.trim();
    },
  };
}
