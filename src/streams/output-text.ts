// Container output as text. A UTF-8 character may be split across frames (and across network
// chunks with a TTY), so each stream keeps its own decoder that holds back an incomplete character
// until the rest of it arrives.
import { StringDecoder } from 'node:string_decoder';
import type { OutputFrame, OutputStreamName } from './output-frames.js';

export interface OutputText {
  stream: OutputStreamName;
  text: string;
}

/** Decodes frames to text per stream; yields nothing for a frame that only starts a character. */
export async function* decodeOutputText(frames: AsyncIterable<OutputFrame>): AsyncGenerator<OutputText, void, undefined> {
  const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  for await (const frame of frames) {
    const text = decoders[frame.stream].write(frame.data);
    if (text) yield { stream: frame.stream, text };
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    const rest = decoders[stream].end();
    if (rest) yield { stream, text: rest };
  }
}

/** Reads the whole output into two strings. Buffers everything: for output known to be small. */
export async function collectOutputText(frames: AsyncIterable<OutputFrame>): Promise<{ stdout: string; stderr: string }> {
  const collected = { stdout: '', stderr: '' };
  for await (const { stream, text } of decodeOutputText(frames)) collected[stream] += text;
  return collected;
}
