import { Inject, Injectable } from '@nestjs/common';
import { mergedWrites } from '@wink/platform';
import { GuidanceRepository, type DeliveredGuidance } from './guidance.repository.js';

interface Claim {
  channel: 'poll' | 'sse';
  tenantId: string;
  sessionId: string;
  claimed: DeliveredGuidance[];
}

/** Most claims one statement makes. */
const MAX_CLAIMS = 500;

// Postgres spells a uuid in lower case, whatever spelling the claim came with.
const keyOf = (c: { channel: string; tenantId: string; sessionId: string }) =>
  `${c.channel}\u0000${c.tenantId.toLowerCase()}\u0000${c.sessionId}`;

/**
 * The claims of waiting long-polls and streams, merged: the connections one notification wakes
 * (up to eight sessions, or a whole batch's), or that open together, claim in one statement, one
 * at a time, rather than each holding a pooled connection the intervention's verdict batches
 * wait for. A statement failing on one claim's data is made again for each claim alone, so only
 * that one fails.
 */
@Injectable()
export class GuidanceClaims {
  private readonly claims = mergedWrites<Claim>((claims) => this.claimAll(claims), {
    maxItems: MAX_CLAIMS,
  });

  constructor(@Inject(GuidanceRepository) private readonly repo: GuidanceRepository) {}

  /** The session's guidance not yet given on `channel`, now given to it. */
  async claim(
    channel: 'poll' | 'sse',
    tenantId: string,
    sessionId: string,
  ): Promise<DeliveredGuidance[]> {
    const claim: Claim = { channel, tenantId, sessionId, claimed: [] };
    await this.claims.submit([claim]);
    return claim.claimed;
  }

  private async claimAll(claims: Claim[]): Promise<void> {
    const rows = await this.repo.claimFor(claims);
    // Two connections of one session and channel claiming together: the first gets it all, as
    // when the second's own statement finds it claimed.
    const first = new Map<string, Claim>();
    for (const claim of claims) if (!first.has(keyOf(claim))) first.set(keyOf(claim), claim);
    for (const { tenantId, channel, guidance } of rows)
      first
        .get(keyOf({ channel, tenantId, sessionId: guidance.sessionId }))
        ?.claimed.push(guidance);
  }
}
