import { describe, expect, it } from 'vitest';
import { NS_PER_MS, NS_PER_S } from '../../src/engine/time.js';
import { hashBlock, NONE_HASH } from '../../src/kv/block-hash.js';
import { explicitRequestList, explicitRequests, explicitRequestSchema } from '../../src/workload/explicit.js';

function parse(list: unknown[]) {
  return explicitRequestList.parse(list);
}

describe('explicitRequestSchema', () => {
  it('parses the contract example', () => {
    const specs = explicitRequests(
      parse([
        { id: 'A', arrival: 0, prompt_tokens: 80, max_tokens: 3 },
        { id: 'B', arrival: 0.5, prompt_tokens: 80, max_tokens: 3, output_tokens: 2, priority: 0 },
      ]),
    );
    expect(specs.map((s) => [s.id, s.arrivalNs, s.prompt.length, s.maxTokens, s.outputTokens, s.priority])).toEqual([
      ['A', 0, 80, 3, undefined, 0],
      ['B', 0.5 * NS_PER_S, 80, 3, 2, 0],
    ]);
  });

  it('converts durations to ns and applies defaults', () => {
    const [spec] = explicitRequests(parse([{ arrival: '250ms', prompt: [5, 6, 7], max_tokens: 4, abort_at: '2s' }]));
    expect(spec).toMatchObject({ arrivalNs: 250 * NS_PER_MS, abortAtNs: 2 * NS_PER_S, priority: 0, endpoint: 'chat', stream: true });
    expect(spec!.id).toBeUndefined();
    expect(Array.from(spec!.prompt.toArray())).toEqual([5, 6, 7]);
  });

  it('takes endpoint and stream per request, else from the given api defaults', () => {
    const list = parse([
      { arrival: 0, prompt_tokens: 1, max_tokens: 1 },
      { arrival: 0, prompt_tokens: 1, max_tokens: 1, endpoint: 'chat', stream: true },
    ]);
    const specs = explicitRequests(list, { endpoint: 'completions', stream: false });
    expect(specs.map((s) => [s.endpoint, s.stream])).toEqual([
      ['completions', false],
      ['chat', true],
    ]);
  });

  it('accepts integer ids as strings', () => {
    expect(explicitRequests(parse([{ id: 7, arrival: 0, prompt_tokens: 1, max_tokens: 1 }]))[0]!.id).toBe('7');
  });

  it.each([
    ['both prompt and prompt_tokens', { arrival: 0, prompt_tokens: 3, prompt: [1, 2, 3], max_tokens: 1 }, ['prompt']],
    ['neither prompt nor prompt_tokens', { arrival: 0, max_tokens: 1 }, ['prompt_tokens']],
    ['no max_tokens', { arrival: 0, prompt_tokens: 3 }, ['max_tokens']],
    ['max_tokens 0', { arrival: 0, prompt_tokens: 3, max_tokens: 0 }, ['max_tokens']],
    ['a negative arrival', { arrival: -1, prompt_tokens: 3, max_tokens: 1 }, ['arrival']],
    ['an empty prompt', { arrival: 0, prompt: [], max_tokens: 1 }, ['prompt']],
    ['a token id beyond int32', { arrival: 0, prompt: [2 ** 31], max_tokens: 1 }, ['prompt', 0]],
    ['abort_at before arrival', { arrival: 2, prompt_tokens: 3, max_tokens: 1, abort_at: 1 }, ['abort_at']],
    ['an unknown endpoint', { arrival: 0, prompt_tokens: 3, max_tokens: 1, endpoint: 'embeddings' }, ['endpoint']],
    ['an unknown key', { arrival: 0, prompt_tokens: 3, max_tokens: 1, temperature: 0.7 }, []],
  ])('rejects %s', (_what, input, path) => {
    const result = explicitRequestSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });

  it('rejects duplicate ids, pointing at the duplicate', () => {
    const result = explicitRequestList.safeParse([
      { id: 'A', arrival: 0, prompt_tokens: 1, max_tokens: 1 },
      { id: 'B', arrival: 0, prompt_tokens: 1, max_tokens: 1 },
      { id: 'A', arrival: 1, prompt_tokens: 1, max_tokens: 1 },
    ]);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.path).toEqual([2, 'id']);
    expect(result.error?.issues[0]?.message).toMatch(/duplicate request id "A"/);
  });
});

describe('explicitRequests', () => {
  it('sorts by arrival, keeping file order on ties', () => {
    const specs = explicitRequests(
      parse([
        { id: 'late', arrival: 3, prompt_tokens: 1, max_tokens: 1 },
        { id: 'tie1', arrival: 1, prompt_tokens: 1, max_tokens: 1 },
        { id: 'early', arrival: 0.5, prompt_tokens: 1, max_tokens: 1 },
        { id: 'tie2', arrival: '1000ms', prompt_tokens: 1, max_tokens: 1 },
        { id: 'tie3', arrival: 1, prompt_tokens: 1, max_tokens: 1 },
      ]),
    );
    expect(specs.map((s) => s.id)).toEqual(['early', 'tie1', 'tie2', 'tie3', 'late']);
  });

  it('gives requests by prompt_tokens distinct content and content keys', () => {
    const list = parse(Array.from({ length: 200 }, (_, i) => ({ arrival: i, prompt_tokens: 32, max_tokens: 1 })));
    const specs = explicitRequests(list);
    expect(new Set(specs.map((s) => s.contentKey)).size).toBe(200);
    const firstBlocks = specs.map((s) => hashBlock(NONE_HASH, s.prompt.toArray(), 0, 16));
    expect(new Set(firstBlocks).size).toBe(200);
  });

  it('keeps explicit prompts as given, so equal prompts share blocks', () => {
    const prompt = Array.from({ length: 32 }, (_, i) => 1000 + i);
    const specs = explicitRequests(parse([
      { arrival: 0, prompt, max_tokens: 1 },
      { arrival: 1, prompt: [...prompt, 5], max_tokens: 1 },
    ]));
    expect(hashBlock(NONE_HASH, specs[0]!.prompt.toArray(), 0, 16)).toBe(hashBlock(NONE_HASH, specs[1]!.prompt.toArray(), 0, 16));
    expect(specs[0]!.contentKey).not.toBe(specs[1]!.contentKey);
  });

  it('is the same on every call (no hidden state)', () => {
    const list = parse([{ arrival: 0, prompt_tokens: 20, max_tokens: 1 }, { arrival: 0, prompt_tokens: 20, max_tokens: 1 }]);
    expect(explicitRequests(list)).toEqual(explicitRequests(list));
  });
});
