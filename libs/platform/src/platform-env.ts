import { DatabaseEnv } from './config.js';
import { HttpSecurityEnv } from './http-security.js';
import { RequestLimitEnv } from './api-key.guard.js';
import { WebhookEgressEnv } from './webhooks/webhook-egress.js';

/** The variables the platform reads in every service, beside each service's own schema. */
export const PlatformEnv = DatabaseEnv.extend({
  ...HttpSecurityEnv.shape,
  ...RequestLimitEnv.shape,
  ...WebhookEgressEnv.shape,
});
