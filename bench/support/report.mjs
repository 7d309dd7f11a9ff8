// Medians, the one table every figure is printed in, and figures judged against their targets.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Prints sections of rows side by side: each section has column titles and rows of
 * `[label, ...cells]`; every cell is already formatted. Cells are left-aligned, so that the figure
 * at the start of each lines up whether or not a target follows it.
 */
export function printTable(title, sections) {
  const width = (index) => Math.max(...sections.flatMap((s) => [s.columns[index] ?? '', ...s.rows.map((r) => r[index] ?? '')]).map((t) => t.length));
  const columns = Math.max(...sections.map((s) => s.columns.length));
  const widths = Array.from({ length: columns }, (_, i) => width(i));
  const line = (cells) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('   ')
      .trimEnd();
  const rule = '─'.repeat(widths.reduce((sum, w) => sum + w + 3, -3));
  console.log(`\n${title}\n${rule}`);
  for (const section of sections) {
    console.log(line(section.columns));
    for (const row of section.rows) console.log(line(row));
    console.log(rule);
  }
}

/**
 * `figure` printed with `digits` decimals and `unit`, then its target and whether it is met:
 * `0.91× (target ≥0.8×) ✓`. Judged on the figure as printed, so the line never contradicts itself.
 * A target is `{ atLeast }` or `{ atMost }`; `width` pads the figure, to line it up with others in its column.
 */
export function judged(figure, digits, unit, target, width = 0) {
  const shown = figure.toFixed(digits);
  const met = 'atLeast' in target ? Number(shown) >= target.atLeast : Number(shown) <= target.atMost;
  const bound = 'atLeast' in target ? `≥${target.atLeast}` : `≤${target.atMost}`;
  return `${shown.padStart(width)}${unit} (target ${bound}${unit}) ${met ? '✓' : '✗'}`;
}

/** A whole-number figure and its ratio to `baseline`, judged when the figure has a target: `  655  0.90× (target ≥0.8×) ✓`. */
export function ratioCell(value, baseline, target) {
  const ratio = value / baseline;
  return `${value.toFixed(0).padStart(5)}  ${target ? judged(ratio, 2, '×', target) : `${ratio.toFixed(2)}×`}`;
}
