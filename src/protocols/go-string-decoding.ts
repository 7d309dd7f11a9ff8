// File names are bytes on Linux and need not be valid UTF-8. Such names are kept as bytes for the
// file system and the archive, and matched against patterns as Go sees them: every byte that is
// not part of a valid UTF-8 sequence reads as U+FFFD.
// Written here, not taken from a package: TextDecoder replaces a whole invalid sequence with one
// U+FFFD where Go gives one per byte, and patterns must see the names exactly as Go does.

/** Decodes like Go's range over a string: one U+FFFD per invalid byte. */
export function decodeLikeGo(bytes: Uint8Array): string {
  let out = '';
  let index = 0;
  while (index < bytes.length) {
    const length = validSequenceLength(bytes, index);
    if (length === 0) {
      out += '\ufffd';
      index++;
    } else {
      out += Buffer.from(bytes.subarray(index, index + length)).toString('utf8');
      index += length;
    }
  }
  return out;
}

// Length of the valid UTF-8 sequence starting at `index`, or 0 if there is none.
function validSequenceLength(bytes: Uint8Array, index: number): number {
  const lead = bytes[index]!;
  if (lead < 0x80) return 1;
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f; // no UTF-16 surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else return 0;
  for (let offset = 1; offset < length; offset++) {
    const byte = bytes[index + offset];
    if (byte === undefined || byte < (offset === 1 ? low : 0x80) || byte > (offset === 1 ? high : 0xbf)) return 0;
  }
  return length;
}
