// Thai is written without spaces between words, so bpmn-js would break a long Thai label
// anywhere, even before a combining vowel. This renderer marks the word boundaries (found by
// the browser's Intl.Segmenter) with U+FEFF, which takes no width and which bpmn-js breaks
// lines at (it counts as \s), for drawing and measuring only: the names in the model are untouched.
import TextRenderer from 'bpmn-js/lib/draw/TextRenderer';

const THAI = /[\u0E00-\u0E7F]/;
const BREAK = '\uFEFF';

let segmenter = null;
try {
  segmenter = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter('th', { granularity: 'word' }) : null;
} catch (e) {
  segmenter = null;
}

export function breakThai(text) {
  if (!segmenter || !text || !THAI.test(text)) {
    return text;
  }
  let out = '';
  let previous = '';
  for (const { segment } of segmenter.segment(text)) {
    if (out && THAI.test(segment[0]) && THAI.test(previous[previous.length - 1])) {
      out += BREAK;
    }
    out += segment;
    previous = segment;
  }
  return out;
}

export default function ThaiTextRenderer(config) {
  TextRenderer.call(this, config);
  const { createText, getDimensions, getExternalLabelBounds, getTextAnnotationBounds } = this;
  this.createText = (text, options) => createText(breakThai(text), options);
  this.getDimensions = (text, options) => getDimensions(breakThai(text), options);
  this.getExternalLabelBounds = (bounds, text) => getExternalLabelBounds(bounds, breakThai(text));
  this.getTextAnnotationBounds = (bounds, text) => getTextAnnotationBounds(bounds, breakThai(text));
}

ThaiTextRenderer.$inject = TextRenderer.$inject;

export const ThaiTextRendererModule = {
  textRenderer: [ 'type', ThaiTextRenderer ]
};
