import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { loadState } from "../../server/collab/store";
import { collabClient } from "../helpers/collab-client";
import { startTestServer, type TestServer } from "../helpers/server";

describe("co-editing over socket.io", () => {
  let server: TestServer;
  let documentId: string;
  beforeAll(async () => {
    server = await startTestServer();
    const doc = await server.database.db
      .selectFrom("documents")
      .select("id")
      .where("kind", "=", "samverkansform")
      .executeTakeFirstOrThrow();
    documentId = doc.id;
  });
  afterAll(() => server.close());

  it("acknowledges an update only after it is stored, and sends it to the others", async () => {
    const anna = await collabClient(server, "arbetsgrupp@kommun.test", documentId);
    const johan = await collabClient(server, "kommunchef@kommun.test", documentId);
    await Promise.all([anna.synced, johan.synced]);
    expect(anna.doc.get("root", Y.XmlText).length).toBeGreaterThan(0);

    anna.doc.getText("probe").insert(0, "hej");
    expect(anna.provider.saveState).toBe("saving");
    await anna.saved();
    const stored = await loadState(server.database.db, documentId);
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, stored!.state);
    expect(reloaded.getText("probe").toString()).toBe("hej");
    await expect.poll(() => johan.doc.getText("probe").toString()).toBe("hej");

    // The chief reads live but may not write (refusals are tested in collab-auth.test.ts).
    expect(johan.provider.writable).toBe(false);
    anna.close();
    johan.close();
  });
});
