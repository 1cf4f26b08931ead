import type { FastifyPluginAsync } from 'fastify';
import type { AuthService } from '../services/auth/auth.service.ts';
import type { WhatsAppSandbox } from '../sandbox/sandbox.ts';
import { identify } from './identify.ts';

/**
 * The embedded sandbox's control API at `/sandbox`, for administrators only (an ADMIN's access token
 * or API key). It reads every phone's messages, whichever tenant's instance they talk to, unlinks
 * devices and makes the sandbox fetch URLs: nothing an ordinary user or a stranger may do.
 * The sandbox code is loaded here, on demand, so a gateway without sandbox mode never loads it.
 */
export const sandboxControlRoute: FastifyPluginAsync<{ sandbox: WhatsAppSandbox; auth: AuthService }> = async (app, { sandbox, auth }) => {
  const { sandboxControlApi } = await import('../sandbox/control-api.ts');
  app.addHook('onRequest', async (req, reply) => {
    const { principal, authError } = await identify(auth, req.headers.authorization);
    if (!principal) {
      return reply.status(401).send({ error: { code: 'UNAUTHENTICATED', message: authError?.message ?? 'the sandbox control API needs Authorization: Bearer <an ADMIN access token or API key>' } });
    }
    if (principal.role !== 'ADMIN') return reply.status(403).send({ error: { code: 'FORBIDDEN', message: 'the sandbox control API is for administrators' } });
  });
  await app.register(sandboxControlApi, { sandbox });
};
