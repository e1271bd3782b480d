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
    if (UNREACHABLE_MESSAGES.some((text) => cause instanceof Error && cause.message.includes(text)))
      return true;
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
]);

/** SQLSTATE: connection exceptions (08…), shutting down or starting (57P01–57P03), no free slot. */
function isServerUnavailable(code: string): boolean {
  return code.startsWith("08") || ["57P01", "57P02", "57P03", "53300"].includes(code);
}

// node-postgres says these without a code.
const UNREACHABLE_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error",
];
