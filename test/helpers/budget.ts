/**
 * How long a test helper waits for something that must happen (an event, a frame, a status, a
 * delivered message). It only bounds how long a broken test takes to fail, so it is sized for a
 * loaded two-core box (CI shares one), where linking alone can take tens of seconds; a test that
 * passes never waits this long.
 */
export const EVENT_WAIT_MS = 60_000;
