/** What a client that met an unreachable database is told to wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Whether an error means the database cannot be reached (stopped, restarting, refusing, too
 * many connections), as opposed to a query that failed: the first is answered with 503 and
 * `Retry-After`, and the next request tries again at once.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const { code } = cause as { code?: unknown };
    if (typeof code === "string" && (NETWORK_CODES.has(code) || isServerUnavailable(code)))
      return true;
    // The server ended the session (FATAL): while connecting, also for a database that does not
    // accept connections now (SQLSTATE 55000), which is no query's fault.
    const { severity } = cause as { severity?: unknown };
    if (severity === "FATAL" || severity === "PANIC") return true;
    // Node reports a refused connection to every address of a host together.
    if (cause instanceof AggregateError && cause.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  // postgres.js: a connection that could not be made in time, or closed under its queries;
  // no free connection within the time allowed; the pool closing.
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "QUEUE_TIMEOUT",
  "CONNECTION_ENDED",
]);

/** SQLSTATE: connection exceptions (08…), shutting down or starting (57P01–57P03), no free slot. */
function isServerUnavailable(code: string): boolean {
  return code.startsWith("08") || ["57P01", "57P02", "57P03", "53300"].includes(code);
}
