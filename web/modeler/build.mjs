// Builds the browser modeler (bpmn-js + the Krabuan properties panel) into web/static/dist/:
// modeler.js (one minified IIFE that sets window.KrabuanModeler) and modeler.css (bpmn-js,
// diagram-js, the BPMN icon font as files beside it (the CSP allows fonts from 'self' only, not data:
// URLs), the properties panel and Krabuan's own styles).
// Run by `npm ci` / `npm install` (package.json "prepare") or by hand: node web/modeler/build.mjs
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, 'web', 'static', 'dist');

const CSS = [
  'bpmn-js/dist/assets/diagram-js.css',
  'bpmn-js/dist/assets/bpmn-js.css',
  'bpmn-js/dist/assets/bpmn-font/css/bpmn.css',
  '@bpmn-io/properties-panel/dist/assets/properties-panel.css',
  './krabuan.css'
];

await mkdir(out, { recursive: true });

await esbuild.build({
  entryPoints: [join(here, 'index.js')],
  outfile: join(out, 'modeler.js'),
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' }
});

await esbuild.build({
  stdin: {
    contents: CSS.map(name => `@import ${JSON.stringify(name)};`).join('\n'),
    resolveDir: here,
    loader: 'css',
    sourcefile: 'modeler.css'
  },
  outfile: join(out, 'modeler.css'),
  bundle: true,
  minify: true,
  sourcemap: false,
  target: 'es2020',
  logLevel: 'warning',
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
  assetNames: 'fonts/[name]-[hash]'
});

// The auditors' report charts (Chart.js; web/charts/index.js, used by web/reports.py's pages).
await esbuild.build({
  entryPoints: [join(root, 'web', 'charts', 'index.js')],
  outfile: join(out, 'charts.js'),
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' }
});

console.log(`krabuan modeler built into ${out}`);
