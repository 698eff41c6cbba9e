// Locations in the user's terms: "request chatcmpl-A, llm_core, journey.SCHEDULED #2, attribute
// num_preemptions", or "scheduler_steps_1, step 4, step.REQUEST_SNAPSHOT of chatcmpl-B".
import type { Location } from './model.js';

/** An event by name, with its occurrence (#2) and, for step events, its step and request. */
export function describeEvent(location: Pick<Location, 'event' | 'occurrence' | 'step' | 'eventRequest'>): string {
  let out = location.event ?? '';
  if (location.occurrence !== undefined) out += ` #${location.occurrence}`;
  if (location.eventRequest !== undefined) out += ` of ${location.eventRequest}`;
  return out;
}

export function describeLocation(location: Location): string {
  const parts: string[] = [];
  if (location.resource !== undefined) parts.push(`resource ${location.resource}`);
  if (location.request !== undefined) {
    const actual = location.actualRequest !== undefined ? ` (ACTUAL ${location.actualRequest})` : '';
    parts.push(`request ${location.request}${actual}`);
  }
  if (location.span !== undefined) parts.push(location.span);
  if (location.step !== undefined) parts.push(`step ${location.step}`);
  if (location.event !== undefined) parts.push(describeEvent(location));
  if (location.attribute !== undefined) {
    const owner = location.event !== undefined ? 'event' : location.span !== undefined ? 'span' : 'resource';
    parts.push(location.field === true ? `${owner} ${location.attribute}` : `attribute ${location.attribute}`);
  }
  return parts.join(', ');
}
