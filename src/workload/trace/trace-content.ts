// Token ids for replayed prompts. A trace records lengths, not text, but the prefix cache hashes
// token contents, so the replay synthesizes contents that share exactly what the trace says is
// shared (tokens.ts: the same key and position always give the same id):
//
//   no sharing:          |<------------- own content (the request's key) ------------->|
//   shared prefix group: |<-- group key, `tokens` long -->|<-- own content ----------->|
//   Mooncake hash ids:   |<-- id0: 512 -->|<-- id1: 512 -->| ... |<-- own: partial block -->|
//
// For Mooncake, the token at position p of a full 512-block is syntheticToken(key(hash_ids[p/512]),
// p mod 512): a function of the block's id and the offset inside it only. So two prompts whose first
// k ids agree have identical first k*512 tokens, and every vLLM block lying inside them hashes equal
// at ANY block_size, while the first block that crosses into differing content never does. A final
// partial 512-block, and tokens beyond the ids' coverage, are the request's own content: Mooncake
// hashes a partial block as a whole, so another request with the same id there has the same
// partial content, but we cannot tell which of its tokens a longer prompt continues.
import { traceBlockKey } from '../content-keys.js';
import { TokenContent } from '../../tokens/token-content.js';
import { MOONCAKE_BLOCK_TOKENS } from './mooncake.js';

export interface PromptLayout {
  readonly length: number;
  /** The request's own content key (traceContentKey). */
  readonly key: number;
  /** Content named by 512-token block (Mooncake). */
  readonly hashIds?: readonly number[];
  /** A shared prefix: `tokens` tokens of content `key`. */
  readonly prefix?: { readonly key: number; readonly tokens: number };
}

/** The prompt's token ids, laid out as above. */
export function tracePrompt(layout: PromptLayout): TokenContent {
  const { length, key } = layout;
  const parts: TokenContent[] = [];
  let shared = 0;
  if (layout.hashIds !== undefined) {
    const fullBlocks = Math.min(layout.hashIds.length, Math.floor(length / MOONCAKE_BLOCK_TOKENS));
    for (let b = 0; b < fullBlocks; b++) parts.push(TokenContent.run(traceBlockKey(layout.hashIds[b]!), 0, MOONCAKE_BLOCK_TOKENS));
    shared = fullBlocks * MOONCAKE_BLOCK_TOKENS;
  } else if (layout.prefix !== undefined) {
    shared = Math.min(layout.prefix.tokens, length);
    parts.push(TokenContent.run(layout.prefix.key, 0, shared));
  }
  parts.push(TokenContent.run(key, shared, length - shared));
  return TokenContent.concat(parts);
}
