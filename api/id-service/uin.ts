/**
 * UINs: random (crypto), fixed length, Verhoeff check digit last. Random draws are filtered so
 * a UIN never looks sequential or easy to mistype-collide: no leading 0 or 1 (lost in forms and
 * spreadsheets), no three equal digits in a row, no four ascending or descending digits in a row,
 * not a palindrome. Uniqueness is checked by the store inside the issuing transaction.
 */
import { randomInt } from 'node:crypto';
import { verhoeffDigit, verhoeffValid } from './verhoeff.ts';
import { MAX_UIN_LENGTH, MIN_UIN_LENGTH } from './params.ts';

export function randomUinCandidate(length: number): string {
  if (!(Number.isInteger(length) && length >= MIN_UIN_LENGTH && length <= MAX_UIN_LENGTH)) {
    throw new RangeError(`UIN length must be ${MIN_UIN_LENGTH}–${MAX_UIN_LENGTH}`);
  }
  let body = String(randomInt(2, 10));
  while (body.length < length - 1) body += String(randomInt(0, 10));
  return body + String(verhoeffDigit(body));
}

/** Whether a well-formed UIN passes the pattern filters (issued UINs always do). */
export function uinPatternAllowed(uin: string): boolean {
  if (uin[0] === '0' || uin[0] === '1') return false;
  if (/(\d)\1\1/.test(uin)) return false;
  let up = 1, down = 1;
  for (let i = 1; i < uin.length; i++) {
    const step = uin.charCodeAt(i) - uin.charCodeAt(i - 1);
    up = step === 1 ? up + 1 : 1;
    down = step === -1 ? down + 1 : 1;
    if (up >= 4 || down >= 4) return false;
  }
  return uin !== [...uin].reverse().join('');
}

/** Syntax check of a presented UIN: 10–12 digits with a valid Verhoeff check digit. */
export function isWellFormedUin(value: unknown): value is string {
  return typeof value === 'string' && value.length >= MIN_UIN_LENGTH && value.length <= MAX_UIN_LENGTH && verhoeffValid(value);
}
