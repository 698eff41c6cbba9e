// Vega-Lite spec -> Vega spec -> SVG text, in Node, with no canvas and no browser: Vega's headless
// View renders its scenegraph to an SVG string (renderer 'none' skips the DOM). Text widths are
// estimated without a canvas, identically on every machine, so the SVG is deterministic.
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vegaSpec = compile(spec).spec;
  // A loader that refuses everything: charts carry their data inline, and a report must never
  // reach out to the network (or the file system) while it is built.
  const loader = {
    load: () => Promise.reject(new Error('report charts load nothing')),
    sanitize: () => Promise.reject(new Error('report charts load nothing')),
    http: () => Promise.reject(new Error('report charts load nothing')),
    file: () => Promise.reject(new Error('report charts load nothing')),
  };
  const view = new View(parse(vegaSpec), { renderer: 'none', loader: loader as never });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
