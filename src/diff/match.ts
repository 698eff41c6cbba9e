// Pairs the spans of two traces by what they are: llm_request by its request, llm_core by its
// parent's request, scheduler_steps_<n> by name (its sequence number), anything else by scope, name
// and occurrence. Ids never pair spans: two runs with different seeds have different ids throughout.
import type { TraceSpan } from './model.js';
import type { RequestIdentity, SpanRole, TraceIndex } from './normalise.js';

export interface SpanPair {
  readonly role: SpanRole;
  /** The span name (EXPECTED's, or ACTUAL's for a span only ACTUAL has). */
  readonly name: string;
  readonly expected?: TraceSpan;
  readonly actual?: TraceSpan;
  readonly expectedRequest?: RequestIdentity;
  readonly actualRequest?: RequestIdentity;
}

const ROLES_OF: Record<'journeys' | 'steps', readonly SpanRole[]> = { journeys: ['request', 'core'], steps: ['steps'] };

function keyed(index: TraceIndex, only: 'journeys' | 'steps' | undefined): Map<string, TraceSpan> {
  const out = new Map<string, TraceSpan>();
  for (const span of index.trace.spans) {
    const role = index.roles[span.index]!;
    if (only !== undefined && !ROLES_OF[only].includes(role)) continue;
    const request = index.requestOfSpan.get(span.index);
    const base = request !== undefined ? `${role} ${request.key}` : role === 'steps' ? `steps ${span.name}` : `${span.scope} ${span.name}`;
    let key = base;
    for (let n = 2; out.has(key); n++) key = `${base} #${n}`;
    out.set(key, span);
  }
  return out;
}

/** Every pair, in EXPECTED's file order, then the spans only ACTUAL has, in its file order. */
export function pairSpans(expected: TraceIndex, actual: TraceIndex, only?: 'journeys' | 'steps'): SpanPair[] {
  const left = keyed(expected, only);
  const right = keyed(actual, only);
  const pairs: SpanPair[] = [];
  const pair = (e: TraceSpan | undefined, a: TraceSpan | undefined): SpanPair => {
    const span = (e ?? a)!;
    const index = e !== undefined ? expected : actual;
    const out: { -readonly [K in keyof SpanPair]: SpanPair[K] } = { role: index.roles[span.index]!, name: span.name };
    if (e !== undefined) {
      out.expected = e;
      out.expectedRequest = expected.requestOfSpan.get(e.index);
    }
    if (a !== undefined) {
      out.actual = a;
      out.actualRequest = actual.requestOfSpan.get(a.index);
    }
    return out;
  };
  for (const [key, span] of left) pairs.push(pair(span, right.get(key)));
  for (const [key, span] of right) if (!left.has(key)) pairs.push(pair(undefined, span));
  return pairs;
}
