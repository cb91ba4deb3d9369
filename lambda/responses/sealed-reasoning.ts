import { ReasoningContentBlock } from '@aws-sdk/client-bedrock-runtime';
import { OpenAIError } from '../errors';
import { seal, unseal } from './sealed';

/**
 * A Bedrock reasoning block carried in a reasoning item's `encrypted_content`, so that a client keeping no server
 * state (Codex's `store: false`, the Agents SDK resending history) gives back the signed block that thinking Claude
 * needs with its earlier tool calls. The text is the one the client already got as the summary; the signature and
 * redacted content are Bedrock's own opaque values, which the model checks.
 */
interface Sealed {
  readonly v: 1;
  readonly text?: string;
  readonly signature?: string;
  /** redactedContent, base64. */
  readonly redacted?: string;
}

export function sealReasoning(block: ReasoningContentBlock): string {
  const sealed: Sealed = block.redactedContent
    ? { v: 1, redacted: Buffer.from(block.redactedContent).toString('base64') }
    : { v: 1, text: block.reasoningText?.text ?? '', signature: block.reasoningText?.signature };
  return seal(sealed);
}

/** The Bedrock reasoning block of an `encrypted_content` this gateway produced; a 400 naming `param` otherwise. */
export function openReasoning(encrypted: string, param: string): ReasoningContentBlock {
  const sealed = unseal(encrypted) as Sealed | undefined;
  if (!sealed) {
    throw OpenAIError.invalidRequest('encrypted_content is not reasoning this gateway produced; send the reasoning item as the gateway returned it, or leave it out', param);
  }
  if (sealed.redacted !== undefined) return { redactedContent: Buffer.from(sealed.redacted, 'base64') };
  return { reasoningText: { text: sealed.text ?? '', ...(sealed.signature ? { signature: sealed.signature } : {}) } };
}
