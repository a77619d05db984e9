// The lists of a step: control points, risks (score and level computed), documents in and out.
import {
  ListGroup, SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';

import { addStepChild, findStep, html, label, removeStepChild, run, stepChildren, title, update } from './util.js';

// The common 5×5 banding of score = likelihood × impact (docs: shared reference, risk matrix):
// 1-3 low, 4-9 medium, 10-15 high, 16-25 very high.
export const RISK_LEVELS = [
  [ 3, 'ต่ำ', 'low' ], [ 9, 'ปานกลาง', 'medium' ], [ 15, 'สูง', 'high' ], [ 25, 'สูงมาก', 'very high' ]
];

export function riskLevel(score) {
  return RISK_LEVELS.find(([ top ]) => score <= top) || RISK_LEVELS[RISK_LEVELS.length - 1];
}

function value(child, attr) {
  const v = child.get(attr);
  return v === undefined || v === null ? '' : v;
}

function set(element, injector, child, attrs) {
  const step = findStep(element);
  if (!step || !step.get('children').includes(child)) {
    return;  // an input of an item just removed (it blurred as it went)
  }
  run(injector, [ update(element, child, attrs) ]);
}

function TextAttr({ element, id, child, attr, th, en }) {
  const injector = useService('injector');
  const debounce = useService('debounceInput');
  return html`<${TextFieldEntry} element=${element} id=${id} debounce=${debounce} label=${label(th, en)}
    getValue=${() => value(child, attr)}
    setValue=${v => set(element, injector, child, { [attr]: (v || '') === '' ? undefined : v })}/>`;
}

function ScaleAttr({ element, id, child, attr, th, en }) {
  const injector = useService('injector');
  return html`<${SelectEntry} element=${element} id=${id} label=${label(th, en)}
    getValue=${() => value(child, attr)}
    getOptions=${() => [ { value: '', label: '—' }, ...[ 1, 2, 3, 4, 5 ].map(n => ({ value: String(n), label: String(n) })) ]}
    setValue=${v => {
      const attrs = { [attr]: v || undefined };
      const other = attr === 'likelihood' ? child.get('impact') : child.get('likelihood');
      if (v && other && /^\d+$/.test(other)) {
        const score = parseInt(v, 10) * parseInt(other, 10);
        const [ , th, en ] = riskLevel(score);
        Object.assign(attrs, { score: String(score), level: th, levelEn: en });
      }
      set(element, injector, child, attrs);
    }}/>`;
}

function RiskScore({ child, id }) {
  const score = value(child, 'score');
  const level = value(child, 'level');
  const levelEn = value(child, 'levelEn');
  return html`<div class="bio-properties-panel-entry kb-readonly" data-entry-id=${id}>
    <div class="bio-properties-panel-label">${label('คะแนน (โอกาส × ผลกระทบ) และระดับ', 'Score (likelihood × impact), level')}</div>
    <div class="kb-value" id=${id + '-value'}>
      ${score || '—'}${level ? html` · <span class=${'kb-risk kb-risk-' + (levelEn || '').replace(/\W.*/, '')}>${level}</span>` : ''}
      ${levelEn ? html` <small class="kb-en">${levelEn}</small>` : ''}
    </div>
  </div>`;
}

function DirectionAttr({ element, id, child }) {
  const injector = useService('injector');
  return html`<${SelectEntry} element=${element} id=${id} label=${label('ทิศทาง', 'Direction')}
    getValue=${() => value(child, 'direction')}
    getOptions=${() => [ { value: 'in', label: 'เอกสารเข้า (in)' }, { value: 'out', label: 'เอกสารออก (out)' } ]}
    setValue=${v => set(element, injector, child, { direction: v })}/>`;
}

function text(prefix, child, attr, th, en) {
  return { id: `${prefix}-${attr}`, child, attr, th, en, component: TextAttr, isEdited: isTextFieldEntryEdited };
}

function nextControlId(step) {
  const ids = new Set(stepChildren(step, 'krabuan:Control').map(c => c.get('id')));
  let n = ids.size + 1;
  while (ids.has(`cp${n}`)) n++;
  return `cp${n}`;
}

export function listGroups(element, injector) {
  const step = findStep(element);
  const item = (kind, child, i, entries, name) => ({
    id: `${element.id}-${kind}-${i}`, label: name || `#${i + 1}`, entries,
    autoFocusEntry: entries[0].id, remove: () => removeStepChild(element, injector, child)
  });
  const controls = stepChildren(step, 'krabuan:Control').map((c, i) => {
    const p = `krabuan-control-${i}`;
    return item('control', c, i, [
      text(p, c, 'id', 'รหัส', 'Id'), text(p, c, 'th', 'ข้อความภาษาไทย', 'Thai text'),
      text(p, c, 'en', 'ข้อความภาษาอังกฤษ', 'English text')
    ], c.get('th') || c.get('id'));
  });
  const risks = stepChildren(step, 'krabuan:Risk').map((r, i) => {
    const p = `krabuan-risk-${i}`;
    return item('risk', r, i, [
      text(p, r, 'th', 'ความเสี่ยง (ไทย)', 'Risk (Thai)'), text(p, r, 'en', 'ความเสี่ยง (อังกฤษ)', 'Risk (English)'),
      text(p, r, 'factor', 'ปัจจัยเสี่ยง', 'Risk factor'),
      { id: `${p}-likelihood`, child: r, attr: 'likelihood', th: 'โอกาส (1-5)', en: 'Likelihood', component: ScaleAttr,
        isEdited: isSelectEntryEdited },
      { id: `${p}-impact`, child: r, attr: 'impact', th: 'ผลกระทบ (1-5)', en: 'Impact', component: ScaleAttr,
        isEdited: isSelectEntryEdited },
      { id: `${p}-score`, child: r, component: RiskScore }
    ], r.get('th'));
  });
  const documents = stepChildren(step, 'krabuan:Document').map((d, i) => {
    const p = `krabuan-document-${i}`;
    return item('document', d, i, [
      { id: `${p}-direction`, child: d, component: DirectionAttr, isEdited: isSelectEntryEdited },
      text(p, d, 'th', 'ชื่อเอกสาร (ไทย)', 'Document (Thai)'), text(p, d, 'en', 'ชื่อเอกสาร (อังกฤษ)', 'Document (English)')
    ], `${d.get('direction') === 'out' ? '↑' : '↓'} ${d.get('th') || d.get('en') || ''}`);
  });
  return [
    { id: 'krabuan-controls', label: title('จุดควบคุม', 'Control points'), component: ListGroup, element, items: controls,
      add: e => { e && e.stopPropagation && e.stopPropagation();
        addStepChild(element, injector, 'krabuan:Control', { id: nextControlId(step) }); } },
    { id: 'krabuan-risks', label: title('ความเสี่ยง', 'Risks'), component: ListGroup, element, items: risks,
      add: e => { e && e.stopPropagation && e.stopPropagation();
        addStepChild(element, injector, 'krabuan:Risk', {}); } },
    { id: 'krabuan-documents', label: title('เอกสารเข้า/ออก', 'Documents in and out'), component: ListGroup, element,
      items: documents,
      add: e => { e && e.stopPropagation && e.stopPropagation();
        addStepChild(element, injector, 'krabuan:Document', { direction: 'in' }); } }
  ];
}
