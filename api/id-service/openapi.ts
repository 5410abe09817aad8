/**
 * The OpenAPI 3.1 description served at /openapi.json, built from the route table (routes.ts)
 * so it lists exactly the routes the server registers.
 */
import { ROUTES, type OperationId, type RouteSpec } from './routes.ts';
import { MAX_DECISION_REASON, MAX_DEMOGRAPHICS_REF } from './params.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const jsonBody = (schema: Json): Json => ({ content: { 'application/json': { schema } } });
const errorResponse = (description: string): Json => ({ description, ...(jsonBody(ref('Error')) as object) });

const COMMON_ERRORS: Record<string, Json> = {
  400: errorResponse('Malformed request (bad JSON, wrong types, unknown fields)'),
  401: errorResponse('Missing or wrong bearer credential'),
  408: errorResponse('The body did not arrive in time'),
  413: errorResponse('The body is over the size limit'),
  415: errorResponse('The body is not JSON'),
  422: errorResponse('A record or image could not give a template (the code says why)'),
  429: { ...(errorResponse('Rate limited; see Retry-After') as object), headers: { 'Retry-After': { schema: { type: 'integer' } } } },
  503: { ...(errorResponse('Too many requests in flight; see Retry-After') as object), headers: { 'Retry-After': { schema: { type: 'integer' } } } },
};

const OPERATIONS: Record<OperationId, { request?: Json; responses: Record<string, Json>; parameters?: Json[] }> = {
  enrol: {
    request: ref('EnrolRequest'),
    parameters: [{
      name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 128 },
      description: 'A retry with the same key (and the same body) gets the first answer back, never a second enrolment; the same key with another body: 409',
    }],
    responses: {
      409: errorResponse('ERR_IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was used with another body'),
      201: { description: 'Unique: a UIN was issued', ...(jsonBody(ref('UinIssued')) as object) },
      202: { description: 'Possible duplicate: pending adjudication (no UIN; nothing about any other identity)', ...(jsonBody(ref('PendingAdjudication')) as object) },
    },
  },
  verify: {
    request: ref('VerifyRequest'),
    responses: { 200: { description: 'The 1:1 decision (an unknown UIN answers as a non-match)', ...(jsonBody(ref('VerifyResponse')) as object) } },
  },
  listCases: {
    parameters: [{ name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1 } }],
    responses: { 200: { description: 'Open cases, oldest first', ...(jsonBody({ type: 'object', required: ['cases'], properties: { cases: { type: 'array', items: ref('Case') } } }) as object) } },
  },
  decideCase: {
    parameters: [{ name: 'caseId', in: 'path', required: true, schema: { type: 'string' } }],
    request: ref('CaseDecision'),
    responses: {
      200: { description: 'The decided case (with the UIN when unique)', ...(jsonBody(ref('Case')) as object) },
      404: errorResponse('No such case'),
      409: errorResponse('The case was already decided'),
    },
  },
  openapi: { responses: { 200: { description: 'This document', content: { 'application/json': { schema: { type: 'object' } } } } } },
  metrics: { responses: { 200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } } } },
  healthLive: { responses: { 200: { description: 'Alive', ...(jsonBody({ type: 'object', properties: { status: { const: 'live' } } }) as object) } } },
  healthReady: {
    responses: {
      200: { description: 'Ready: the engine is warm', ...(jsonBody({ type: 'object', properties: { status: { const: 'ready' } } }) as object) },
      503: { description: 'Starting (gallery loading, kernels warming) or stopping', ...(jsonBody({ type: 'object', properties: { status: { enum: ['starting', 'stopping'] } } }) as object) },
    },
  },
};

const SECURITY: Record<RouteSpec['access'], Json[]> = {
  public: [],
  client: [{ clientBearer: [] }],
  operator: [{ operatorBearer: [] }],
  metrics: [{ operatorBearer: [] }],
};

