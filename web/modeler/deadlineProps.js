// The deadline rule of a step (krabuan:deadline) as a form: its kind and the fields that kind
// reads (engine/time/deadlines.py), written back as the same compact JSON text the files use.
import {
  CheckboxEntry, SelectEntry, TextAreaEntry, TextFieldEntry,
  isCheckboxEntryEdited, isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { is } from 'bpmn-js/lib/util/ModelUtil';

import { pyJson, withKey } from './ruleJson.mjs';
import { addStepChild, findStep, html, label, removeStepChild, run, shown, stepChildren, update } from './util.js';

export const RULE_KINDS = [
  [ 'relative', 'นับจากเวลาที่กำหนด', 'Relative (from creation or an anchor)' ],
  [ 'before_event', 'ก่อนวันของเหตุการณ์', 'Before an event date' ],
  [ 'after_event', 'หลังวันของเหตุการณ์', 'After an event date' ],
  [ 'relative_by_case', 'ตามกรณี', 'Relative, by case' ],
  [ 'annual_date', 'วันที่ประจำปี', 'Annual date' ],
  [ 'month_window', 'ช่วงเดือน', 'Month window' ],
  [ 'fixed_months', 'เดือนที่กำหนด', 'Fixed months' ],
  [ 'monthly_window', 'ช่วงวันของทุกเดือน', 'Monthly window' ],
  [ 'monthly_day', 'วันที่ของทุกเดือน', 'Day of every month' ],
  [ 'fiscal_year_end_offset', 'หลังสิ้นปีงบประมาณ', 'After the fiscal year end' ],
  [ 'fiscal_year_start', 'วันทำการแรกของปีงบประมาณถัดไป', 'Next fiscal year start' ],
  [ 'start_on', 'เริ่มเมื่อขึ้นปีงบประมาณ', 'Start on the fiscal year start' ],
  [ 'reporting_rounds', 'รอบการรายงาน', 'Reporting rounds' ],
  [ 'unspecified', 'ไม่ระบุ (ใช้ระยะเวลามาตรฐาน)', 'Unspecified (standard duration)' ],
  [ 'all_of', 'เร็วที่สุดของหลายกฎ', 'Earliest of several rules' ]
];

export const UNITS = [
  [ 'minutes', 'นาที', 'minutes' ], [ 'hours', 'ชั่วโมง', 'hours' ], [ 'days', 'วัน', 'days' ],
  [ 'working_days', 'วันทำการ', 'working days' ], [ 'weeks', 'สัปดาห์', 'weeks' ],
  [ 'months', 'เดือน', 'months' ], [ 'years', 'ปี', 'years' ]
];

// The fields each kind reads (the rest are kept as written; the raw JSON edits them).
const FIELDS = {
  relative: [ 'amount', 'unit', 'anchor', 'roll' ],
  before_event: [ 'amount', 'unit', 'event', 'roll' ],
  after_event: [ 'amount', 'unit', 'event', 'roll' ],
  relative_by_case: [ 'anchor', 'by' ],
  annual_date: [ 'month', 'day' ],
  month_window: [ 'from_month', 'to_month' ],
  monthly_window: [ 'from_day', 'to_day' ],
  monthly_day: [ 'day' ],
  fiscal_year_end_offset: [ 'amount', 'unit' ]
};

export function deadlineOf(element) {
  return stepChildren(findStep(element), 'krabuan:Deadline')[0];
}

export function ruleOf(element) {
  const deadline = deadlineOf(element);
  if (!deadline) {
    return null;
  }
  try {
    const rule = JSON.parse(deadline.get('body') || '');
    return rule && typeof rule === 'object' && !Array.isArray(rule) ? rule : null;
  } catch (e) {
    return null;
  }
}

function writeText(element, injector, text) {
  const deadline = deadlineOf(element);
  if (text === null) {
    if (deadline) removeStepChild(element, injector, deadline);
  } else if (deadline) {
    run(injector, [ update(element, deadline, { body: text }) ]);
  } else {
    addStepChild(element, injector, 'krabuan:Deadline', { body: text });
  }
}

function setKey(element, injector, key, value) {
  const rule = ruleOf(element);
  if (!rule && key !== 'type') {
    return;  // a field of a rule just removed (its input blurred as it went): nothing to write into
  }
  writeText(element, injector, pyJson(withKey(rule || {}, key, value)));
}

/** The key a rule counts from: event for before/after_event, else anchor (or from, when written). */
function anchorKey(rule, field) {
  if (field === 'anchor' && rule && rule.anchor === undefined && rule.from !== undefined) {
    return 'from';
  }
  return field;
}

function anchorOptions(element, injector, current) {
  const config = injector.get('config.krabuan', false) || {};
  const options = [ { value: '', label: '— เวลาที่งานเริ่ม / task creation —' } ];
  for (const f of config.dateFields || []) {
    options.push({ value: f.name, label: shown(f.label) ? `${shown(f.label)} (${f.name})` : f.name });
  }
  const tasks = injector.get('elementRegistry').filter(e => is(e, 'bpmn:UserTask') && e !== element);
  for (const t of tasks) {
    const name = t.businessObject.get('name') || t.id;
    options.push({ value: `step:${t.id}.started`, label: `เริ่มขั้นตอน: ${name}` });
    options.push({ value: `step:${t.id}.completed`, label: `เสร็จขั้นตอน: ${name}` });
  }
  if (current && !options.some(o => o.value === current)) {
    options.push({ value: current, label: current });
  }
  return options;
}

function KindEntry({ element, id }) {
  const injector = useService('injector');
  return html`<${SelectEntry} element=${element} id=${id} label=${label('กำหนดเสร็จ: ประเภทกฎ', 'Deadline rule')}
    getValue=${() => { const r = ruleOf(element); return r ? r.type || '' : (deadlineOf(element) ? '?' : ''); }}
    setValue=${v => (v ? setKey(element, injector, 'type', v) : writeText(element, injector, null))}
    getOptions=${() => [ { value: '', label: '— ไม่มีกำหนด / no deadline rule —' },
      ...RULE_KINDS.map(([ value, th, en ]) => ({ value, label: `${th} (${en})` })),
      ...(deadlineOf(element) && !ruleOf(element) ? [ { value: '?', label: 'JSON ไม่ถูกต้อง / invalid JSON' } ] : []) ]}/>`;
}

function intEntry(key, th, en) {
  return function IntEntry({ element, id }) {
    const injector = useService('injector');
    const debounce = useService('debounceInput');
    const validate = v => ((v || '').trim() === '' || /^\d+$/.test(v.trim()) ? null : 'จำนวนเต็ม / a whole number');
    return html`<${TextFieldEntry} element=${element} id=${id} debounce=${debounce} label=${label(th, en)}
      validate=${validate}
      getValue=${() => { const v = (ruleOf(element) || {})[key]; return v === undefined ? '' : String(v); }}
      setValue=${v => {
        if (validate(v)) return;
        const text = (v || '').trim();
        setKey(element, injector, key, text === '' ? undefined : parseInt(text, 10));
      }}/>`;
  };
}

function UnitEntry({ element, id }) {
  const injector = useService('injector');
  return html`<${SelectEntry} element=${element} id=${id} label=${label('หน่วย', 'Unit')}
    getValue=${() => (ruleOf(element) || {}).unit || ''}
    setValue=${v => setKey(element, injector, 'unit', v || undefined)}
    getOptions=${() => [ { value: '', label: '—' }, ...UNITS.map(([ value, th, en ]) => ({ value, label: `${th} (${en})` })) ]}/>`;
}

function anchorEntry(field, th, en) {
  return function AnchorEntry({ element, id }) {
    const injector = useService('injector');
    const rule = ruleOf(element) || {};
    const key = anchorKey(rule, field);
    const current = rule[key] === undefined ? '' : String(rule[key]);
    return html`<${SelectEntry} element=${element} id=${id} label=${label(th, en)}
      getValue=${() => current}
      setValue=${v => setKey(element, injector, key, v || undefined)}
      getOptions=${() => anchorOptions(element, injector, current)}/>`;
  };
}

function RollEntry({ element, id }) {
  const injector = useService('injector');
  return html`<${CheckboxEntry} element=${element} id=${id}
    label=${label('เลื่อนไปวันทำการถัดไปเมื่อตรงวันหยุด', 'Roll to the next working day')}
    getValue=${() => (ruleOf(element) || {}).roll !== false}
    setValue=${v => setKey(element, injector, 'roll', v ? undefined : false)}/>`;
}

function ByEntry({ element, id }) {
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  return html`<${TextFieldEntry} element=${element} id=${id} debounce=${debounce}
    label=${label('ตัวแปรที่เลือกกรณี', 'Case variable (by)')}
    getValue=${() => (ruleOf(element) || {}).by || ''}
    setValue=${v => setKey(element, injector, 'by', (v || '').trim() || undefined)}/>`;
}

function RawEntry({ element, id }) {
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  const validate = v => {
    if (!(v || '').trim()) return null;
    try {
      const r = JSON.parse(v);
      return r && typeof r === 'object' && !Array.isArray(r) && r.type ? null : 'ต้องเป็น JSON object ที่มี type';
    } catch (e) {
      return 'JSON ไม่ถูกต้อง / invalid JSON';
    }
  };
  return html`<${TextAreaEntry} element=${element} id=${id} debounce=${debounce} rows=${3} monospace=${true}
    label=${label('ขั้นสูง: กฎเป็น JSON', 'Advanced: the rule as JSON')}
    validate=${validate}
    getValue=${() => { const d = deadlineOf(element); return d ? d.get('body') || '' : ''; }}
    setValue=${v => { if (!validate(v)) writeText(element, injector, (v || '').trim() ? v : null); }}/>`;
}

const COMPONENTS = {
  amount: [ intEntry('amount', 'จำนวน', 'Amount'), isTextFieldEntryEdited ],
  unit: [ UnitEntry, isSelectEntryEdited ],
  anchor: [ anchorEntry('anchor', 'นับจาก', 'Counted from'), isSelectEntryEdited ],
  event: [ anchorEntry('event', 'วันของเหตุการณ์', 'Event date'), isSelectEntryEdited ],
  roll: [ RollEntry, isCheckboxEntryEdited ],
  by: [ ByEntry, isTextFieldEntryEdited ],
  month: [ intEntry('month', 'เดือน (1-12)', 'Month'), isTextFieldEntryEdited ],
  day: [ intEntry('day', 'วันที่ (1-31)', 'Day'), isTextFieldEntryEdited ],
  from_month: [ intEntry('from_month', 'ตั้งแต่เดือน', 'From month'), isTextFieldEntryEdited ],
  to_month: [ intEntry('to_month', 'ถึงเดือน', 'To month'), isTextFieldEntryEdited ],
  from_day: [ intEntry('from_day', 'ตั้งแต่วันที่', 'From day'), isTextFieldEntryEdited ],
  to_day: [ intEntry('to_day', 'ถึงวันที่', 'To day'), isTextFieldEntryEdited ]
};

export function deadlineEntries(element) {
  const rule = ruleOf(element);
  const entries = [ { id: 'krabuan-deadline-type', element, component: KindEntry, isEdited: isSelectEntryEdited } ];
  for (const field of (rule && FIELDS[rule.type]) || []) {
    const [ component, isEdited ] = COMPONENTS[field];
    entries.push({ id: `krabuan-deadline-${field.replace('_', '-')}`, element, component, isEdited });
  }
  entries.push({ id: 'krabuan-deadline-json', element, component: RawEntry, isEdited: isTextAreaEntryEdited });
  return entries;
}
