/**
 * The Verhoeff check digit (dihedral group D5): catches every single-digit error and every
 * adjacent transposition, which is why national ID numbers use it. The tables are built from
 * the group's definition rather than typed in: elements 0–4 are the rotations, 5–9 the
 * reflections; the position permutation is σ = (0 1 5 8 9 4 2 7)(3 6), applied i mod 8 times.
 */
const D: number[][] = Array.from({ length: 10 }, (_, j) => Array.from({ length: 10 }, (_, k) => {
  const mod5 = (n: number): number => ((n % 5) + 5) % 5;
  if (j < 5 && k < 5) return mod5(j + k);
  if (j < 5) return 5 + mod5(j + k - 5);
  if (k < 5) return 5 + mod5(j - 5 - k);
  return mod5(j - k);
}));

const SIGMA = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4];
const P: number[][] = [Array.from({ length: 10 }, (_, i) => i)];
for (let i = 1; i < 8; i++) P.push(P[i - 1].map((d) => SIGMA[d]));

/** The inverse of each element of D5 (rotations k ↦ 5−k, reflections are their own inverse). */
const INV = Array.from({ length: 10 }, (_, j) => D[j].indexOf(0));

/** The check digit to append to `digits` (a string of 0–9). */
export function verhoeffDigit(digits: string): number {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = D[c][P[(i + 1) % 8][digit]];
  }
  return INV[c];
}

/** Whether `number` (digits, check digit last) passes the Verhoeff check. */
export function verhoeffValid(number: string): boolean {
  if (!/^\d+$/.test(number)) return false;
  let c = 0;
  for (let i = 0; i < number.length; i++) c = D[c][P[i % 8][number.charCodeAt(number.length - 1 - i) - 48]];
  return c === 0;
}
