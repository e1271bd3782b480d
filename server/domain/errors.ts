/** Field-level validation failure; `fields` maps a field name to an i18n message key. */
export class ValidationError extends Error {
  constructor(readonly fields: Record<string, string>) {
    super(`Invalid: ${Object.keys(fields).join(", ")}`);
  }
}

/**
 * Refused because other records still depend on it (a goal that actions are set against): the
 * form names why like any refusal, the API answers 409.
 */
export class InUseError extends ValidationError {}

/** An update based on an old version of a row. */
export class ConflictError extends Error {
  constructor(
    readonly current: {
      version: number;
      changedBy?: string | null;
      changedAt?: Date | null;
      changedFields?: string[];
    },
  ) {
    super("Stale version");
  }
}

/** An all-or-nothing batch with refused items: nothing was saved; each refusal by item id. */
export class BatchRefused extends Error {
  constructor(readonly failures: Map<string, ValidationError | ConflictError>) {
    super(`Refused: ${[...failures.keys()].join(", ")}`);
  }
}
