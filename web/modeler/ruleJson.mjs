// Deadline rules as the files write them: Python's json.dumps text, keys in the files' order.
// Pure (no browser, no bpmn-js): the tests run it under node too.

// Where a key goes when it is added: the files write type, amount, unit, the anchor, then the rest.
export const KEY_ORDER = [ 'type', 'amount', 'unit', 'event', 'anchor', 'from', 'by', 'month', 'day', 'from_month',
  'to_month', 'from_day', 'to_day', 'roll' ];

/** The rule with key set to value (undefined removes it): an existing key keeps its place. */
export function withKey(rule, key, value) {
  const entries = Object.entries(rule || {});
  const at = entries.findIndex(([ k ]) => k === key);
  if (value === undefined) {
    if (at >= 0) entries.splice(at, 1);
  } else if (at >= 0) {
    entries[at] = [ key, value ];
  } else {
    const rank = k => { const i = KEY_ORDER.indexOf(k); return i < 0 ? KEY_ORDER.length : i; };
    let pos = entries.findIndex(([ k ]) => rank(k) > rank(key));
    if (pos < 0) pos = entries.length;
    entries.splice(pos, 0, [ key, value ]);
  }
  return Object.fromEntries(entries);
}

/** JSON text as Python's json.dumps(value, ensure_ascii=False) writes it (", " and ": "). */
export function pyJson(value) {
  if (Array.isArray(value)) {
    return '[' + value.map(pyJson).join(', ') + ']';
  }
  if (value && typeof value === 'object') {
    return '{' + Object.entries(value).map(([ k, v ]) => JSON.stringify(k) + ': ' + pyJson(v)).join(', ') + '}';
  }
  if (value === undefined) {
    return 'null';
  }
  return JSON.stringify(value);
}

