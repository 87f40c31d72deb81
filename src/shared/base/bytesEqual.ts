// The one byte comparison for values where one side is secret or attacker-chosen (MACs, tokens, keys): its time
// depends only on the lengths, never on where the first difference is.
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
