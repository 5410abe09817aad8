/**
 * The MOSIP ABIS API v0.9 message set: request validation (raw JSON → a typed request or the
 * failure reason MOSIP documents for what is wrong) and response shapes. Checks run in the order
 * MOSIP's reasons suggest: id, requestId, version, requesttime, then per-operation fields.
 * `referenceUrl` is accepted for `referenceURL` (the registration processor sends that key on
 * identify); flags may be strings or numbers (MOSIP's examples quote them).
 */
import { ABIS_PARAMS } from './params.ts';
import { FAILURE, RETURN_FAILED, RETURN_SUCCESS, type FailureReason } from './failure-reasons.ts';

export const ABIS_OPERATIONS = ['mosip.abis.insert', 'mosip.abis.identify', 'mosip.abis.delete', 'mosip.abis.ping', 'mosip.abis.pendingJobs', 'mosip.abis.referenceCount'] as const;
export type AbisOperation = (typeof ABIS_OPERATIONS)[number];

/** Versions MOSIP's processors send ("1.1"; older setups "1.0"). */
export const ACCEPTED_VERSIONS: readonly string[] = ['1.0', '1.1'];

interface Common { readonly id: AbisOperation; readonly requestId: string; readonly version: string; readonly requesttime: string }
export type AbisRequest =
  | Common & { readonly id: 'mosip.abis.insert'; readonly referenceId: string; readonly referenceURL: string }
  | Common & {
    readonly id: 'mosip.abis.identify'; readonly referenceId?: string; readonly referenceURL?: string;
    readonly maxResults?: number; readonly targetFPIR?: number; readonly galleryIds?: readonly string[];
  }
  | Common & { readonly id: 'mosip.abis.delete'; readonly referenceId: string }
  | Common & { readonly id: 'mosip.abis.ping' | 'mosip.abis.pendingJobs' | 'mosip.abis.referenceCount' };

export interface AbisCandidateJson {
  referenceId: string;
  analytics: { internalScore: string; confidence: string };
  modalities: { biometricType: string; analytics: { internalScore: string; confidence: string } }[];
}

export interface AbisResponse {
  id: string;
  requestId: string;
  responsetime: string;
  returnValue: typeof RETURN_SUCCESS | typeof RETURN_FAILED;
  failureReason?: string;
  jobscount?: string;
  count?: string;
  candidateList?: { count: string; candidates: AbisCandidateJson[] };
}

/** A request that cannot be served, with the MOSIP reason and a sentence for logs. */
export class AbisRequestError extends Error {
  readonly failureReason: FailureReason;
  readonly id: string | null;
  readonly requestId: string | null;
  constructor(failureReason: FailureReason, message: string, id: string | null, requestId: string | null) {
    super(message);
    this.name = 'AbisRequestError';
    this.failureReason = failureReason;
    this.id = id;
    this.requestId = requestId;
  }
}

/**
 * The attributes each operation may carry (MOSIP ABIS API v0.9; the registration processor's
 * request DTOs). Anything else is an invalid structure (4): the CTK adds `newUnknownValue` (ABIS3002,
 * ABIS3019). Checked after the missing-field reasons, because the CTK makes a field "missing" by
 * renaming it (ABIS3003: referenceId → an unknown key, expected 5, not 4).
 */
const ATTRIBUTES: Readonly<Record<AbisOperation, readonly string[]>> = {
  'mosip.abis.insert': ['id', 'version', 'requestId', 'requesttime', 'referenceId', 'referenceURL', 'referenceUrl'],
  'mosip.abis.identify': ['id', 'version', 'requestId', 'requesttime', 'referenceId', 'referenceURL', 'referenceUrl', 'flags', 'gallery'],
  'mosip.abis.delete': ['id', 'version', 'requestId', 'requesttime', 'referenceId'],
  'mosip.abis.ping': ['id', 'version', 'requestId', 'requesttime'],
  'mosip.abis.pendingJobs': ['id', 'version', 'requestId', 'requesttime'],
  'mosip.abis.referenceCount': ['id', 'version', 'requestId', 'requesttime'],
};

const REQUEST_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/;
const ID_TEXT = /^[A-Za-z0-9._:-]+$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown): boolean => v === undefined || v === null || v === '';

export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * A failure answer. The CTK's error schemas require `id` and `requestId` as strings, so a request
 * that lacks them (or is not JSON) is answered with "" there rather than null.
 */
export function failureResponse(id: string | null, requestId: string | null, reason: FailureReason): AbisResponse {
  return { id: id ?? '', requestId: requestId ?? '', responsetime: nowIso(), returnValue: RETURN_FAILED, failureReason: String(reason) };
}

export function successResponse(id: string, requestId: string, extra: Partial<AbisResponse> = {}): AbisResponse {
  return { id, requestId, responsetime: nowIso(), returnValue: RETURN_SUCCESS, ...extra };
}

/** The request's requestId when it has a usable one (for logs and replays before validation). */
export function requestIdOf(body: unknown): string | null {
  const id = isObject(body) ? body.requestId : undefined;
  return typeof id === 'string' && id.length <= ABIS_PARAMS.maxIdLength && ID_TEXT.test(id) ? id : null;
}

