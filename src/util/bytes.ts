/** The bytes of several typed arrays, one after another, in a new Uint8Array of their total byte length. */
export function concatBytes(parts: readonly ArrayBufferView[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let off = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), off);
    off += p.byteLength;
  }
  return out;
}
