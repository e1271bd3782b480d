import { createRequire } from "node:module";
import type * as Core from "@zxcvbn-ts/core";
import type * as Common from "@zxcvbn-ts/language-common";
import type * as English from "@zxcvbn-ts/language-en";
import { ValidationError } from "../domain/errors";
import { PASSWORD_MIN_LENGTH } from "./passwords";

/**
 * zxcvbn's score 4 ("very unguessable": 10^10 guesses and more) is what a new password
 * needs, on top of the minimum length. See docs/decisions/0020-password-policy-and-demo-defaults.md.
 */
const MIN_SCORE = 4;
/** zxcvbn's cost grows with the length; past this a password is long enough to judge by its start. */
const CHECKED_LENGTH = 64;

/** Words of this product that people reach for first; the person's own name and address join them. */
const PRODUCT_WORDS = ["samverkan", "kommun", "kommunen", "lösenord", "losenord"];

/**
 * zxcvbn and its word lists, loaded and built on the first check rather than at start: they hold
 * some 35 MB of a server's memory (docs/benchmarks.md, "Memory") that only a new password needs.
 * `require`, because the check is synchronous.
 */
let estimator: Core.ZxcvbnFactory | undefined;
function loadEstimator(): Core.ZxcvbnFactory {
  const load = createRequire(import.meta.url);
  const { ZxcvbnFactory } = load("@zxcvbn-ts/core") as typeof Core;
  const common = load("@zxcvbn-ts/language-common") as typeof Common;
  const english = load("@zxcvbn-ts/language-en") as typeof English;
  return new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
  });
}
function strengthOf(password: string, context: string[]) {
  estimator ??= loadEstimator();
  return estimator.check(password.slice(0, CHECKED_LENGTH), context);
}

/** zxcvbn's warning (its translation keys) → why, in our catalogues. */
const REASONS: Record<string, string> = {
  topTen: "validation.passwordCommon",
  topHundred: "validation.passwordCommon",
  common: "validation.passwordCommon",
  similarToCommon: "validation.passwordCommon",
  pwned: "validation.passwordCommon",
  straightRow: "validation.passwordKeyboard",
  keyPattern: "validation.passwordKeyboard",
  simpleRepeat: "validation.passwordRepeated",
  extendedRepeat: "validation.passwordRepeated",
  sequences: "validation.passwordSequence",
  recentYears: "validation.passwordDate",
  dates: "validation.passwordDate",
  wordByItself: "validation.passwordWord",
  namesByThemselves: "validation.passwordWord",
  commonNames: "validation.passwordWord",
  userInputs: "validation.passwordPersonal",
};

/**
 * Why a new password is refused (a message key naming the reason), or null when it is good
 * enough. `context` is what an attacker would try first about this person: name, e-mail address,
 * organisation.
 */
export function passwordWeakness(password: string, context: string[]): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return "validation.passwordTooShort";
  const words = [...PRODUCT_WORDS];
  for (const item of context) {
    const text = item.toLowerCase();
    // "anna.berg@kommun.se" → also "anna", "berg", "kommun", "se": any part may be reused.
    words.push(text, ...text.split(/[^\p{L}\p{N}]+/u).filter((part) => part.length >= 3));
  }
  const { score, feedback } = strengthOf(password, words);
  if (score >= MIN_SCORE) return null;
  const warning = feedback.warning ?? "";
  return Object.hasOwn(REASONS, warning) ? REASONS[warning] : "validation.passwordWeak";
}

/** Refuses a weak new password as a field error of the form that sent it. */
export function assertStrongPassword(password: string, context: string[], field: string): void {
  const weakness = passwordWeakness(password, context);
  if (weakness) throw new ValidationError({ [field]: weakness });
}
