// The entries of the "Krabuan" group of a step: its lane, kind, form, standard duration and system.
import {
  SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';

import { findStep, html, label, laneOf, setStepAttributes, shown } from './util.js';

export const STEP_KINDS = [
  [ 'user', 'ปฏิบัติงาน', 'Work step' ],
  [ 'approval', 'พิจารณาอนุมัติ', 'Approval' ],
  [ 'signature', 'ลงนาม', 'Signature' ],
  [ 'archive', 'จัดเก็บเอกสาร', 'Archive' ],
  [ 'notification', 'แจ้ง/ส่งหนังสือ', 'Notification' ],
  [ 'external_system', 'บันทึกในระบบภายนอก', 'External system' ]
];

function stepAttr(element, name) {
  const step = findStep(element);
  const value = step && step.get(name);
  return value === undefined || value === null ? '' : value;
}

function LaneEntry({ element }) {
  const injector = useService('injector');
  const lane = laneOf(element, injector);
  const name = lane ? (lane.get('name') || lane.get('id')) : '—';
  return html`<div class="bio-properties-panel-entry kb-readonly" data-entry-id="krabuan-lane">
    <div class="bio-properties-panel-label">${label('บทบาท / ช่องงาน', 'Lane')}</div>
    <div class="kb-value" id="krabuan-lane-value">${name}</div>
  </div>`;
}

function KindEntry({ element, id }) {
  const injector = useService('injector');
  return html`<${SelectEntry} element=${element} id=${id} label=${label('ประเภทขั้นตอน', 'Step kind')}
    getValue=${() => stepAttr(element, 'kind')}
    setValue=${v => setStepAttributes(element, injector, { kind: v })}
    getOptions=${() => [ { value: '', label: '— ไม่ระบุ / none —' },
      ...STEP_KINDS.map(([ value, th, en ]) => ({ value, label: `${th} (${en})` })) ]}/>`;
}

function FormEntry({ element, id }) {
  const injector = useService('injector');
  const forms = (injector.get('config.krabuan', false) || {}).forms || [];
  const current = stepAttr(element, 'form');
  const options = [ { value: '', label: '— ไม่มีแบบฟอร์ม / no form —' },
    ...forms.map(f => ({ value: f.key, label: shown(f.title) ? `${shown(f.title)} (${f.key})` : f.key })) ];
  if (current && !forms.some(f => f.key === current)) {
    options.push({ value: current, label: `${current} (ใหม่ / new)` });
  }
  return html`<${SelectEntry} element=${element} id=${id} label=${label('แบบฟอร์ม', 'Form')}
    getValue=${() => current} getOptions=${() => options}
    setValue=${v => setStepAttributes(element, injector, { form: v })}/>`;
}

function FormKeyEntry({ element, id }) {
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  return html`<${TextFieldEntry} element=${element} id=${id} debounce=${debounce}
    label=${label('หรือพิมพ์รหัสแบบฟอร์มใหม่', 'Or type a new form key')}
    getValue=${() => stepAttr(element, 'form')}
    setValue=${v => setStepAttributes(element, injector, { form: (v || '').trim() })}/>`;
}

function numberText(value) {
  const text = (value || '').trim();
  return text === '' ? '' : text;
}

function validNumber(value) {
  const text = (value || '').trim();
  return text === '' || /^\d+(\.\d+)?$/.test(text) ? null : 'ตัวเลขเท่านั้น / a number';
}

/** A text entry of one krabuan:step attribute (a component made once, so typing keeps focus). */
function attrEntry(name, th, en, validate) {
  return function AttrText({ element, id }) {
    const injector = useService('injector');
    const debounce = useService('debounceInput');
    return html`<${TextFieldEntry} element=${element} id=${id} debounce=${debounce} label=${label(th, en)}
      validate=${validate}
      getValue=${() => stepAttr(element, name)}
      setValue=${v => {
        if (!validate || !validate(v)) setStepAttributes(element, injector, { [name]: numberText(v) });
      }}/>`;
  };
}

const MinutesEntry = attrEntry('minutes', 'ระยะเวลามาตรฐาน (นาที)', 'Standard duration (minutes)', validNumber);
const WorkingDaysEntry = attrEntry('workingDays', 'ระยะเวลามาตรฐาน (วันทำการ)', 'Standard duration (working days)',
  validNumber);
const SystemEntry = attrEntry('system', 'ระบบภายนอก', 'External system');

export function stepEntries(element) {
  const text = (id, component) => ({ id, element, component, isEdited: isTextFieldEntryEdited });
  return [
    { id: 'krabuan-lane', element, component: LaneEntry },
    { id: 'krabuan-kind', element, component: KindEntry, isEdited: isSelectEntryEdited },
    { id: 'krabuan-form', element, component: FormEntry, isEdited: isSelectEntryEdited },
    { id: 'krabuan-form-key', element, component: FormKeyEntry, isEdited: isTextFieldEntryEdited },
    text('krabuan-minutes', MinutesEntry),
    text('krabuan-working-days', WorkingDaysEntry),
    text('krabuan-system', SystemEntry)
  ];
}

/** A start event's form (the start form: krabuan:step form on the start event). */
export function startFormEntries(element) {
  return [
    { id: 'krabuan-form', element, component: FormEntry, isEdited: isSelectEntryEdited },
    { id: 'krabuan-form-key', element, component: FormKeyEntry, isEdited: isTextFieldEntryEdited }
  ];
}
