// The stream parsers on their own, for bytes from anywhere (a raw StreamingResponse, a hijacked
// socket, a file): pull-based, with one frame or record and one chunk held at most.
import { DecodedStream, type ItemStream } from './decoded-stream.js';
import { JsonRecordDecoder, type JsonRecordOptions } from './json-records.js';
import { MultiplexedDecoder, type DemultiplexOptions, type OutputFrame } from './output-frames.js';

/** Splits a multiplexed stream (logs or attach without a TTY) into stdout and stderr frames. */
export function demultiplex(chunks: AsyncIterable<Uint8Array>, options?: DemultiplexOptions): ItemStream<OutputFrame> {
  return new DecodedStream(async () => ({ chunks, decoder: new MultiplexedDecoder(options) }));
}

/** Parses NDJSON, JSON Lines or a JSON text sequence into its records. */
export function jsonRecords<T = unknown>(chunks: AsyncIterable<Uint8Array>, options?: JsonRecordOptions<T>): ItemStream<T> {
  return new DecodedStream(async () => ({ chunks, decoder: new JsonRecordDecoder<T>(options) }));
}
