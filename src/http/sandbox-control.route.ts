import type { FastifyPluginAsync } from 'fastify';
import { authenticate } from '../services/auth/index.ts';
import type { Services } from '../services/index.ts';
import type { WhatsAppSandbox } from '../sandbox/sandbox.ts';
import { authError } from './auth-error.ts';
import { HTTP_REFUSALS, sendErrorReply, unauthenticated } from './error-replies.ts';

/**
 * The embedded sandbox's control API at `/sandbox`, for administrators only (an ADMIN's access token
 * or API key). It reads every phone's messages, whichever tenant's instance they talk to, unlinks
 * devices and makes the sandbox fetch URLs: nothing an ordinary user or a stranger may do.
 * The sandbox code is loaded here, on demand, so a gateway without sandbox mode never loads it.
 */
export const sandboxControlRoute: FastifyPluginAsync<{ sandbox: WhatsAppSandbox } & Pick<Services, 'auth' | 'instances'>> = async (app, { sandbox, auth, instances }) => {
  const { sandboxControlApi } = await import('../sandbox/control-api.ts');
  app.addHook('onRequest', async (req, reply) => {
    const who = await authenticate({ auth, instances }, { authorization: req.headers.authorization });
    if (!who.ok) {
      const refused = authError(who);
      return sendErrorReply(reply, refused ? unauthenticated(refused.message) : HTTP_REFUSALS.sandboxAuthRequired);
    }
    if (who.caller.principal.role !== 'ADMIN') return sendErrorReply(reply, HTTP_REFUSALS.sandboxAdminsOnly);
  });
  await app.register(sandboxControlApi, { sandbox });
};
