// Krabuan's BPMN editor for the browser: bpmn-js with the Krabuan moddle extension (metadata kept
// through import and export) and the Krabuan properties panel. The page uses only
// window.KrabuanModeler: create({...}) and viewDiff({...}).
import BpmnModeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';

import { KeepingDiOrderingModule } from './KeepingDiOrdering.js';
import { KrabuanPropertiesProviderModule } from './KrabuanPropertiesProvider.js';
import krabuanModdle from './krabuan-moddle.json';
import { ThaiTextRendererModule } from './ThaiTextRenderer.js';
import translate from './translate.js';

const FONT = 'Sarabun, sans-serif';
const TEXT_RENDERER = {
  defaultStyle: { fontFamily: FONT, fontSize: 12, fontWeight: 'normal', lineHeight: 1.3 },
  externalStyle: { fontFamily: FONT, fontSize: 12, lineHeight: 1.3 }
};
const PROBLEMS = 'krabuan-problems';
const DIFF_MARKS = { added: 'kb-diff-added', removed: 'kb-diff-removed', changed: 'kb-diff-changed' };

/** Sarabun loaded (Thai and Latin) before drawing: labels are wrapped by measuring their text. */
function fontsReady() {
  if (typeof document === 'undefined' || !document.fonts || !document.fonts.load) {
    return Promise.resolve();
  }
  const loads = Promise.all([ '12px Sarabun', 'bold 12px Sarabun' ].map(font => document.fonts.load(font, 'กขค abc')));
  const timeout = new Promise(resolve => setTimeout(resolve, 3000));
  return Promise.race([ loads, timeout ]).catch(() => undefined);
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function messages(warnings) {
  return (warnings || []).map(w => (w && w.message) || String(w));
}

function create({ canvas, panel, forms = [], dateFields = [], variables = [], groups = [] }) {
  const modeler = new BpmnModeler({
    container: canvas,
    propertiesPanel: { parent: panel },
    additionalModules: [
      KeepingDiOrderingModule, ThaiTextRendererModule, BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, KrabuanPropertiesProviderModule,
      { translate: [ 'value', translate ] }
    ],
    moddleExtensions: { krabuan: krabuanModdle },
    textRenderer: TEXT_RENDERER,
    krabuan: { forms, dateFields, variables, groups }
  });
  const eventBus = modeler.get('eventBus');
  const listeners = [];

  // The panel renders on import and listens for selections only once its effects have run (after
  // the next paint): wait for that after an import, and select again when a selection was missed.
  function panelSettled() {
    return new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)))
      .then(() => new Promise(resolve => setTimeout(resolve, 40)));
  }

  function showInPanel(element) {
    const selection = modeler.get('selection');
    let shown = false;
    const onUpdated = event => {
      shown = shown || event.element === element;
    };
    eventBus.on('propertiesPanel.updated', onUpdated);
    selection.select(element);
    setTimeout(() => {
      eventBus.off('propertiesPanel.updated', onUpdated);
      if (!shown && selection.get().length === 1 && selection.get()[0] === element) {
        selection.select(null);
        selection.select(element);
      }
    }, 120);
  }

  function clearProblems() {
    modeler.get('overlays').remove({ type: PROBLEMS });
    for (const el of modeler.get('elementRegistry').getAll()) {
      modeler.get('canvas').removeMarker(el, 'kb-problem-error');
      modeler.get('canvas').removeMarker(el, 'kb-problem-warning');
    }
  }

  return {
    modeler,

    async importXML(xml) {
      await fontsReady();
      const result = await modeler.importXML(xml);
      modeler.get('canvas').zoom('fit-viewport', 'auto');
      await panelSettled();
      return { warnings: messages(result.warnings) };
    },

    async saveXML() {
      const { xml } = await modeler.saveXML({ format: true });
      return xml;
    },

    onChange(callback) {
      const listener = () => callback();
      listeners.push(listener);
      eventBus.on('commandStack.changed', listener);
    },

    showProblems(problems) {
      clearProblems();
      const registry = modeler.get('elementRegistry');
      const byElement = new Map();
      for (const p of problems || []) {
        if (registry.get(p.element_id)) {
          byElement.set(p.element_id, [ ...(byElement.get(p.element_id) || []), p ]);
        }
      }
      for (const [ id, list ] of byElement) {
        const severe = list.some(p => p.severity === 'error');
        const kind = severe ? 'error' : 'warning';
        const text = list.map(p => `${p.th || ''}${p.en ? ` (${p.en})` : ''}`).join('\n');
        modeler.get('canvas').addMarker(id, `kb-problem-${kind}`);
        modeler.get('overlays').add(id, PROBLEMS, {
          position: { top: -12, right: 12 },
          html: `<div class="kb-badge kb-badge-${kind}" title="${escapeHtml(text)}" role="img" ` +
            `aria-label="${escapeHtml(text)}">${list.length}</div>`
        });
      }
    },

    select(elementId) {
      const element = modeler.get('elementRegistry').get(elementId);
      if (!element) {
        return false;
      }
      const canvas = modeler.get('canvas');
      if (canvas.zoom() < 0.8) {
        canvas.zoom(1);  // readable: a fitted whole process is too small to read its labels
      }
      canvas.scrollToElement(element, { top: 120, bottom: 120, left: 200, right: 200 });
      showInPanel(element);
      return true;
    },

    destroy() {
      for (const listener of listeners) {
        eventBus.off('commandStack.changed', listener);
      }
      modeler.destroy();
    }
  };
}

async function viewDiff({ canvas, xml, marks = {} }) {
  const viewer = new NavigatedViewer({
    container: canvas,
    additionalModules: [ ThaiTextRendererModule ],
    moddleExtensions: { krabuan: krabuanModdle },
    textRenderer: TEXT_RENDERER
  });
  await fontsReady();
  const result = await viewer.importXML(xml);
  const registry = viewer.get('elementRegistry');
  for (const [ id, mark ] of Object.entries(marks)) {
    if (registry.get(id) && DIFF_MARKS[mark]) {
      viewer.get('canvas').addMarker(id, DIFF_MARKS[mark]);
    }
  }
  viewer.get('canvas').zoom('fit-viewport', 'auto');
  return { viewer, warnings: messages(result.warnings), destroy: () => viewer.destroy() };
}

window.KrabuanModeler = { create, viewDiff };
