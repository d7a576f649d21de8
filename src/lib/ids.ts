// Application-chosen ids: a prefix naming the kind and 80 random bits in base32, like
// "bkg_k3m9x2q7p4w8n6r5". Chosen before the write, so one batch can insert a row and the
// audit event that names it.
const alphabet = "abcdefghijklmnopqrstuvwxyz234567";

export function encodeBase32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

export function randomBase32(byteCount: number): string {
  return encodeBase32(crypto.getRandomValues(new Uint8Array(byteCount)));
}

export type IdPrefix =
  | "org" | "usr" | "rel" | "prg" | "app" | "vch" | "acc" | "off" | "blk" | "bkg" | "req" | "inv" | "fil"
  | "evt" | "whe" | "clm" | "cob" | "anm" | "pwr" | "pat";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase32(10)}`;
}
