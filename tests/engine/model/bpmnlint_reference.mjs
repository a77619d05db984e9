// The reference for engine/model/modelling_rules.py: lint each BPMN file named on the command line with
// bpmnlint's own Linter, NodeResolver and `bpmnlint:recommended` config, parsed by bpmn-moddle the way the
// bpmnlint command line parses it, and print {file: [{rule, id, category, message}]} as JSON on stdout.
// A file bpmn-moddle cannot read is reported as {file: {"error": message}}.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
// bpmn-moddle as bpmnlint itself resolves it (its own dependency)
const { BpmnModdle } = createRequire(require.resolve('bpmnlint'))('bpmn-moddle');

async function lintFile(path) {
  const xml = await readFile(path, 'utf8');
  let rootElement;
  try {
    ({ rootElement } = await new BpmnModdle().fromXML(xml));
  } catch (error) {
    return { error: String(error.message || error) };
  }
  // a new Linter per file: rules such as no-duplicate-sequence-flows keep state in their (cached) instance
  const linter = new Linter({ config: { extends: 'bpmnlint:recommended' }, resolver: new NodeResolver({ require }) });
  const results = await linter.lint(rootElement);
  const reports = [];
  for (const [rule, entries] of Object.entries(results)) {
    for (const entry of entries) {
      reports.push({ rule, id: entry.id ?? null, category: entry.category, message: entry.message });
    }
  }
  return reports;
}

const output = {};
for (const path of process.argv.slice(2)) {
  output[path] = await lintFile(path);
}
process.stdout.write(JSON.stringify(output));
