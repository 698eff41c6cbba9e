// Micro-benchmarks of the KV block path (issue 9): synthetic tokens, block hashing, the prefix
// cache's hash table, the block pool, and the KV cache manager driven like the BLIS anchor workload
// (1,000-token prompts, 200 decode steps, 26,312 usable blocks of 16 tokens, ~160 running).
// Usage: npm run build && node bench/micro-kv.mjs [FILTER] [--dist DIR]
// Each case runs ROUNDS rounds after a warm-up and reports the best one (the machine is shared).
//
// The simulator around the KV layer allocates tens of KiB per request (prompts, outputs, step
// records); that streams through the CPU caches and evicts the pool's records and hash table
// between KV calls, so in a real run most KV accesses are cache misses. The "under cache pressure"
// cases emulate that by writing POLLUTE_BYTES of a large scratch array per request (pool) or per
// decode step (manager); "pollution alone" is that cost by itself, to subtract.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const distAt = args.indexOf('--dist');
const distDir = distAt >= 0 ? resolve(args.splice(distAt, 2)[1]) : new URL('../dist/', import.meta.url).pathname;
const filter = args[0] ?? '';
const load = (path) => import(pathToFileURL(`${distDir}/${path}`).href);
const { hashBlock, hashRunBlock, NONE_HASH } = await load('kv/block-hash.js');
const { BlockHashTable } = await load('kv/block-hash-table.js');
const { BlockPool } = await load('kv/block-pool.js');
const { KvCacheManager } = await load('kv/kv-cache-manager.js');
const { syntheticToken } = await load('tokens/synthetic.js');

/** Writes `length` synthetic tokens of content `key` from `position` on into `out` at `offset`. */
function fillSyntheticTokens(out, offset, key, position, length) {
  for (let i = 0; i < length; i++) out[offset + i] = syntheticToken(key, position + i);
}

const BLOCK_SIZE = 16;
const NUM_GPU_BLOCKS = 26313;
const PROMPT = 1000;
const OUTPUT = 200;
const ROUNDS = 15;
const POLLUTE_BYTES = 32 * 1024;

let sink = 0;
const scratch = new Int32Array((64 * 1024 * 1024) / 4);
let scratchAt = 0;

function pollute() {
  const end = scratchAt + POLLUTE_BYTES / 4;
  for (let i = scratchAt; i < end; i++) scratch[i] = i;
  scratchAt = end >= scratch.length ? 0 : end;
}

/** `setup()` returns a round: a function returning the units it did, or {units, ns} if it times itself. */
function bench(name, unit, setup) {
  if (!name.includes(filter)) return;
  const run = setup();
  run(); // warm-up (and JIT)
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    const result = run();
    const ns = Number(process.hrtime.bigint() - start);
    best = Math.min(best, typeof result === 'object' ? result.ns / result.units : ns / result);
  }
  console.log(`${name.padEnd(60)} ${best.toFixed(1).padStart(9)} ns/${unit}`);
}

bench('syntheticToken via fillSyntheticTokens (1000-token prompt)', 'token', () => {
  const out = new Int32Array(PROMPT);
  return () => {
    const n = 20000;
    for (let k = 0; k < n; k++) fillSyntheticTokens(out, 0, k, 0, PROMPT);
    sink ^= out[7];
    return n * PROMPT;
  };
});

bench('hashRunBlock, chained 16-token blocks of one run', 'block', () => {
  const blocks = (PROMPT * 64) / BLOCK_SIZE;
  return () => {
    let parent = NONE_HASH;
    for (let rep = 0; rep < 20; rep++) {
      for (let j = 0; j < blocks; j++) parent = hashRunBlock(parent, 12345, j * BLOCK_SIZE, BLOCK_SIZE);
    }
    sink += parent;
    return 20 * blocks;
  };
});

bench('hashBlock, chained 16-token blocks of an Int32Array', 'block', () => {
  const tokens = new Int32Array(PROMPT * 64);
  fillSyntheticTokens(tokens, 0, 12345, 0, tokens.length);
  const blocks = Math.floor(tokens.length / BLOCK_SIZE);
  return () => {
    let parent = NONE_HASH;
    for (let rep = 0; rep < 20; rep++) {
      for (let j = 0; j < blocks; j++) parent = hashBlock(parent, tokens, j * BLOCK_SIZE, (j + 1) * BLOCK_SIZE);
    }
    sink += parent;
    return 20 * blocks;
  };
});

/** Chained hashes of `n` distinct one-token-different blocks. */
function distinctHashes(n) {
  const tok = new Int32Array(BLOCK_SIZE);
  const out = new Float64Array(n);
  let parent = NONE_HASH;
  for (let i = 0; i < n; i++) {
    tok[0] = i;
    out[i] = parent = hashBlock(parent, tok, 0, BLOCK_SIZE);
  }
  return out;
}

