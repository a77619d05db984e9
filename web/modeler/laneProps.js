// Who does a lane's steps (krabuan:lane groups, idle) and who may start the process
// (krabuan:process starters).
import { TextFieldEntry, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

import { ensureExtension, findExtension, html, label, run, update } from './util.js';

function groupNames(injector) {
  const groups = (injector.get('config.krabuan', false) || {}).groups || [];
  return groups.map(g => (typeof g === 'string' ? g : g.name || g.key || g.id)).filter(Boolean);
}

function ownerOf(element) {
  const bo = getBusinessObject(element);
  return is(element, 'bpmn:Participant') ? bo.get('processRef') : bo;
}

function extensionEntry(type, attr, th, en, withGroups) {
  return function ExtensionText({ element, id }) {
    const injector = useService('injector');
    const debounce = useService('debounceInput');
    const owner = ownerOf(element);
    const known = withGroups ? groupNames(injector) : [];
    return html`<${TextFieldEntry} element=${element} id=${id} debounce=${debounce} label=${label(th, en)}
      description=${known.length ? `กลุ่มที่มี / known groups: ${known.join(', ')}` : ''}
      getValue=${() => { const ext = findExtension(owner, type); return (ext && ext.get(attr)) || ''; }}
      setValue=${v => {
        const text = (v || '').trim();
        const current = findExtension(owner, type);
        if (!current && !text) return;
        const { extension, commands } = ensureExtension(element, injector, type, owner);
        run(injector, [ ...commands, update(element, extension, { [attr]: text || undefined }) ]);
      }}/>`;
  };
}

const LaneGroups = extensionEntry('krabuan:Lane', 'groups', 'กลุ่มผู้ปฏิบัติ (คั่นด้วยช่องว่าง)',
  "Groups that do this lane's steps (space-separated)", true);
const LaneIdle = extensionEntry('krabuan:Lane', 'idle', 'เหตุที่ช่องงานนี้ไม่มีขั้นตอน', 'Why this lane has no step');
const Starters = extensionEntry('krabuan:Process', 'starters', 'กลุ่มที่เริ่มกระบวนการได้ (คั่นด้วยช่องว่าง)',
  'Groups that may start the process (space-separated)', true);

export function laneEntries(element) {
  return [
    { id: 'krabuan-lane-groups', element, component: LaneGroups, isEdited: isTextFieldEntryEdited },
    { id: 'krabuan-lane-idle', element, component: LaneIdle, isEdited: isTextFieldEntryEdited }
  ];
}

export function processEntries(element) {
  return [ { id: 'krabuan-process-starters', element, component: Starters, isEdited: isTextFieldEntryEdited } ];
}

export function hasProcess(element) {
  return is(element, 'bpmn:Process') || (is(element, 'bpmn:Participant') && !!getBusinessObject(element).get('processRef'));
}
