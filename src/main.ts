/**
 * `node src/main.ts` (what `./wamux start` and the container run): the gateway, from src/serve.ts,
 * with Node's on-disk compile cache turned on first.
 *
 * Loading ≈ 2,500 modules (and stripping the types from ours) is most of the CPU a restart spends
 * before it restores anything; with the cache a warm boot skips compiling them again (≈ 15 % of the
 * boot's CPU, measured). The cache must be on before those modules are imported, hence the dynamic
 * import. It lives in NODE_COMPILE_CACHE or the OS temp directory; where that cannot be written Node
 * just runs without it (NODE_DISABLE_COMPILE_CACHE=1 turns it off).
 */
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./serve.ts');