bench('BlockHashTable insert + remove (26k live entries, FIFO)', 'pair', () => {
  const table = new BlockHashTable(NUM_GPU_BLOCKS);
  const live = NUM_GPU_BLOCKS - 1;
  const hashes = distinctHashes(live + 400000);
  const ring = hashes.slice(0, live);
  for (let i = 0; i < live; i++) table.insert(ring[i], i + 1);
  let at = 0;
  let f = live;
  return () => {
    const n = 200000;
    for (let i = 0; i < n; i++) {
      table.remove(ring[at], at + 1);
      const h = hashes[f];
      f = f + 1 === hashes.length ? live : f + 1;
      table.insert(h, at + 1);
      ring[at] = h;
      at = at + 1 === live ? 0 : at + 1;
    }
    return n;
  };
});

/**
 * Requests of 76 blocks (63 prompt + 13 decode) cycling through the pool, 160 live at a time: every
 * block is allocated (evicting its previous hash), registered, freed tail first, and later reused
 * in LRU order, as in the BLIS anchor run.
 */
function poolCase(pressure) {
  const PER = 76;
  const LIVE = 160;
  const REQUESTS = 3000;
  return () => {
    const pool = new BlockPool(NUM_GPU_BLOCKS, true);
    const hashes = distinctHashes(2 * REQUESTS * PER); // precomputed: only the pool is timed
    const tables = [];
    let next = 0;
    return () => {
      for (let r = 0; r < REQUESTS; r++) {
        if (tables.length === LIVE) {
          const old = tables.shift();
          for (let i = old.length - 1; i >= 0; i--) pool.freeBlock(old[i]);
        }
        const blockHashes = Array.from(hashes.subarray(next, next + PER));
        next = next + PER === hashes.length ? 0 : next + PER;
        const ids = pool.getNewBlocks(PER);
        pool.cacheFullBlocks(ids, blockHashes, 0, PER);
        tables.push(ids);
        if (pressure) pollute();
      }
      return REQUESTS * PER;
    };
  };
}

bench('BlockPool getNewBlocks + cacheFullBlocks + freeBlock', 'block', poolCase(false));
bench('  the same under cache pressure', 'block', poolCase(true));
bench('  pollution alone, per block of the case above', 'block', () => () => {
  for (let r = 0; r < 3000; r++) pollute();
  return 3000 * 76;
});

/** A KvRequestView with precomputed chained hashes over synthetic content. */
class Req {
  constructor(index, key) {
    this.index = index;
    this.numComputedTokens = 0;
    this.numTokens = PROMPT;
    this.numPreemptions = 0;
    this.skipReadingPrefixCache = false;
    this.firstPrivateBlock = Infinity;
    const tokens = new Int32Array(PROMPT + OUTPUT);
    fillSyntheticTokens(tokens, 0, key, 0, tokens.length);
    this.allHashes = [];
    let parent = NONE_HASH;
    for (let j = 0; (j + 1) * BLOCK_SIZE <= tokens.length; j++) {
      this.allHashes.push((parent = hashBlock(parent, tokens, j * BLOCK_SIZE, (j + 1) * BLOCK_SIZE)));
    }
    this.blockHashes = this.allHashes.slice(0, Math.floor(PROMPT / BLOCK_SIZE));
  }

  appendToken() {
    this.numTokens++;
    if (this.numTokens % BLOCK_SIZE === 0) this.blockHashes.push(this.allHashes[this.blockHashes.length]);
  }
}

/** 2000 requests through a manager: admission (prefill in one chunk), 200 decode steps, free. */
function managerRound(pressure) {
  const kv = new KvCacheManager({ numGpuBlocks: NUM_GPU_BLOCKS, blockSize: BLOCK_SIZE, maxModelLen: 4096, enablePrefixCaching: true });
  const reqs = [];
  for (let i = 0; i < 2000; i++) reqs.push(new Req(i, i)); // built before timing
  const start = process.hrtime.bigint();
  const running = [];
  let next = 0;
  while (next < reqs.length || running.length > 0) {
    while (running.length < 160 && next < reqs.length) {
      const req = reqs[next++];
      const hit = kv.getComputedBlocks(req);
      if (kv.allocateSlots(req, req.numTokens - hit.numHitTokens, hit.numHitTokens, hit.blocks) === null) throw new Error('no room');
      req.numComputedTokens = req.numTokens;
      running.push(req);
    }
    for (let i = 0; i < running.length; i++) {
      const req = running[i];
      req.appendToken();
      if (kv.allocateSlots(req, 1) === null) throw new Error('no room');
      req.numComputedTokens++;
    }
    if (pressure) pollute();
    for (let i = running.length - 1; i >= 0; i--) {
      if (running[i].numTokens >= PROMPT + OUTPUT) {
        kv.free(running[i]);
        running.splice(i, 1);
      }
    }
  }
  return { units: reqs.length, ns: Number(process.hrtime.bigint() - start) };
}

bench('KvCacheManager lifecycle: admit + 200 decodes + free', 'request', () => () => managerRound(false));
bench('  the same under cache pressure (32 KiB per step)', 'request', () => () => managerRound(true));

if (sink === 0.5) console.log(sink);
