// Medians and the one table every figure is printed in.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Prints sections of rows side by side: each section has column titles and rows of
 * `[label, ...cells]`; every cell is already formatted.
 */
export function printTable(title, sections) {
  const width = (index) => Math.max(...sections.flatMap((s) => [s.columns[index] ?? '', ...s.rows.map((r) => r[index] ?? '')]).map((t) => t.length));
  const columns = Math.max(...sections.map((s) => s.columns.length));
  const widths = Array.from({ length: columns }, (_, i) => width(i));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('   ');
  const rule = '─'.repeat(widths.reduce((sum, w) => sum + w + 3, -3));
  console.log(`\n${title}\n${rule}`);
  for (const section of sections) {
    console.log(line(section.columns));
    for (const row of section.rows) console.log(line(row));
    console.log(rule);
  }
}

export const ratio = (value, baseline) => `${(value / baseline).toFixed(2)}×`;
