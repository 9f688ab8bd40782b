// The query page's graph: a range-query matrix drawn with uPlot (stacked or not), with a legend and a hover tooltip.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h, replaceChildren } from '../dom.js';
import { formatAxisValue, formatSeries, formatTime } from '../format.js';
import { alignSeries } from './align-series.js';
import type { GraphInput } from './align-series.js';
import { seriesColor } from './series-colors.js';

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** A drawn graph; `destroy()` frees it. `drawn` resolves after the first draw with the time it took (ms). */
export interface GraphChart {
  readonly root: HTMLElement;
  readonly drawn: Promise<number>;
  destroy(): void;
}

/** Draws `input` into a new element (to be attached by the caller); the width follows the element's width. */
export function createGraphChart(input: GraphInput, options: { onZoom?: (startSec: number, endSec: number) => void } = {}): GraphChart {
  const started = performance.now();
  const dark = document.documentElement.dataset.theme === 'dark';
  const { xs, rows, raw } = alignSeries(input);
  const axisColor = cssVar('--fg-muted') || '#666';
  const gridColor = cssVar('--grid') || '#eee';

  const root = h('div', { class: 'graph' });
  const plotEl = h('div', { class: 'graph-plot' });
  const tooltip = h('div', { class: 'graph-tooltip', hidden: true, role: 'tooltip' });
  const legend = h('div', { class: 'graph-legend' });
  root.append(plotEl, tooltip, legend);

  const series: uPlot.Series[] = [{}];
  const bands: uPlot.Band[] = [];
  input.series.forEach((_, i) => {
    const color = seriesColor(i, dark);
    series.push({
      stroke: color,
      width: 1,
      spanGaps: false,
      points: { show: false },
      fill: input.stacked && i === 0 ? `color-mix(in srgb, ${color} 40%, transparent)` : undefined,
    });
    if (input.stacked && i > 0) bands.push({ series: [i + 1, i], fill: `color-mix(in srgb, ${color} 40%, transparent)` });
  });

  let resolveDrawn: (ms: number) => void = () => {};
  const drawn = new Promise<number>((resolve) => (resolveDrawn = resolve));
  let firstDraw = true;
  let hoverIdx: number | null = null;
  let hoverSeries = -1;

  const showTooltip = (u: uPlot): void => {
    const idx = u.cursor.idx;
    const top = u.cursor.top ?? -1;
    const left = u.cursor.left ?? -1;
    if (idx === null || idx === undefined || left < 0) {
      tooltip.hidden = true;
      hoverIdx = null;
      return;
    }
    let best = -1;
    let bestDist = Infinity;
    for (let s = 1; s < u.series.length; s++) {
      if (!u.series[s]?.show) continue;
      const y = u.data[s]?.[idx];
      if (y === null || y === undefined) continue;
      const d = Math.abs(u.valToPos(y, 'y') - top);
      if (d < bestDist) {
        bestDist = d;
        best = s;
      }
    }
    if (best < 0) {
      tooltip.hidden = true;
      return;
    }
    if (best !== hoverSeries || idx !== hoverIdx) {
      hoverSeries = best;
      hoverIdx = idx;
      const labels = input.series[best - 1]?.metric ?? {};
      const value = raw[best - 1]?.[idx];
      replaceChildren(
        tooltip,
        h('div', { class: 'graph-tooltip-time' }, `${formatTime((xs[idx] as number) * 1000)} UTC`),
        h(
          'div',
          { class: 'graph-tooltip-value' },
          h('span', { class: 'swatch', style: `background:${seriesColor(best - 1, dark)}` }),
          `value: ${value === null || value === undefined ? '' : String(value)}`,
        ),
        h('div', { class: 'graph-tooltip-labels' }, formatSeries(labels)),
      );
    }
    tooltip.hidden = false;
    const plotBox = u.over.getBoundingClientRect();
    const rootBox = root.getBoundingClientRect();
    const x = plotBox.left - rootBox.left + left;
    const y = plotBox.top - rootBox.top + top;
    const flip = x > rootBox.width / 2;
    tooltip.style.left = flip ? '' : `${x + 12}px`;
    tooltip.style.right = flip ? `${rootBox.width - x + 12}px` : '';
    tooltip.style.top = `${y + 12}px`;
  };

  const opts: uPlot.Options = {
    width: 800,
    height: 320,
    series,
    bands,
    legend: { show: false },
    // Dragging across the plot selects a time range; the panel then shows just that range.
    cursor: { points: { show: false }, drag: { x: options.onZoom !== undefined, y: false, setScale: false } },
    scales: { x: { time: true } },
    // Times in UTC, like the end-time inputs and Prometheus's UI.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    axes: [
      { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 } },
      { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 }, size: 60, values: (_u, vals) => vals.map(formatAxisValue) },
    ],
    hooks: {
      setCursor: [showTooltip],
      setSelect: [
        (u) => {
          const sel = u.select;
          if (options.onZoom === undefined || sel.width < 5) return;
          const from = u.posToVal(sel.left, 'x');
          const to = u.posToVal(sel.left + sel.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          options.onZoom(from, to);
        },
      ],
      draw: [
        () => {
          if (firstDraw) {
            firstDraw = false;
            resolveDrawn(performance.now() - started);
          }
        },
      ],
    },
  };
  const plot = new uPlot(opts, [xs, ...rows] as uPlot.AlignedData, plotEl);
  plot.over.addEventListener('mouseleave', () => (tooltip.hidden = true));

  const resize = new ResizeObserver(() => {
    const width = Math.floor(plotEl.clientWidth);
    if (width > 0 && width !== plot.width) plot.setSize({ width, height: width < 600 ? 240 : 320 });
  });
  resize.observe(plotEl);

  // Legend: one row per series with its labels as text; clicking shows only that series (again: all).
  let isolated = -1;
  const items = input.series.map((s, i) => {
    const item = h(
      'button',
      { type: 'button', class: 'legend-item', title: 'Show only this series (click again for all)' },
      h('span', { class: 'swatch', style: `background:${seriesColor(i, dark)}` }),
      h('span', { class: 'legend-labels' }, formatSeries(s.metric)),
    );
    item.addEventListener('click', () => {
      isolated = isolated === i ? -1 : i;
      plot.batch(() => {
        for (let k = 0; k < input.series.length; k++) plot.setSeries(k + 1, { show: isolated < 0 || isolated === k });
      });
      items.forEach((el, k) => el.classList.toggle('legend-dim', isolated >= 0 && isolated !== k));
    });
    return item;
  });
  legend.append(...items);

  return {
    root,
    drawn,
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
