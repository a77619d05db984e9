// The auditors' report charts (web/reports.py): Chart.js, drawn from the data the page carries in
// <script type="application/json" id="…"> blocks (the CSP allows no inline script), in Sarabun so
// that Thai labels read well. Each <canvas data-chart="ID"> names its data block; the page puts a
// table with the same numbers beside every chart for screen readers.
// Bundled by web/modeler/build.mjs into web/static/dist/charts.js.
import { Chart, registerables } from 'chart.js';

Chart.register(...registerables);
Chart.defaults.font.family = "'Sarabun', 'Noto Sans Thai', sans-serif";
Chart.defaults.font.size = 14;
Chart.defaults.color = '#1f2933';
Chart.defaults.animation = false; // a report is read, not watched (and screenshots are stable)

const COLOURS = ['#1d4ed8', '#b45309', '#047857', '#9d174d', '#4338ca', '#0f766e'];

function draw(canvas) {
  const source = document.getElementById(canvas.dataset.chart);
  if (!source) return;
  const spec = JSON.parse(source.textContent);
  const datasets = spec.datasets.map((d, n) => ({
    borderColor: COLOURS[n % COLOURS.length],
    backgroundColor: d.colours || COLOURS[n % COLOURS.length],
    borderWidth: 2,
    ...d
  }));
  // The value axis is y, or x for horizontal bars (the steps' names read better down the side).
  const value = { beginAtZero: true, max: spec.yMax ?? undefined,
                  title: { display: !!spec.yLabel, text: spec.yLabel } };
  const category = { title: { display: !!spec.xLabel, text: spec.xLabel } };
  const scales = spec.type === 'pie' ? {} :
    (spec.horizontal ? { x: value, y: category } : { y: value, x: category });
  if (spec.y2Label) {
    scales.y2 = { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false },
                  title: { display: true, text: spec.y2Label } };
  }
  // eslint-disable-next-line no-new
  new Chart(canvas, {
    type: spec.type || 'bar',
    data: { labels: spec.labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: spec.horizontal ? 'y' : 'x',
      scales,
      plugins: { legend: { display: datasets.length > 1 }, title: { display: false } }
    }
  });
}

function drawAll() {
  document.querySelectorAll('canvas[data-chart]').forEach(draw);
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', drawAll);
} else {
  drawAll();
}
