// Shared helpers of the Krabuan properties panel: markup, labels, reading and writing krabuan:step.
import { h } from '@bpmn-io/properties-panel/preact';
import htm from 'htm';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

export const html = htm.bind(h);

/** A label in Thai with its English on a small second line (and as the title). */
export function label(th, en) {
  return html`<span class="kb-label" title=${en}>${th}<small class="kb-en">${en}</small></span>`;
}

/** A label given by the page as text or as {th, en}: the text to show (Thai first). */
export function shown(value) {
  if (value && typeof value === 'object') {
    return value.th || value.en || '';
  }
  return value === undefined || value === null ? '' : String(value);
}

/** A group or item title as plain text (Thai · English). */
export function title(th, en) {
  return `${th} · ${en}`;
}

export function extensionValues(bo) {
  const ext = bo && bo.get('extensionElements');
  return ext ? ext.get('values') : [];
}

export function findExtension(bo, type) {
  return extensionValues(bo).find(v => is(v, type));
}

export function findStep(element) {
  return findExtension(getBusinessObject(element), 'krabuan:Step');
}

export function stepChildren(step, type) {
  return step ? step.get('children').filter(c => is(c, type)) : [];
}

export function update(element, moddleElement, properties) {
  return { cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } };
}

function changes(command) {
  const { moddleElement, properties } = command.context;
  return Object.entries(properties).some(([ key, value ]) => moddleElement.get(key) !== value);
}

/** Run the commands as one undoable step (none when nothing would change, e.g. a blur that re-commits). */
export function run(injector, commands) {
  commands = commands.filter(changes);
  if (commands.length) {
    injector.get('commandStack').execute('properties-panel.multi-command-executor', commands);
  }
}

/**
 * The commands that give element's business object an extension of `type` (created when missing),
 * and that extension: { extension, commands }.
 */
export function ensureExtension(element, injector, type, owner) {
  const bo = owner || getBusinessObject(element);
  const existing = findExtension(bo, type);
  if (existing) {
    return { extension: existing, commands: [] };
  }
  const commands = [];
  let ext = bo.get('extensionElements');
  if (!ext) {
    ext = injector.get('bpmnFactory').create('bpmn:ExtensionElements', { values: [] });
    ext.$parent = bo;
    commands.push(update(element, bo, { extensionElements: ext }));
  }
  const extension = injector.get('moddle').create(type);
  extension.$parent = ext;
  commands.push(update(element, ext, { values: [ ...ext.get('values'), extension ] }));
  return { extension, commands };
}

/** Set attributes of the element's krabuan:step (created when missing); '' or undefined removes one. */
export function setStepAttributes(element, injector, attrs) {
  const { extension: step, commands } = ensureExtension(element, injector, 'krabuan:Step');
  const clean = {};
  for (const [ key, value ] of Object.entries(attrs)) {
    clean[key] = value === '' || value === null ? undefined : value;
  }
  run(injector, [ ...commands, update(element, step, clean) ]);
}

/** Insert a new child (krabuan:control, …) into the step after the last of its kind. */
export function addStepChild(element, injector, type, attrs) {
  const { extension: step, commands } = ensureExtension(element, injector, 'krabuan:Step');
  const child = injector.get('moddle').create(type, attrs);
  child.$parent = step;
  const children = [ ...step.get('children') ];
  const order = [ 'krabuan:Deadline', 'krabuan:Control', 'krabuan:Risk', 'krabuan:Document' ];
  const rank = order.indexOf(type);
  let at = children.length;
  while (at > 0 && order.findIndex(t => is(children[at - 1], t)) > rank) {
    at--;
  }
  children.splice(at, 0, child);
  run(injector, [ ...commands, update(element, step, { children }) ]);
  return child;
}

export function removeStepChild(element, injector, child) {
  const step = findStep(element);
  run(injector, [ update(element, step, { children: step.get('children').filter(c => c !== child) }) ]);
}

/** The innermost lane whose flowNodeRef lists the element (a business object), or undefined. */
export function laneOf(element, injector) {
  const bo = getBusinessObject(element);
  const lanes = injector.get('elementRegistry').filter(e => is(e, 'bpmn:Lane'))
    .map(e => e.businessObject)
    .filter(lane => (lane.get('flowNodeRef') || []).includes(bo));
  return lanes.find(lane => !lane.get('childLaneSet')) || lanes[0];
}
