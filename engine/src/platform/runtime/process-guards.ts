import type { Logger } from '../logger/logger.js';

/**
 * What the process does with an error nobody handled.
 *
 * An unhandled rejection is logged and the engine keeps serving. A promise that rejects with no
 * listener is an operation that already ended (a fire-and-forget publish, a timer's async work):
 * no code was interrupted halfway, and the error reached nobody who could act on it. Node's
 * default since v15 is to exit, which turned one failed Redis publish during a failover into
 * every engine process down at once. Each such log line is a bug to fix where it came from.
 *
 * An uncaught exception exits the process (code 1) after logging it. It was thrown out of a
 * synchronous callback, possibly between two updates of in-memory state (a queue's counters, a
 * cache): what the process would go on with is unknown. The supervisor (systemd, Docker, `npm
 * start`) restarts it, and nothing acknowledged is lost: webhooks are stored before their 200
 * and the sweep resumes unfinished work.
 */
export function installProcessGuards(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  const onRejection = (reason: unknown) => {
    logger.error({ err: reason }, 'unhandled promise rejection; the engine keeps serving');
  };
  const onException = (error: Error, origin: string) => {
    logger.fatal({ err: error, origin }, 'uncaught exception; exiting so that the supervisor restarts the engine');
    exit(1);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
