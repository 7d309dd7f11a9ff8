// Cuts a step's output, which BuildKit sends in pieces that may end mid-line or mid-character,
// into lines. A line longer than the limit comes out in pieces of the limit, wherever the output
// was cut, so output without newlines (a progress bar drawn with carriage returns, binary junk)
// cannot grow the held text without bound.
const DEFAULT_LINE_LIMIT = 4096;

export class LineSplitter {
  readonly #decoder = new TextDecoder('utf-8');
  readonly #limit: number;
  #partial = '';

  constructor(limit = DEFAULT_LINE_LIMIT) {
    this.#limit = limit;
  }

  /** The lines the bytes complete, without their newlines. */
  write(bytes: Uint8Array): string[] {
    const pieces = (this.#partial + this.#decoder.decode(bytes, { stream: true })).split('\n');
    const partial = pieces.pop()!;
    const lines = pieces.flatMap((line) => this.#pieces(line));
    // Whole pieces of the unfinished line go out now; at least one character stays to be finished.
    const whole = partial.length === 0 ? 0 : (Math.ceil(partial.length / this.#limit) - 1) * this.#limit;
    if (whole > 0) lines.push(...this.#pieces(partial.slice(0, whole)));
    this.#partial = partial.slice(whole);
    return lines;
  }

  /** The unfinished last line, if any (the splitter stays usable). */
  get pending(): string {
    return this.#partial;
  }

  /** Ends the output: the unfinished last line, if any, as a line of its own. */
  flush(): string[] {
    const rest = this.#partial + this.#decoder.decode();
    this.#partial = '';
    return rest === '' ? [] : this.#pieces(rest);
  }

  // A line in pieces of the limit; an empty line is one empty piece.
  #pieces(line: string): string[] {
    if (line.length <= this.#limit) return [line];
    const out: string[] = [];
    for (let start = 0; start < line.length; start += this.#limit) out.push(line.slice(start, start + this.#limit));
    return out;
  }
}
