/**
 * Creates an account without demo data, e.g. the first admin of a production instance:
 *   npm run user:create -- --email anna@kommun.se --role admin [--name "Anna Berg"]
 *     [--organisation "Exempelkommun"]
 * The password is read from standard input when piped, otherwise asked for without echo; it must
 * pass the same rule as every password (server/auth/password-policy.ts).
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { isMessageKey, translator } from "../common/i18n";
import { ValidationError } from "../server/domain/errors";
import { ensureOrganisation } from "../server/domain/organisations";
import { createUser } from "../server/domain/users";
import { withConfiguredDatabase } from "./configured-database";

function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let input = "";
    for await (const chunk of process.stdin) input += chunk;
    return input.split(/\r?\n/)[0];
  }
  process.stdout.write("Lösenord (minst 12 tecken, svårt att gissa): ");
  const rl = createInterface({ input: process.stdin, terminal: true });
  // Echo nothing while the password is typed.
  (rl as unknown as { _writeToOutput: () => void })._writeToOutput = () => {};
  const password = await new Promise<string>((resolve) => rl.question("", resolve));
  rl.close();
  process.stdout.write("\n");
  return password;
}

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    role: { type: "string", multiple: true },
    name: { type: "string" },
    organisation: { type: "string", default: "Kommunen" },
  },
});

if (!values.email || !values.role?.length) {
  console.error(
    'Usage: npm run user:create -- --email NAME@KOMMUN.SE --role admin [--name "För Efternamn"] [--organisation "Kommun"]',
  );
  process.exit(2);
}

const { email, role: roles, organisation, name } = values;
let failed = false;
try {
  await withConfiguredDatabase(async ({ db }) => {
    const organisationId = await ensureOrganisation(
      db,
      values.organisation,
      slugify(values.organisation),
    );
    const password = await readPassword();
    await createUser(db, null, organisationId, {
      email,
      name: name ?? email.split("@")[0],
      password,
      roles: roles.flatMap((role) => role.split(",")),
      departmentIds: [],
    });
  });
  console.log(`Created ${email} (${roles.join(", ")}) in ${organisation}.`);
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  // The same words the forms use (Swedish): why a password is refused, say.
  const t = translator("sv");
  const fields = Object.entries(error.fields).map(
    ([field, key]) => `${field}: ${isMessageKey(key) ? t(key) : key}`,
  );
  console.error(`Not created: ${fields.join("; ")}`);
  failed = true;
} finally {
  // Set after the database closed: PGlite's shutdown resets process.exitCode to 0.
  if (failed) process.exitCode = 1;
}
