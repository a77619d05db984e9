// bpmn-js orders each plane's DI before export from what it drew, which drops the DI it does not
// draw (the shapes of a process no participant shows, an edge without bpmnElement). This keeps
// the same order for what is drawn and the rest after it, so a model loses nothing it came with.
import { getDi } from 'bpmn-js/lib/util/ModelUtil';
import { selfAndAllChildren } from 'diagram-js/lib/util/Elements';

const HIGH_PRIORITY = 2000;

export default function KeepingDiOrdering(eventBus, canvas) {
  eventBus.on('saveXML.start', HIGH_PRIORITY, () => {
    for (const root of canvas.getRootElements()) {
      const rootDi = getDi(root);
      if (!rootDi) {
        continue;
      }
      const drawn = selfAndAllChildren([ root ], false)
        .filter(element => element !== root && !element.labelTarget)
        .map(getDi)
        .filter(Boolean);
      const seen = new Set(drawn);
      const undrawn = (rootDi.get('planeElement') || []).filter(di => !seen.has(di));
      rootDi.set('planeElement', [ ...drawn, ...undrawn ]);
    }
  });
}

KeepingDiOrdering.$inject = [ 'eventBus', 'canvas' ];

export const KeepingDiOrderingModule = {
  __init__: [ 'bpmnDiOrdering' ],
  bpmnDiOrdering: [ 'type', KeepingDiOrdering ]
};
