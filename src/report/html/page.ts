// The report as one self-contained HTML file: inline CSS, charts as inline SVG, no script, no font,
// no image, no link. A Content-Security-Policy that forbids every fetch makes "offline" checkable:
// anything that tried to load would show as an error in the browser's console.
import { renderSvg } from './render.js';
import type { ReportModel, ReportSection } from './from-results.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: .5rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .3rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; font-size: .9rem; }
dl.facts dt { font-weight: 600; color: #555; }
dl.facts dd { margin: 0; }
p.text { color: #444; font-size: .9rem; max-width: 70ch; }
figure { margin: .5rem 0; overflow-x: auto; }
table { border-collapse: collapse; font-size: .8rem; font-variant-numeric: tabular-nums; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; }
th { background: #f6f6f6; }
`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function tableHtml(table: NonNullable<ReportSection['table']>): string {
  const row = (cells: readonly string[], tag: 'th' | 'td') => `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  return `<table><thead>${row(table.header, 'th')}</thead><tbody>${table.rows.map((r) => row(r, 'td')).join('\n')}</tbody></table>`;
}

async function sectionHtml(section: ReportSection, index: number): Promise<string> {
  const parts = [`<section id="s${index}">`, `<h2>${escapeHtml(section.title)}</h2>`, `<p class="text">${escapeHtml(section.text)}</p>`];
  if (section.chart !== undefined) parts.push(`<figure class="chart" aria-label="${escapeHtml(section.title)}">${await renderSvg(section.chart)}</figure>`);
  if (section.table !== undefined) parts.push(tableHtml(section.table));
  parts.push('</section>');
  return parts.join('\n');
}

/** The whole page. Deterministic: the same model gives the same bytes. */
export async function renderReport(model: ReportModel): Promise<string> {
  const sections: string[] = [];
  // One chart at a time: Vega views are heavy, and the order of the page is the order of the model.
  for (const [i, section] of model.sections.entries()) sections.push(await sectionHtml(section, i));
  const facts = model.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(model.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(model.title)}</h1>
<dl class="facts">
${facts}
</dl>
${sections.join('\n')}
<footer><p class="text">Made by simtrace, a deterministic simulator of the vLLM v1 scheduler: the same command gives the same page.</p></footer>
</body>
</html>
`;
}
