// The chained block hashes the simulator gives a prompt (SimRequest's request block hasher, which
// hashes runs of synthetic tokens by their run and other blocks by their tokens).
import { SimRequest } from '../../src/scheduler/request.js';
import type { TokenContent } from '../../src/tokens/token-content.js';

export function promptBlockHashes(prompt: TokenContent, blockSize: number): readonly number[] {
  const request = new SimRequest({ index: 0, requestId: 'hashes', prompt, maxTokens: 1, arrivalTimeNs: 0, eosTokenId: 2 }, blockSize, true);
  return request.blockHashes;
}