const SCHEMAS: Record<string, Json> = {
  Error: {
    type: 'object', required: ['error'],
    properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', pattern: '^ERR_' }, message: { type: 'string' } } } },
  },
  Base64: { type: 'string', contentEncoding: 'base64', description: 'Standard or URL-safe base64, padded or not' },
  Finger: {
    oneOf: [
      { type: 'object', required: ['position', 'format', 'data'], additionalProperties: false, properties: {
        position: { type: 'integer', minimum: 0, maximum: 10, description: 'ISO/IEC 19794 position (1–10); 0 (unknown) only in /verify' },
        format: { enum: ['iso19794-2', 'iso19794-4', 'image'] },
        data: ref('Base64'),
        dpi: { type: 'number', minimum: 250, maximum: 2000, description: 'For format image; default 500' },
      } },
      { type: 'object', required: ['position', 'exception'], additionalProperties: false, properties: {
        position: { type: 'integer', minimum: 1, maximum: 10 }, exception: { enum: ['missing', 'amputated', 'unusable'] },
      } },
    ],
  },
  Iris: {
    oneOf: [
      { type: 'object', required: ['side', 'format', 'data'], additionalProperties: false, properties: { side: { enum: ['left', 'right'] }, format: { enum: ['iso19794-6', 'image'] }, data: ref('Base64') } },
      { type: 'object', required: ['side', 'exception'], additionalProperties: false, properties: { side: { enum: ['left', 'right'] }, exception: { enum: ['missing', 'amputated', 'unusable'] } } },
    ],
  },
  Face: {
    type: 'object', required: ['format', 'data'], additionalProperties: false, description: 'A face: an ISO/IEC 19794-5 record (JPEG or JPEG 2000 inside) or a photo',
    properties: { format: { enum: ['iso19794-5', 'image'] }, data: ref('Base64') },
  },
  Biometrics: {
    oneOf: [
      {
        type: 'object', additionalProperties: false,
        properties: { fingers: { type: 'array', maxItems: 10, items: ref('Finger') }, irises: { type: 'array', maxItems: 2, items: ref('Iris') }, face: ref('Face') },
      },
      {
        type: 'object', required: ['cbeff'], additionalProperties: false,
        properties: { cbeff: { type: 'string', description: 'A CBEFF (ISO/IEC 19785-3) XML document, MOSIP-shaped; EXCEPTION BIRs are honoured' } },
      },
    ],
  },
  EnrolRequest: {
    type: 'object', required: ['demographicsRef', 'biometrics'], additionalProperties: false,
    properties: { demographicsRef: { type: 'string', minLength: 1, maxLength: MAX_DEMOGRAPHICS_REF, description: 'Opaque reference to the demographic record' }, biometrics: ref('Biometrics') },
  },
  UinIssued: { type: 'object', required: ['status', 'uin'], properties: { status: { const: 'uin-issued' }, uin: ref('Uin') } },
  PendingAdjudication: { type: 'object', required: ['status', 'caseId'], properties: { status: { const: 'pending-adjudication' }, caseId: { type: 'string' } } },
  Uin: { type: 'string', pattern: '^[0-9]{10,12}$', description: 'Random, Verhoeff check digit last' },
  VerifyRequest: { type: 'object', required: ['uin', 'biometrics'], additionalProperties: false, properties: { uin: ref('Uin'), biometrics: ref('Biometrics') } },
  VerifyResponse: {
    type: 'object', required: ['match', 'reason'], additionalProperties: false,
    properties: {
      match: { type: 'boolean' },
      reason: { enum: ['MATCHED', 'NOT_MATCHED'], description: 'The decision at FMR 1e-4; no score is returned (scores go to the audit only). An unknown UIN answers NOT_MATCHED.' },
    },
  },
  Case: {
    type: 'object', required: ['caseId', 'state', 'demographicsRef', 'createdAt', 'candidates'],
    properties: {
      caseId: { type: 'string' }, state: { enum: ['pending', 'duplicate', 'unique'] }, demographicsRef: { type: 'string' },
      createdAt: { type: 'string', format: 'date-time' }, decidedAt: { type: 'string', format: 'date-time' }, decidedBy: { type: 'string' },
      uin: ref('Uin'),
      candidates: { type: 'array', items: { type: 'object', required: ['state', 'score'], properties: { uin: ref('Uin'), caseId: { type: 'string' }, state: { type: 'string' }, score: { type: 'number' } } } },
    },
  },
  CaseDecision: {
    type: 'object', required: ['decision'], additionalProperties: false,
    properties: {
      decision: { enum: ['duplicate', 'unique'] },
      operator: { type: 'string', pattern: '^[A-Za-z0-9._@-]{1,64}$', description: 'Name recorded in the audit log' },
      reason: { type: 'string', maxLength: MAX_DECISION_REASON },
    },
  },
};

export function openApiDocument(): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of ROUTES) {
    const op = OPERATIONS[route.operationId];
    const errors: Record<string, Json> = {};
    for (const [status, e] of Object.entries(COMMON_ERRORS)) {
      if (status === '401' && route.access === 'public') continue;
      if (['408', '413', '415', '422'].includes(status) && route.body === 'none') continue;
      if (status === '503' && route.inFlight === undefined) continue;
      if (status === '429' && route.access !== 'client') continue;
      errors[status] = e;
    }
    (paths[route.path] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      security: SECURITY[route.access],
      ...(op.parameters === undefined ? {} : { parameters: op.parameters }),
      ...(op.request === undefined ? {} : { requestBody: { required: true, ...(jsonBody(op.request) as object) } }),
      responses: { ...op.responses, ...errors },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'biodedup ID service',
      version: '1',
      description: 'The only public door: enrolment with internal deduplication, and 1:1 verification against a claimed UIN. No route takes a probe and returns identities.',
    },
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        clientBearer: { type: 'http', scheme: 'bearer', description: 'A client credential (when the service is configured with client tokens)' },
        operatorBearer: { type: 'http', scheme: 'bearer', description: 'The operator credential' },
      },
    },
  };
}
