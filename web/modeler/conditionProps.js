// The condition of a sequence flow out of an exclusive or inclusive gateway: a builder
// (variable, operator, value) that writes `name == 'value'`, and the raw expression (the
// restricted, Python-like expression language of engine/model/expressions.py).
import {
  SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

import { html, label, run, shown, update } from './util.js';

export const OPERATORS = [
  [ '==', 'เท่ากับ', 'equals' ], [ '!=', 'ไม่เท่ากับ', 'not equal' ], [ '<', 'น้อยกว่า', 'less than' ],
  [ '<=', 'น้อยกว่าหรือเท่ากับ', 'at most' ], [ '>', 'มากกว่า', 'greater than' ],
  [ '>=', 'มากกว่าหรือเท่ากับ', 'at least' ], [ 'in', 'เป็นหนึ่งใน', 'one of' ]
];

const SIMPLE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(==|!=|<=|>=|<|>|\bin\b)\s*(.+?)\s*$/s;
const STRING = /^'((?:[^'\\]|\\.)*)'$|^"((?:[^"\\]|\\.)*)"$/s;
const NUMBER = /^-?\d+(\.\d+)?$/;
const NUMERIC = [ 'number', 'integer', 'money' ];  // form field types (engine/model/forms.py) whose values are numbers
const BOOLEAN = [ 'boolean', 'checkbox' ];
const YES_NO = [ { value: 'True', label: 'ใช่ (True)' }, { value: 'False', label: 'ไม่ใช่ (False)' } ];

function unquote(text) {
  const m = STRING.exec(text);
  if (m) {
    return (m[1] !== undefined ? m[1] : m[2]).replace(/\\(.)/g, '$1');
  }
  if (NUMBER.test(text) || text === 'True' || text === 'False') {
    return text;
  }
  return null;
}

/** { name, op, value } of `name op literal` (value a string; a list's items joined by ", "), or null. */
export function parseCondition(text) {
  const m = SIMPLE.exec(text || '');
  if (!m) return null;
  const [ , name, op, literal ] = m;
  if (op === 'in') {
    const list = /^\[(.*)\]$/s.exec(literal);
    if (!list) return null;
    const items = list[1].trim() === '' ? [] : list[1].split(',').map(s => unquote(s.trim()));
    return items.includes(null) ? null : { name, op, value: items.join(', ') };
  }
  const value = unquote(literal);
  return value === null ? null : { name, op, value };
}

