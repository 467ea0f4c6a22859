/**
 * FNV-1a (32-bit) over a string's UTF-16 code units: cheap enough to run over a 10 MB snapshot
 * (tens of milliseconds), and any truncation or changed character shows up with near certainty.
 * It guards against damage, not against an adversary.
 */
export function checksum(text: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) {
    h ^= text.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
