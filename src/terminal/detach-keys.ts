// The detach key sequence of `docker run -it` / `docker attach`, in the Docker CLI's notation
// ("ctrl-p,ctrl-q", "ctrl-a,x"), and a scanner that finds it in what the user types. The engine
// watches for the sequence too, but only where it was told it at attach or exec creation; doing it
// here as the CLI does makes detaching work the same for attach and exec, and on any engine.
import { DockerUsageError } from '../errors.js';

/** What `docker attach` and `docker run -it` use unless told otherwise. */
export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

// `ctrl-` names a control character by the key pressed with Ctrl: @ is 0, a–z are 1–26, then [ \ ] ^ _.
const CONTROL_KEYS = '@abcdefghijklmnopqrstuvwxyz[\\]^_';

/**
 * The bytes of a detach sequence: comma-separated keys, each a single character or `ctrl-<key>`.
 * Throws DockerUsageError for anything the Docker CLI would refuse (empty keys, unknown names).
 */
export function parseDetachKeys(keys: string): Buffer {
  if (typeof keys !== 'string' || keys === '') throw new DockerUsageError('detach keys must be a non-empty string such as "ctrl-p,ctrl-q"');
  const bytes = keys.split(',').map((key) => {
    if (key.length === 1 && key.charCodeAt(0) < 0x80) return key.charCodeAt(0);
    const control = /^ctrl-(.)$/.exec(key)?.[1];
    const code = control === undefined ? -1 : CONTROL_KEYS.indexOf(control);
    if (code < 0) {
      throw new DockerUsageError(`detach keys "${keys}": "${key}" is neither one ASCII character nor ctrl- with one of a-z @ [ \\ ] ^ _`);
    }
    return code;
  });
  return Buffer.from(bytes);
}

/**
 * Finds the sequence in a stream of typed bytes. Bytes that could start the sequence are held
 * back until the next byte decides; if it does not continue the sequence they are passed on after
 * all, so a lone ctrl-p still reaches the program in the container.
 */
export class DetachKeyScanner {
  readonly #sequence: Buffer;
  #matched = 0;

  constructor(sequence: Buffer) {
    if (sequence.length === 0) throw new DockerUsageError('the detach key sequence is empty');
    this.#sequence = sequence;
  }

  /** What to forward from `chunk`, and whether the sequence was completed (the rest of the chunk is dropped then). */
  scan(chunk: Buffer): { forward: Buffer; detached: boolean } {
    // Pasted or piped input rarely holds the first key: pass it on uncopied.
    if (this.#matched === 0 && !chunk.includes(this.#sequence[0]!)) return { forward: chunk, detached: false };
    const forward: number[] = [];
    for (const byte of chunk) {
      const held = [...this.#sequence.subarray(0, this.#matched), byte];
      // The longest tail of the held bytes that still starts the sequence stays held; the rest was typed input.
      let keep = Math.min(held.length, this.#sequence.length);
      while (keep > 0 && !held.slice(held.length - keep).every((value, index) => value === this.#sequence[index])) keep -= 1;
      forward.push(...held.slice(0, held.length - keep));
      this.#matched = keep;
      if (keep === this.#sequence.length) {
        this.#matched = 0;
        return { forward: Buffer.from(forward), detached: true };
      }
    }
    return { forward: Buffer.from(forward), detached: false };
  }
}
