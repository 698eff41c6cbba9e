// Builds journey records (spec C.4) from a request's state at the moment of the event.
import type { FinishStatus, JourneyEventType, JourneyRecord, ScheduleKind } from '../trace/records.js';
import type { SimRequest } from './request.js';

export function journeyRecord(
  request: SimRequest,
  type: JourneyEventType,
  step: number,
  timeNs: number,
  extra?: { scheduleKind?: ScheduleKind; finishStatus?: FinishStatus },
): JourneyRecord {
  const numOutputTokens = request.numOutputTokens;
  return {
    type,
    timeNs,
    step,
    phase: type === 'QUEUED' ? 'WAITING' : numOutputTokens === 0 ? 'PREFILL' : 'DECODE',
    prefillDoneTokens: Math.min(request.prefillHiwater, request.numPromptTokens),
    prefillTotalTokens: request.numPromptTokens,
    decodeDoneTokens: numOutputTokens,
    decodeMaxTokens: request.maxTokens,
    numPreemptions: request.numPreemptions,
    ...(extra?.scheduleKind !== undefined ? { scheduleKind: extra.scheduleKind } : {}),
    ...(extra?.finishStatus !== undefined ? { finishStatus: extra.finishStatus } : {}),
  };
}
