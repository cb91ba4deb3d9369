import { ContentBlock, ConverseResponse } from '@aws-sdk/client-bedrock-runtime';
import { OpenAIError } from '../errors';
import { CompactionItem, newId } from './response-object';
import { seal, unseal } from './sealed';

/**
 * What the model is asked when a client compacts its conversation: a `compaction_trigger` item last in `input` (Codex
 * CLI's server-side compaction) or `POST /responses/compact`. The summary replaces the history it covers.
 */
export const COMPACTION_PROMPT = 'Summarize the conversation so far as a handover: whoever continues from your summary alone must be able to '
  + 'carry on the work. Include the goals and constraints, decisions and their reasons, the files, commands and results that matter, '
  + 'what is done and what remains. Answer with the summary only.';

/** A summary as the `compaction` item that carries it: in `encrypted_content`, as this gateway writes it. */
export function compactionItem(output: ConverseResponse): CompactionItem {
  const summary = (output.output?.message?.content ?? []).map((block) => block.text ?? '').join('');
  return { id: newId('cmp'), type: 'compaction', encrypted_content: seal({ v: 1, summary }) };
}

/** What a `compaction` item stands for in a conversation: its summary; a 400 naming `param` for one this gateway did not write. */
export function compactedHistory(encrypted: unknown, param: string): ContentBlock[] {
  const sealed = unseal(encrypted);
  if (typeof sealed?.summary !== 'string') {
    throw OpenAIError.invalidRequest('encrypted_content is not a compaction this gateway produced; send the compaction item as the gateway returned it', param);
  }
  return [{ text: `Summary of the conversation before this point:\n${sealed.summary}` }];
}
