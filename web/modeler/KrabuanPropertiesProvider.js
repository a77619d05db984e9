// The Krabuan groups of the properties panel: a step's metadata (kind, form, duration, deadline,
// control points, risks, documents), a gateway flow's condition builder and a timer's expression.
import { is } from 'bpmn-js/lib/util/ModelUtil';

import { conditionEntries, isGatewayFlow } from './conditionProps.js';
import { deadlineEntries } from './deadlineProps.js';
import { hasProcess, laneEntries, processEntries } from './laneProps.js';
import { listGroups } from './listProps.js';
import { startFormEntries, stepEntries } from './stepProps.js';
import { timerDefinition, timerEntries } from './timerProps.js';
import { title } from './util.js';

const STEP_TYPES = [ 'bpmn:UserTask', 'bpmn:ManualTask' ];

export default class KrabuanPropertiesProvider {
  constructor(propertiesPanel, injector) {
    this._injector = injector;
    propertiesPanel.registerProvider(400, this);
  }

  getGroups(element) {
    return groups => {
      const ours = [];
      const injector = this._injector;
      if (STEP_TYPES.some(t => is(element, t)) || (is(element, 'bpmn:Task') && element.type === 'bpmn:Task')) {
        ours.push({ id: 'krabuan', label: title('ขั้นตอน (Krabuan)', 'Krabuan step'), entries: stepEntries(element),
          shouldOpen: true });
        ours.push({ id: 'krabuan-deadline', label: title('กำหนดเสร็จ', 'Deadline rule'), entries: deadlineEntries(element),
          shouldOpen: true });
        ours.push(...listGroups(element, injector));
      }
      if (is(element, 'bpmn:StartEvent') && !(element.businessObject.get('eventDefinitions') || []).length) {
        ours.push({ id: 'krabuan-start', label: title('แบบฟอร์มเริ่มเรื่อง', 'Start form'),
          entries: startFormEntries(element), shouldOpen: true });
      }
      if (isGatewayFlow(element)) {
        ours.push({ id: 'krabuan-condition', label: title('เงื่อนไขของเส้นทาง', 'Flow condition'),
          entries: conditionEntries(element), shouldOpen: true });
      }
      if (is(element, 'bpmn:Event') && timerDefinition(element)) {
        groups = groups.filter(g => g.id !== 'timer');
        ours.push({ id: 'krabuan-timer', label: title('ตัวจับเวลา', 'Timer'), entries: timerEntries(element),
          shouldOpen: true });
      }
      if (is(element, 'bpmn:Lane')) {
        ours.push({ id: 'krabuan-lane', label: title('ผู้ปฏิบัติในช่องงาน', 'Lane groups'), entries: laneEntries(element),
          shouldOpen: true });
      }
      if (hasProcess(element)) {
        ours.push({ id: 'krabuan-process', label: title('ผู้เริ่มกระบวนการ', 'Who may start'),
          entries: processEntries(element), shouldOpen: true });
      }
      const at = groups.findIndex(g => g.id === 'general');
      groups.splice(at < 0 ? 0 : at + 1, 0, ...ours);
      return groups;
    };
  }
}

KrabuanPropertiesProvider.$inject = [ 'propertiesPanel', 'injector' ];

export const KrabuanPropertiesProviderModule = {
  __init__: [ 'krabuanPropertiesProvider' ],
  krabuanPropertiesProvider: [ 'type', KrabuanPropertiesProvider ]
};
