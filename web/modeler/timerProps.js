// A timer event's kind (duration, date, cycle) and its expression, with the calendar functions of
// engine/time/time_functions.py a click away.
import { SelectEntry, TextAreaEntry, isSelectEntryEdited, isTextAreaEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

import { html, label, run, update } from './util.js';

export const TIMER_TYPES = [
  [ 'timeDate', 'วันและเวลา', 'Date' ], [ 'timeDuration', 'ระยะเวลา', 'Duration' ], [ 'timeCycle', 'รอบซ้ำ', 'Cycle' ]
];

export const CALENDAR_FUNCTIONS = [
  [ 'today()', 'วันนี้', 'today' ],
  [ 'add_days(day, n)', 'บวกวัน (เลื่อนพ้นวันหยุด)', 'add days (rolled to a working day)' ],
  [ 'add_working_days(day, n)', 'บวกวันทำการ', 'add working days' ],
  [ 'add_months(day, n)', 'บวกเดือน', 'add months' ],
  [ 'is_working_day(day)', 'เป็นวันทำการหรือไม่', 'is a working day' ],
  [ 'next_working_day(day)', 'วันทำการถัดไป', 'next working day' ],
  [ 'working_days_between(start, end)', 'จำนวนวันทำการระหว่างวัน', 'working days between' ],
  [ 'fiscal_year(day)', 'ปีงบประมาณ (พ.ศ.)', 'fiscal year (BE)' ],
  [ 'fiscal_year_start(day)', 'วันเริ่มปีงบประมาณ', 'fiscal year start' ],
  [ 'fiscal_year_end(day)', 'วันสิ้นปีงบประมาณ', 'fiscal year end' ],
  [ 'annual(month, day)', 'วันที่ประจำปีครั้งถัดไป', 'next annual date' ],
  [ 'at(day, "16:30")', 'วันและเวลา', 'a day at a time' ]
];

export function timerDefinition(element) {
  const bo = getBusinessObject(element);
  return (bo.get('eventDefinitions') || []).find(d => is(d, 'bpmn:TimerEventDefinition'));
}

function timerType(definition) {
  return TIMER_TYPES.map(([ t ]) => t).find(t => definition.get(t)) || '';
}

function body(definition) {
  const type = timerType(definition);
  return type ? definition.get(type).get('body') || '' : '';
}

function write(element, injector, type, text) {
  const definition = timerDefinition(element);
  const old = timerType(definition);
  const props = {};
  if (old && old !== type) props[old] = undefined;
  if (type) {
    const existing = old === type ? definition.get(type) : null;
    if (existing) {
      run(injector, [ ...(Object.keys(props).length ? [ update(element, definition, props) ] : []),
        update(element, existing, { body: text }) ]);
      return;
    }
    const expr = injector.get('bpmnFactory').create('bpmn:FormalExpression', { body: text });
    expr.$parent = definition;
    props[type] = expr;
  }
  run(injector, [ update(element, definition, props) ]);
}

function TypeEntry({ element, id }) {
  const injector = useService('injector');
  const definition = timerDefinition(element);
  return html`<${SelectEntry} element=${element} id=${id} label=${label('ชนิดตัวจับเวลา', 'Timer type')}
    getValue=${() => timerType(definition)}
    getOptions=${() => [ { value: '', label: '—' }, ...TIMER_TYPES.map(([ value, th, en ]) => ({ value, label: `${th} (${en})` })) ]}
    setValue=${v => write(element, injector, v, body(definition))}/>`;
}

function ExpressionEntry({ element, id }) {
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  const definition = timerDefinition(element);
  return html`<${TextAreaEntry} element=${element} id=${id} debounce=${debounce} rows=${2} monospace=${true}
    label=${label('นิพจน์เวลา', 'Timer expression')}
    getValue=${() => body(definition)}
    setValue=${v => write(element, injector, timerType(definition) || 'timeDate', v || '')}/>`;
}

function HelpEntry({ element, id }) {
  const injector = useService('injector');
  const insert = call => {
    // at the cursor of the expression field (its end when it has none), as a person expects
    const definition = timerDefinition(element);
    const text = body(definition);
    const area = document.getElementById('bio-properties-panel-krabuan-timer-expression');
    const usable = area && area.value === text && typeof area.selectionStart === 'number';
    const start = usable ? area.selectionStart : text.length;
    const end = usable ? area.selectionEnd : text.length;
    write(element, injector, timerType(definition) || 'timeDate', text.slice(0, start) + call + text.slice(end));
  };
  return html`<div class="bio-properties-panel-entry kb-functions" data-entry-id=${id}>
    <div class="bio-properties-panel-label">${label('ฟังก์ชันปฏิทิน (คลิกเพื่อแทรก)', 'Calendar functions (click to insert)')}</div>
    <ul>${CALENDAR_FUNCTIONS.map(([ call, th, en ]) => html`<li>
      <button type="button" class="kb-fn" title=${en} onClick=${() => insert(call)}><code>${call}</code></button>
      <span>${th}</span></li>`)}</ul>
  </div>`;
}

export function timerEntries(element) {
  return [
    { id: 'krabuan-timer-type', element, component: TypeEntry, isEdited: isSelectEntryEdited },
    { id: 'krabuan-timer-expression', element, component: ExpressionEntry, isEdited: isTextAreaEntryEdited },
    { id: 'krabuan-timer-functions', element, component: HelpEntry }
  ];
}
