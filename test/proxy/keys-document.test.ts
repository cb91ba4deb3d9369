import { describe, expect, test } from 'vitest';
import { OpenAIError } from '../../lambda/errors';
import { KeysDocument, KeysDocumentError, parseKeysDocument } from '../../lambda/keys/keys-document';
import { KeysDocumentVerifier } from '../../lambda/keys/keys-document-verifier';

describe('parseKeysDocument', () => {
  test('reads every field; key values inline, in a secret (field api_key by default) or in a parameter', () => {
    const doc = parseKeysDocument(JSON.stringify({
      keys: [
        {
          name: 'search-team',
          key: 'sk-search',
          models: ['anthropic.claude-3-haiku-20240307-v1:0'],
          limits: { requestsPerMinute: 60, tokensPerMinute: 100000, tokensPerMonth: 50000000, maxConcurrentRequests: 8 },
          disabled: false,
          inferenceProfiles: { 'anthropic.claude-3-haiku-20240307-v1:0': 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc' },
        },
        { name: 'ops', secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ops-AbCdEf' },
        { name: 'data', secretArn: 'arn:s', secretField: 'value', disabled: true },
        { name: 'ml', parameterName: '/gw/keys/ml' },
      ],
    }));
    expect(doc.keys).toEqual([
      {
        name: 'search-team',
        value: { kind: 'inline', value: 'sk-search' },
        models: ['anthropic.claude-3-haiku-20240307-v1:0'],
        limits: { requestsPerMinute: 60, tokensPerMinute: 100000, tokensPerMonth: 50000000, maxConcurrentRequests: 8 },
        disabled: false,
        inferenceProfiles: { 'anthropic.claude-3-haiku-20240307-v1:0': 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc' },
      },
      { name: 'ops', value: { kind: 'secret', secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ops-AbCdEf', field: 'api_key' }, disabled: false },
      { name: 'data', value: { kind: 'secret', secretId: 'arn:s', field: 'value' }, disabled: true },
      { name: 'ml', value: { kind: 'parameter', name: '/gw/keys/ml' }, disabled: false },
    ]);
  });

  test.each([
    ['not JSON', '{keys:', 'keys document: not valid JSON; expected {"keys":[{"name":"…","key":"…"}]}'],
    ['no keys array', { key: [] }, 'keys document: must be a JSON object with a "keys" array; expected {"keys":[{"name":"…","key":"…"}]}'],
    ['an unknown top-level field', { keys: [{ name: 'a', key: 'k' }], version: 1 }, 'keys document: unknown field "version"; only "keys" is allowed'],
    ['no keys', { keys: [] }, 'keys document: "keys" is empty; list at least one key'],
    ['a bad name', { keys: [{ name: 'has space', key: 'k' }] }, 'keys[0].name: must be 1–64 letters, digits, ".", "_" or "-"; received "has space"'],
    ['no value', { keys: [{ name: 'a' }] }, 'keys[0] ("a"): set exactly one of "key", "secretArn" or "parameterName"; none is set'],
    ['two values', { keys: [{ name: 'a', key: 'k', parameterName: '/p' }] }, 'keys[0] ("a"): set exactly one of "key", "secretArn" or "parameterName"; key and parameterName are set'],
    ['an empty key', { keys: [{ name: 'a', key: '' }] }, 'keys[0] ("a").key: must be a non-empty string without surrounding spaces'],
    ['secretField without a secret', { keys: [{ name: 'a', key: 'k', secretField: 'f' }] }, 'keys[0] ("a").secretField: only applies with "secretArn"'],
    ['a misspelt field', { keys: [{ name: 'a', key: 'k', model: ['m'] }] }, 'keys[0] ("a"): unknown field "model"; allowed: name, key, secretArn, secretField, parameterName, models, limits, disabled, inferenceProfiles'],
    ['models not a list', { keys: [{ name: 'a', key: 'k', models: 'm' }] }, 'keys[0] ("a").models: must be an array of Bedrock model ids; received "m"'],
    ['a misspelt limit', { keys: [{ name: 'a', key: 'k', limits: { rpm: 1 } }] }, 'keys[0] ("a").limits: unknown field "rpm"; allowed: requestsPerMinute, tokensPerMinute, tokensPerMonth, maxConcurrentRequests'],
    ['a fractional limit', { keys: [{ name: 'a', key: 'k', limits: { tokensPerMonth: 1.5 } }] }, 'keys[0] ("a").limits.tokensPerMonth: must be a positive integer; received 1.5'],
    ['disabled as a string', { keys: [{ name: 'a', key: 'k', disabled: 'yes' }] }, 'keys[0] ("a").disabled: must be true or false; received "yes"'],
    ['a profile that is no ARN', { keys: [{ name: 'a', key: 'k', inferenceProfiles: { m: 'profile' } }] }, 'keys[0] ("a").inferenceProfiles: must map Bedrock model ids to application inference profile ARNs; received {"m":"profile"}'],
    ['a repeated name', { keys: [{ name: 'a', key: 'k1' }, { name: 'a', key: 'k2' }] }, 'keys[1] ("a").name: another key has this name; names must be unique'],
    ['a repeated key value', { keys: [{ name: 'a', key: 'k1' }, { name: 'b', key: 'k1' }] }, 'keys "a" and "b": both have the same key value; give each its own'],
  ])('refuses %s, naming the key and the field', (_case, input, message) => {
    expect(() => parseKeysDocument(typeof input === 'string' ? input : JSON.stringify(input))).toThrow(new KeysDocumentError(message));
  });

  test('an error never repeats a key value', () => {
    const secret = 'sk-this-must-not-appear ';
    const err = (() => {
      try {
        parseKeysDocument({ keys: [{ name: 'a', key: secret }] });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err?.message).toBe('keys[0] ("a").key: must be a non-empty string without surrounding spaces');
  });
});

describe('KeysDocumentVerifier', () => {
  const doc = (keys: object[]): KeysDocument => parseKeysDocument({ keys });

  test('finds the caller of any enabled key; a disabled or unknown key is no caller', async () => {
    const verifier = new KeysDocumentVerifier({
      document: async () => doc([
        { name: 'a', key: 'sk-a', models: ['m1'], limits: { requestsPerMinute: 5 } },
        { name: 'b', parameterName: '/b' },
        { name: 'off', key: 'sk-off', disabled: true },
      ]),
      keyValue: async (source) => (source.kind === 'inline' ? source.value : 'sk-b-from-store'),
    }, 60_000, () => undefined);
    expect(await verifier.verify('sk-a')).toEqual({ name: 'a', models: ['m1'], limits: { requestsPerMinute: 5 } });
    expect(await verifier.verify('sk-b-from-store')).toEqual({ name: 'b' });
    expect(await verifier.verify('sk-off')).toBeUndefined();
    expect(await verifier.verify('sk-unknown')).toBeUndefined();
  });

  test('a failed refresh keeps the last good keys and reports why; with none ever loaded it is a 500', async () => {
    let now = 0;
    let current: () => KeysDocument = () => { throw new KeysDocumentError('keys document: not valid JSON'); };
    const problems: string[] = [];
    const verifier = new KeysDocumentVerifier({
      document: async () => current(),
      keyValue: async (source) => {
        if (source.kind !== 'inline') throw Object.assign(new Error('Secrets Manager can\'t find the specified secret.'), { name: 'ResourceNotFoundException' });
        return source.value;
      },
    }, 1000, (err) => problems.push((err as Error).message), () => now);

    const never = await verifier.verify('sk-a').catch((e) => e);
    expect(never).toBeInstanceOf(OpenAIError);
    expect(never).toMatchObject({ status: 500, code: 'api_key_unavailable' });

    current = () => doc([{ name: 'a', key: 'sk-a' }]);
    expect(await verifier.verify('sk-a')).toEqual({ name: 'a' });

    now = 1000;
    current = () => doc([{ name: 'a', key: 'sk-a' }, { name: 'b', secretArn: 'arn:missing' }]);
    expect(await verifier.verify('sk-a')).toEqual({ name: 'a' });
    expect(problems.at(-1)).toBe('key "b": its value could not be read (ResourceNotFoundException: Secrets Manager can\'t find the specified secret.)');

    now = 2000;
    current = () => doc([{ name: 'a', key: 'sk-a2' }]);
    expect(await verifier.verify('sk-a')).toBeUndefined();
    expect(await verifier.verify('sk-a2')).toEqual({ name: 'a' });
    expect(problems).toHaveLength(2);
  });

  test('two keys whose stored values are the same are refused as a document', async () => {
    const problems: string[] = [];
    const verifier = new KeysDocumentVerifier({
      document: async () => doc([{ name: 'a', parameterName: '/a' }, { name: 'b', parameterName: '/b' }]),
      keyValue: async () => 'sk-same',
    }, 1000, (err) => problems.push((err as Error).message));
    expect(await verifier.verify('sk-same').catch((e) => e.code)).toBe('api_key_unavailable');
    expect(problems).toEqual(['keys "a" and "b": both have the same key value; give each its own']);
  });
});
