/**
 * The ID service: the only public door (1:1 verification only). See api/README.md, "ID service".
 */
export { startIdService, type IdServiceOptions, type IdServiceHandle } from './server.ts';
export { idServiceOptionsFromEnv, ID_SERVICE_ENV } from './config.ts';
export { ROUTES, type RouteSpec, type Access, type OperationId } from './routes.ts';
export { openApiDocument } from './openapi.ts';
export { verhoeffDigit, verhoeffValid } from './verhoeff.ts';
export { isWellFormedUin, uinPatternAllowed } from './uin.ts';
export { DEFAULT_LIMITS, VERIFY_THRESHOLD, ENROL_TARGET_FPIR, type IdServiceLimits } from './params.ts';
export type { EnrolOutcome, VerifyOutcome, CaseView } from './service.ts';
export type { AuditEntry } from './id-store.ts';
export { IdStore } from './id-store.ts';