function literal(value, type) {
  const text = String(value);
  if (NUMERIC.includes(type) && NUMBER.test(text.trim())) return text.trim();
  if (BOOLEAN.includes(type)) return /^(true|1|yes)$/i.test(text.trim()) ? 'True' : 'False';
  return "'" + text.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

export function formatCondition({ name, op, value }, variable) {
  const type = variable && variable.type;
  if (op === 'in') {
    const items = String(value || '').split(',').map(s => s.trim()).filter(Boolean);
    return `${name} in [${items.map(v => literal(v, type)).join(', ')}]`;
  }
  return `${name} ${op} ${literal(value === undefined ? '' : value, type)}`;
}

export function isGatewayFlow(element) {
  const bo = getBusinessObject(element);
  return is(element, 'bpmn:SequenceFlow') && bo.sourceRef &&
    (is(bo.sourceRef, 'bpmn:ExclusiveGateway') || is(bo.sourceRef, 'bpmn:InclusiveGateway'));
}

function variables(injector) {
  return (injector.get('config.krabuan', false) || {}).variables || [];
}

function expressionText(element) {
  const expr = getBusinessObject(element).get('conditionExpression');
  return expr ? expr.get('body') || '' : '';
}

function writeExpression(element, injector, text) {
  const bo = getBusinessObject(element);
  const expr = bo.get('conditionExpression');
  if (!text) {
    run(injector, [ update(element, bo, { conditionExpression: undefined }) ]);
  } else if (expr) {
    run(injector, [ update(element, expr, { body: text }) ]);
  } else {
    const created = injector.get('bpmnFactory').create('bpmn:FormalExpression', { body: text });
    created.$parent = bo;
    run(injector, [ update(element, bo, { conditionExpression: created }) ]);
  }
}

function current(element) {
  return parseCondition(expressionText(element)) || { name: '', op: '==', value: '' };
}

function compose(element, injector, change) {
  const next = { ...current(element), ...change };
  if (!next.name) return;
  const variable = variables(injector).find(v => v.name === next.name);
  writeExpression(element, injector, formatCondition(next, variable));
}

function VariableEntry({ element, id }) {
  const injector = useService('injector');
  const name = current(element).name;
  return html`<${SelectEntry} element=${element} id=${id} label=${label('ตัวแปร', 'Variable')}
    getValue=${() => name}
    getOptions=${() => {
      const vars = variables(injector);
      const options = [ { value: '', label: '— เลือก / choose —' },
        ...vars.map(v => ({ value: v.name, label: shown(v.label) ? `${shown(v.label)} (${v.name})` : v.name })) ];
      if (name && !vars.some(v => v.name === name)) options.push({ value: name, label: name });
      return options;
    }}
    setValue=${v => {
      if (!v) return;
      const variable = variables(injector).find(x => x.name === v);
      const options = (variable && variable.options) || [];
      const value = current(element).value;
      const keep = !options.length || options.some(o => String(o.value) === value);
      compose(element, injector, { name: v, value: keep ? value : String(options[0].value) });
    }}/>`;
}

function OperatorEntry({ element, id }) {
  const injector = useService('injector');
  return html`<${SelectEntry} element=${element} id=${id} label=${label('เงื่อนไข', 'Operator')}
    getValue=${() => current(element).op}
    getOptions=${() => OPERATORS.map(([ value, th, en ]) => ({ value, label: `${value}  ${th} (${en})` }))}
    setValue=${v => compose(element, injector, { op: v })}/>`;
}

function ValueEntry({ element, id }) {
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  const { name, value, op } = current(element);
  const variable = variables(injector).find(v => v.name === name);
  const options = (variable && variable.options && variable.options.length ? variable.options : null) ||
    (variable && BOOLEAN.includes(variable.type) ? YES_NO : []);
  if (options.length && op !== 'in') {
    const list = options.map(o => ({ value: String(o.value),
      label: shown(o.label) ? `${shown(o.label)} (${o.value})` : String(o.value) }));
    if (value && !list.some(o => o.value === value)) list.push({ value, label: value });
    return html`<${SelectEntry} element=${element} id=${id} label=${label('ค่า', 'Value')}
      getValue=${() => value} getOptions=${() => list}
      setValue=${v => compose(element, injector, { value: v })}/>`;
  }
  return html`<${TextFieldEntry} element=${element} id=${id} debounce=${debounce}
    label=${label(op === 'in' ? 'ค่า (คั่นด้วยจุลภาค)' : 'ค่า', op === 'in' ? 'Values, comma-separated' : 'Value')}
    getValue=${() => value} setValue=${v => compose(element, injector, { value: v || '' })}/>`;
}

function RawEntry({ element, id }) {
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  return html`<${TextFieldEntry} element=${element} id=${id} debounce=${debounce}
    label=${label('ขั้นสูง: นิพจน์เงื่อนไข', 'Advanced: condition expression')}
    description=${parseCondition(expressionText(element)) || !expressionText(element) ? ''
      : 'นิพจน์นี้ซับซ้อนเกินกว่าตัวช่วยสร้าง / too complex for the builder'}
    getValue=${() => expressionText(element)}
    setValue=${v => writeExpression(element, injector, (v || '').trim())}/>`;
}

function DefaultNote({ id }) {
  return html`<div class="bio-properties-panel-entry kb-note" data-entry-id=${id}>
    ${label('เส้นทางปกติของทางแยก: ไม่ต้องมีเงื่อนไข', "The gateway's default flow: it needs no condition")}</div>`;
}

export function conditionEntries(element) {
  const bo = getBusinessObject(element);
  if (bo.sourceRef && bo.sourceRef.get('default') === bo) {
    return [ { id: 'krabuan-condition-default', element, component: DefaultNote } ];
  }
  return [
    { id: 'krabuan-condition-variable', element, component: VariableEntry, isEdited: isSelectEntryEdited },
    { id: 'krabuan-condition-operator', element, component: OperatorEntry, isEdited: isSelectEntryEdited },
    { id: 'krabuan-condition-value', element, component: ValueEntry, isEdited: isTextFieldEntryEdited },
    { id: 'krabuan-condition-expression', element, component: RawEntry, isEdited: isTextFieldEntryEdited }
  ];
}
