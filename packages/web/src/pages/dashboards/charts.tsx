import { useId } from 'react';

/** One bar or one segment: its label, value and tone (a CSS class). */
export interface Datum {
  label: string;
  value: number;
  tone: 'bad' | 'warn' | 'good' | 'info' | 'brand' | 'muted';
}

/**
 * A horizontal bar chart drawn in SVG, with a title and a summary as its accessible name (`role="img"`); the
 * page shows the same figures as a table beside it.
 */
export function BarChart({ title, data, summary }: { title: string; data: Datum[]; summary: string }) {
  const id = useId();
  const max = Math.max(1, ...data.map((d) => d.value));
  const row = 40;
  const labelW = 110;
  const width = 400;
  const barW = width - labelW - 44;
  const height = data.length * row;
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-labelledby={`${id}-t ${id}-d`}
      preserveAspectRatio="xMinYMin meet"
    >
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{summary}</desc>
      {data.map((d, i) => {
        const w = d.value === 0 ? 0 : Math.max(4, (d.value / max) * barW);
        const y = i * row;
        return (
          <g key={d.label} transform={`translate(0 ${y})`}>
            <text x={0} y={row / 2 + 5} className="chart-label">
              {d.label}
            </text>
            <rect x={labelW} y={8} width={barW} height={row - 16} rx={5} className="chart-track" />
            <rect
              x={labelW}
              y={8}
              width={w}
              height={row - 16}
              rx={5}
              className={`chart-bar tone-${d.tone}`}
            />
            <text x={labelW + w + 8} y={row / 2 + 5} className="chart-value">
              {d.value}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Vertical columns (one per month, say), each stacked from series; the legend names the series. */
export function ColumnChart({
  title,
  summary,
  columns,
  series,
}: {
  title: string;
  summary: string;
  columns: { label: string; values: number[] }[];
  series: { label: string; tone: Datum['tone'] }[];
}) {
  const id = useId();
  const width = 420;
  const height = 190;
  const top = 16;
  const bottom = 28;
  const left = 36;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(2, ...columns.map((c) => c.values.reduce((a, b) => a + b, 0))));
  const slot = (width - left) / Math.max(1, columns.length);
  const colW = Math.min(48, slot * 0.6);
  const ticks = [0, max / 2, max];
  return (
    <figure className="chart-figure">
      <svg
        className="chart"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{summary}</desc>
        {ticks.map((v) => {
          const y = top + plotH - (v / max) * plotH;
          return (
            <g key={v}>
              <line x1={left} x2={width} y1={y} y2={y} className="chart-grid" />
              <text x={left - 6} y={y + 4} className="chart-axis" textAnchor="end">
                {Math.round(v)}
              </text>
            </g>
          );
        })}
        {columns.map((c, i) => {
          const x = left + i * slot + (slot - colW) / 2;
          let y = top + plotH;
          return (
            <g key={c.label}>
              {c.values.map((v, s) => {
                const h = (v / max) * plotH;
                y -= h;
                return (
                  <rect
                    // biome-ignore lint/suspicious/noArrayIndexKey: the series in their order
                    key={s}
                    x={x}
                    y={y}
                    width={colW}
                    height={h}
                    rx={h > 6 ? 4 : 0}
                    className={`chart-bar tone-${series[s]?.tone ?? 'brand'}`}
                  />
                );
              })}
              <text x={x + colW / 2} y={height - 8} textAnchor="middle" className="chart-axis">
                {c.label}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.label} className="legend-item">
            <span className={`swatch tone-${s.tone}`} aria-hidden="true" />
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** One horizontal bar per row, split into segments (given, withdrawn, prohibited …). */
export function StackedBars({
  title,
  summary,
  rows,
  series,
}: {
  title: string;
  summary: string;
  rows: { label: string; values: number[] }[];
  series: { label: string; tone: Datum['tone'] }[];
}) {
  const id = useId();
  const row = 40;
  const labelW = 130;
  const width = 560;
  const barW = width - labelW - 50;
  const height = Math.max(1, rows.length) * row;
  const max = Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  return (
    <figure className="chart-figure">
      <svg
        className="chart"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{summary}</desc>
        {rows.map((r, i) => {
          let x = labelW;
          const total = r.values.reduce((a, b) => a + b, 0);
          return (
            <g key={r.label} transform={`translate(0 ${i * row})`}>
              <text x={0} y={row / 2 + 5} className="chart-label">
                {r.label}
              </text>
              <rect x={labelW} y={8} width={barW} height={row - 16} rx={5} className="chart-track" />
              {r.values.map((v, s) => {
                const w = (v / max) * barW;
                const out = (
                  <rect
                    // biome-ignore lint/suspicious/noArrayIndexKey: the series in their order
                    key={s}
                    x={x}
                    y={8}
                    width={w}
                    height={row - 16}
                    className={`chart-bar tone-${series[s]?.tone ?? 'brand'}`}
                  />
                );
                x += w;
                return out;
              })}
              <text x={x + 8} y={row / 2 + 5} className="chart-value">
                {total}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.label} className="legend-item">
            <span className={`swatch tone-${s.tone}`} aria-hidden="true" />
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** A round maximum for an axis: 1, 2, 5 × 10^n. */
function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
