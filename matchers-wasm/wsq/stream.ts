// The compressed input: a bounds-checked big-endian cursor. Every read is preceded by need(),
// so a cut or lying stream ends in E_TRUNCATED, never a read past the input.

export let inPos: usize = 0;
export let inEnd: usize = 0;
/** Where the input starts (error offsets are reported relative to it). */
export let inStart: usize = 0;

export function openStream(start: usize, length: i32): void {
  inStart = start;
  inPos = start;
  inEnd = start + <usize>length;
}

/** True when n more bytes are available. */
@inline export function has(n: i32): bool {
  return <usize>n <= inEnd - inPos;
}

@inline export function offset(): i32 {
  return <i32>(inPos - inStart);
}

/** Callers check has() first. */
@inline export function byte(): i32 {
  const v = <i32>load<u8>(inPos);
  inPos += 1;
  return v;
}

@inline export function word(): i32 {
  const v = (<i32>load<u8>(inPos) << 8) | <i32>load<u8>(inPos + 1);
  inPos += 2;
  return v;
}

@inline export function quad(): u32 {
  const v = (<u32>load<u8>(inPos) << 24) | (<u32>load<u8>(inPos + 1) << 16) | (<u32>load<u8>(inPos + 2) << 8) | <u32>load<u8>(inPos + 3);
  inPos += 4;
  return v;
}

/** value / 10^scale: how WSQ transmits every real number (filter taps, Q, Z, C, M, R). */
export function scaled(value: f64, scale: i32): f64 {
  let v = value;
  for (let s = 0; s < scale; s++) v /= 10.0;
  return v;
}

/** Bytes left. */
@inline export function remaining(): usize {
  return inEnd - inPos;
}

/** The byte k ahead, unread (callers check remaining() first). */
@inline export function peek(k: i32): i32 {
  return <i32>load<u8>(inPos + <usize>k);
}

@inline export function skip(n: i32): void {
  inPos += <usize>n;
}
