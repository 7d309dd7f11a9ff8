// The readable form of a compare: what the spec lacks, grouped by kind and then by operation, and
// what x-engine-differs notes explain, grouped by note (one note often explains many items).
import { CATEGORIES } from './compare.mjs';

const HEADINGS = {
  operations: 'Operations',
  parameters: 'Parameters',
  requestBodyFields: 'Request body fields',
  responses: 'Responses (status codes)',
  responseFields: 'Response fields',
  enumValues: 'Enum values',
};

export function textReport({ upstream, spec, missing, explained }) {
  const lines = [
    `upstream: ${upstream.file} (API ${upstream.version ?? 'not stated'})`,
    `spec:     ${spec.source} (API ${spec.version})`,
    '',
    'What upstream has and the spec lacks:',
  ];
  for (const category of CATEGORIES) lines.push(...missingSection(category, missing[category]));
  lines.push('', ...explainedSection(explained));
  lines.push('', summaryLine(missing, explained));
  return `${lines.join('\n')}\n`;
}

function summaryLine(missing, explained) {
  const counts = CATEGORIES.map((category) => `${missing[category].length} ${HEADINGS[category].toLowerCase()}`);
  const explainedCount = CATEGORIES.reduce((sum, category) => sum + explained[category].length, 0);
  return `Missing: ${counts.join(', ')}. Explained by x-engine-differs: ${explainedCount}.`;
}

function missingSection(category, items) {
  if (!items.length) return [`  ${HEADINGS[category]}: none`];
  if (category === 'operations') {
    return [`  ${HEADINGS[category]} (${items.length}):`, ...items.map((item) => `    ${item.method} ${item.path}  ${item.operationId ?? ''}`.trimEnd())];
  }
  const lines = [`  ${HEADINGS[category]} (${items.length}):`];
  for (const [operation, ofOperation] of groupBy(items, operationLabel)) {
    lines.push(`    ${operation}`, ...ofOperation.map((item) => `      ${itemLabel(category, item)}`));
  }
  return lines;
}

function explainedSection(explained) {
  const items = CATEGORIES.flatMap((category) => explained[category].map((item) => ({ category, item })));
  if (!items.length) return ['Explained by x-engine-differs notes: none'];
  const byNote = groupBy(items, ({ item }) => item.note);
  const lines = [`Explained by x-engine-differs notes (${items.length} items, ${byNote.size} notes):`];
  for (const [note, ofNote] of byNote) {
    lines.push(`  "${note.trim().replace(/\s+/g, ' ')}"`);
    for (const { category, item } of ofNote) {
      lines.push(`    ${operationLabel(item)}: ${itemLabel(category, item)}`);
    }
  }
  return lines;
}

function operationLabel(item) {
  return `${item.operationId ?? '(no operationId)'}  ${item.method} ${item.path}`;
}

function itemLabel(category, item) {
  const field = (path) => path || '(the whole body)';
  switch (category) {
    case 'operations':
      return 'the operation';
    case 'parameters':
      return `${item.in} parameter ${item.name}`;
    case 'requestBodyFields':
      return `request body ${field(item.field)}`;
    case 'responses':
      return `response ${item.status}`;
    case 'responseFields':
      return `response ${item.status} ${field(item.field)}`;
    case 'enumValues':
      return `${enumPlace(item)} ${item.field || '(the whole body)'}: ${JSON.stringify(item.value)}`;
    default:
      throw new Error(`unknown category ${category}`);
  }
}

function enumPlace(item) {
  if (item.where === 'parameter') return `${item.in} parameter`;
  if (item.where === 'response') return `response ${item.status}`;
  return item.where;
}

function groupBy(items, keyOf) {
  const groups = new Map();
  for (const item of items) {
    const key = keyOf(item);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  return groups;
}
