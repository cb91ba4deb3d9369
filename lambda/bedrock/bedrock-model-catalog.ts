import {
  BedrockClient, FoundationModelSummary, InferenceProfileSummary, InferenceProfileType, ListFoundationModelsCommand, ListInferenceProfilesCommand,
} from '@aws-sdk/client-bedrock';
import { TtlCache } from '../ttl-cache';
import { ModelCatalog, ModelInfo } from './model-catalog';

const SERVED_OUTPUTS = ['TEXT', 'EMBEDDING'];
const SERVED_LIFECYCLES = ['ACTIVE', 'LEGACY'];

/**
 * The catalog from Bedrock's list APIs: foundation models with text or embedding output (ACTIVE or LEGACY) that
 * can be called on demand (profile-only ones are known but not listed), system-defined cross-region profiles
 * (`us.`, `eu.`, `apac.`, `global.` …) and application profiles (by ARN). Listed once per TTL by one caller at a
 * time; when a refresh fails the last list keeps being served.
 *
 * The catalog is for listing and capabilities only: chat does not reject ids it lacks (imported or provisioned
 * model ARNs, newly launched models), Bedrock has the last word on those.
 */
export class BedrockModelCatalog implements ModelCatalog {
  private readonly cache: TtlCache<ReadonlyMap<string, ModelInfo>>;

  constructor(private readonly client: BedrockClient, ttlMs: number) {
    this.cache = new TtlCache((signal) => this.load(signal), ttlMs, true);
  }

  async list(signal?: AbortSignal): Promise<readonly ModelInfo[]> {
    return [...(await this.cache.get(signal)).values()].filter((m) => !m.requiresProfile);
  }

  async find(id: string, signal?: AbortSignal): Promise<ModelInfo | undefined> {
    return (await this.cache.get(signal)).get(id);
  }

  private async load(abortSignal: AbortSignal): Promise<ReadonlyMap<string, ModelInfo>> {
    const [models, systemProfiles, applicationProfiles] = await Promise.all([
      this.client.send(new ListFoundationModelsCommand({}), { abortSignal }).then((out) => out.modelSummaries ?? []),
      this.listProfiles(InferenceProfileType.SYSTEM_DEFINED, abortSignal),
      this.listProfiles(InferenceProfileType.APPLICATION, abortSignal),
    ]);
    const listedAt = Math.floor(Date.now() / 1000);
    const served = models.filter((m) => SERVED_LIFECYCLES.includes(m.modelLifecycle?.status ?? 'ACTIVE')
      && (m.outputModalities ?? []).some((o) => SERVED_OUTPUTS.includes(o)));
    const byArn = new Map(served.map((m) => [m.modelArn, m]));
    const catalog = new Map<string, ModelInfo>();
    for (const m of served) {
      // Profile-only models cannot be called by their bare id; their profiles are listed instead.
      const requiresProfile = m.inferenceTypesSupported !== undefined && !m.inferenceTypesSupported.includes('ON_DEMAND');
      catalog.set(m.modelId!, { ...capabilities(m), id: m.modelId!, created: listedAt, ...(requiresProfile ? { requiresProfile } : {}) });
    }
    for (const p of [...systemProfiles, ...applicationProfiles]) {
      const model = (p.models ?? []).map((target) => byArn.get(target.modelArn)).find((found) => found !== undefined);
      if (!model || p.status !== 'ACTIVE') continue;
      const id = p.type === InferenceProfileType.APPLICATION ? p.inferenceProfileArn! : p.inferenceProfileId!;
      const created = p.createdAt ? Math.floor(p.createdAt.getTime() / 1000) : listedAt;
      catalog.set(id, { ...capabilities(model), id, created });
    }
    return catalog;
  }

  private async listProfiles(type: InferenceProfileType, abortSignal: AbortSignal): Promise<InferenceProfileSummary[]> {
    const profiles: InferenceProfileSummary[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.client.send(new ListInferenceProfilesCommand({ typeEquals: type, maxResults: 1000, nextToken }), { abortSignal });
      profiles.push(...(out.inferenceProfileSummaries ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    return profiles;
  }
}

function capabilities(m: FoundationModelSummary): Omit<ModelInfo, 'id'> {
  return {
    provider: m.providerName ?? 'unknown',
    inputModalities: m.inputModalities ?? ['TEXT'],
    outputModalities: m.outputModalities ?? ['TEXT'],
    streaming: m.responseStreamingSupported ?? false,
  };
}