/** Validates a parsed JSON body. Throws AbisRequestError with the documented failure reason. */
export function parseAbisRequest(body: unknown): AbisRequest {
  if (!isObject(body)) throw new AbisRequestError(FAILURE.invalidStructure, 'the request must be a JSON object', null, null);
  const rawId = typeof body.id === 'string' ? body.id : null;
  const requestId = requestIdOf(body);
  const fail = (reason: FailureReason, message: string): never => {
    throw new AbisRequestError(reason, message, rawId !== null && (ABIS_OPERATIONS as readonly string[]).includes(rawId) ? rawId : rawId?.slice(0, 64) ?? null, requestId);
  };
  if (rawId === null || !(ABIS_OPERATIONS as readonly string[]).includes(rawId)) fail(FAILURE.invalidId, 'id is not a MOSIP ABIS operation');
  const id = rawId as AbisOperation;
  if (absent(body.requestId)) fail(FAILURE.missingRequestId, 'requestId is missing');
  if (requestId === null) fail(FAILURE.invalidStructure, `requestId must be a string of 1–${ABIS_PARAMS.maxIdLength} characters [A-Za-z0-9._:-]`);
  // MOSIP has no "version missing" reason: the CTK (ABIS3011/3023) expects 4 for it; 13 is a version of the wrong value
  if (absent(body.version)) fail(FAILURE.invalidStructure, 'version is missing');
  if (typeof body.version !== 'string' || !ACCEPTED_VERSIONS.includes(body.version)) fail(FAILURE.invalidVersion, `version must be one of ${ACCEPTED_VERSIONS.join(', ')}`);
  if (absent(body.requesttime)) fail(FAILURE.missingRequestTime, 'requesttime is missing');
  if (typeof body.requesttime !== 'string' || !REQUEST_TIME.test(body.requesttime) || Number.isNaN(Date.parse(body.requesttime))) {
    fail(FAILURE.invalidRequestTime, 'requesttime must be an ISO 8601 UTC date-time, e.g. 2020-03-29T07:01:24.692Z');
  }
  const common = { id, requestId: requestId!, version: body.version as string, requesttime: body.requesttime as string };

  const referenceId = (): string | undefined => {
    const v = body.referenceId;
    if (absent(v)) return undefined;
    if (typeof v !== 'string' || v.length > 64 || !ID_TEXT.test(v)) fail(FAILURE.invalidStructure, 'referenceId must be a string of 1–64 characters [A-Za-z0-9._:-]');
    return v as string;
  };
  // Any string is accepted here: a URL that cannot be fetched (malformed, another scheme, a host
  // the allow-list does not name) is "unable to fetch" (7) at the fetch stage, as the CTK expects
  // for "http::/…" (ABIS3006).
  const referenceUrl = (): string | undefined => {
    const v = absent(body.referenceURL) ? body.referenceUrl : body.referenceURL;
    if (absent(v)) return undefined;
    if (typeof v !== 'string' || v.length > 4096) fail(FAILURE.invalidStructure, 'referenceURL must be a string of at most 4096 characters');
    return v as string;
  };
  const noUnknownAttributes = (): void => {
    const unknown = Object.keys(body).filter((k) => !ATTRIBUTES[id].includes(k));
    if (unknown.length > 0) fail(FAILURE.invalidStructure, `unknown attribute ${JSON.stringify(unknown[0].slice(0, 40))}`);
  };

  switch (id) {
    case 'mosip.abis.insert': {
      const ref = referenceId() ?? fail(FAILURE.missingReferenceId, 'referenceId is missing');
      const url = referenceUrl() ?? fail(FAILURE.missingReferenceUrl, 'referenceURL is missing');
      noUnknownAttributes();
      return { ...common, id, referenceId: ref, referenceURL: url };
    }
    case 'mosip.abis.delete': {
      const ref = referenceId() ?? fail(FAILURE.missingReferenceId, 'referenceId is missing');
      noUnknownAttributes();
      return { ...common, id, referenceId: ref };
    }
    case 'mosip.abis.identify': {
      const ref = referenceId();
      const url = referenceUrl();
      if (ref === undefined && url === undefined) fail(FAILURE.missingReferenceId, 'identify needs a referenceId (or a referenceURL)');
      noUnknownAttributes();
      const flags = body.flags;
      if (!absent(flags) && !isObject(flags)) fail(FAILURE.invalidStructure, 'flags must be an object');
      const f = isObject(flags) ? flags : {};
      const number = (name: string, ok: (n: number) => boolean): number | undefined => {
        const v = f[name];
        if (absent(v)) return undefined;
        const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
        if (!ok(n)) fail(FAILURE.invalidStructure, `flags.${name} is out of range`);
        return n;
      };
      const maxResults = number('maxResults', (n) => Number.isInteger(n) && n >= 1 && n <= 1000);
      const targetFPIR = number('targetFPIR', (n) => Number.isFinite(n) && n >= 0 && n <= 100);
      // No gallery, gallery null, {} or an empty referenceIds list all mean the whole database
      // (the registration processor sends null; the CTK's ABIS3026 sends an empty list).
      let galleryIds: string[] | undefined;
      const g = body.gallery;
      if (!absent(g) && !isObject(g)) fail(FAILURE.invalidStructure, 'gallery must be an object { referenceIds: [...] }');
      const listed = isObject(g) ? g.referenceIds : undefined;
      if (!absent(listed) && (!Array.isArray(listed) || listed.length > ABIS_PARAMS.maxGalleryIds)) {
        fail(FAILURE.invalidStructure, `gallery.referenceIds must be a list of at most ${ABIS_PARAMS.maxGalleryIds} { referenceId }`);
      }
      if (Array.isArray(listed) && listed.length > 0) {
        galleryIds = listed.map((entry) => {
          const r = isObject(entry) ? entry.referenceId : entry;
          if (typeof r !== 'string' || r.length === 0 || r.length > 64) fail(FAILURE.invalidStructure, 'gallery.referenceIds entries must be { referenceId: string }');
          return r as string;
        });
      }
      return { ...common, id, referenceId: ref, referenceURL: url, maxResults, targetFPIR, galleryIds };
    }
    default:
      noUnknownAttributes();
      return { ...common, id } as AbisRequest;
  }
}
