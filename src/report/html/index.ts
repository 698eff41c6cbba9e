// The HTML report of a sweep or a capacity search. The CLI imports this module only when --report
// is given: Vega and Vega-Lite take about a second to load, which every other command should not pay.
import type { CapacityEntry } from '../../sweep/capacity.js';
import type { SweepDocumentFrame } from '../../sweep/document.js';
import type { SweepEntry } from '../../sweep/sweep.js';
import { capacityReportModel, sweepReportModel, type SeriesOf } from './from-results.js';
import { renderReport } from './page.js';

export function renderSweepReport(frame: SweepDocumentFrame<SweepEntry>, series?: SeriesOf): Promise<string> {
  return renderReport(sweepReportModel(frame, series));
}

export function renderCapacityReport(frame: SweepDocumentFrame<CapacityEntry>, series?: SeriesOf): Promise<string> {
  return renderReport(capacityReportModel(frame, series));
}
