import crypto from 'node:crypto';

import { type Router } from 'express';

import { REQUEST_ALIASES, createSessionRequestSchema } from '@gpu-shopper/contract';
import { idempotencyScope, usdToMicros, type ProvisionRequest } from '@gpu-shopper/core';

import { consumerScope, principalOf } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { ApiError } from '../../http/api-error.js';
import { offerToDto, sessionToDto } from '../../http/mappers.js';
import { validateWithAliases } from '../../http/validate.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * `POST /api/v1/sessions`: validates and records the session, answers at once with the SSH details
 * and the private key (once), and provisions in the background. With `Idempotency-Key`, a retry of
 * the same request returns the same session instead of renting another GPU.
 */
export function registerSessionsCreate(router: Router, deps: AppDeps): void {
  router.post('/api/v1/sessions', async (req, res) => {
    const body = validateWithAliases(createSessionRequestSchema, REQUEST_ALIASES.createSession, req.body, 'body');
    const consumerId = consumerScope(res, body.consumer_id) ?? body.consumer_id;
    const keyHeader = req.get('idempotency-key');
    if (keyHeader !== undefined && !IDEMPOTENCY_KEY.test(keyHeader)) {
      throw new ApiError('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 200 visible ASCII characters', [{ path: 'headers.idempotency-key', message: 'invalid' }]);
    }
    const input: ProvisionRequest = {
      consumerId,
      ...(body.offer_id !== undefined ? { offerId: body.offer_id } : {}),
      ...(body.gpu !== undefined ? { gpu: body.gpu } : {}),
      reservationHours: body.reservation_hours,
      workloadType: body.workload_type,
      idleTimeoutMinutes: body.idle_timeout,
      storagePolicy: body.storage_policy,
      templateHashId: body.template_hash_id ?? null,
      diskGb: body.disk_gb ?? null,
      autoRetry: body.auto_retry ? { maxAttempts: 1 + body.max_retries, scope: body.retry_scope } : null,
      // Whether the offer matches the pricing (a spot offer is never rented on-demand, nor the
      // reverse) is the saga's first check, before anything is recorded or rented.
      pricing: body.pricing,
      maxBidPerHourMicros: body.max_bid === undefined ? null : usdToMicros(body.max_bid),
      onPreempt: body.on_preempt ?? null,
    };
    const principal = principalOf(res);
    const idempotency = keyHeader
      ? {
          scope: idempotencyScope(principal),
          key: keyHeader,
          requestHash: crypto.createHash('sha256').update(JSON.stringify(body)).digest('hex'),
        }
      : undefined;
    const result = await deps.provisioning.request(input, idempotency);
    if (!result.ok) throw result.err;
    const { session, offer, privateKey, replayed } = result.val;
    if (!replayed) deps.startProvisioning(session.id);
    deps.logger.info('session created', { requestId: res.locals.requestId, sessionId: session.id, consumerId, offerId: offer.id, replayed });
    res.status(201).json({
      session: sessionToDto(session, deps.clock.now(), deps.mode === 'simulate'),
      offer: offerToDto(offer),
      ssh_private_key: privateKey,
      ...(result.val.privateKeyWithheld ? { ssh_private_key_withheld: result.val.privateKeyWithheld } : {}),
      replayed,
    });
  });
}
