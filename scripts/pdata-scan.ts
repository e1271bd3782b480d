import { describeFindings, scanAllOrganisations } from "../server/domain/personal-data";
import { withConfiguredDatabase } from "./configured-database";

// Lists where identity numbers are stored (counts and places, never a number); an admin removes
// them on the page "Personuppgifter att åtgärda". Exits with 1 when there is something to do.
await withConfiguredDatabase(async (database) => {
  let total = 0;
  for (const { organisation, findings } of await scanAllOrganisations(database.db)) {
    console.log(`${organisation}: ${describeFindings(findings)}`);
    total += findings.length;
  }
  process.exitCode = total > 0 ? 1 : 0;
});
