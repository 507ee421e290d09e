export * from './data-source.js';
export * from './tenants.js';
export { TenantEntity } from './entities/tenant.entity.js';
export { ApiKeyEntity } from './entities/api-key.entity.js';
export { SessionEntity } from './entities/session.entity.js';
export { EventEntity } from './entities/event.entity.js';
export { VerdictEntity } from './entities/verdict.entity.js';
export { GuidanceEntity } from './entities/guidance.entity.js';
export * from './query-rows.js';
