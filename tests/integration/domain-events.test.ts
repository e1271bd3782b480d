import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, type DB, inTransaction } from "../../db";
import { seedDemo } from "../../db/seed/demo";
import type { SessionUser } from "../../server/auth/sessions";
import { createEventBus, type DomainEvent } from "../../server/bus";
import { recordAudit } from "../../server/domain/audit";
import { createDepartment, updateDepartment } from "../../server/domain/departments";
import { recordEvent } from "../../server/domain/events";
import { startDispatcher } from "../../server/events/dispatcher";
import { actorFor, DEMO_EMAILS } from "../helpers/actions";
import { createTestDatabase } from "../helpers/database";
import { auditedWithoutEvent } from "../helpers/event-coverage";

let handle: DatabaseHandle;
let db: DB;
let admin: SessionUser;

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  await seedDemo(db);
  admin = await actorFor(db, DEMO_EMAILS.admin);
  // The seed's own events (its users and documents) go out first, to nobody.
  await (await dispatching()).dispatcher.close();
});
afterAll(() => handle?.close());

/** A dispatcher on this database, and what its bus delivered. */
async function dispatching() {
  const bus = createEventBus();
  const heard: DomainEvent[] = [];
  bus.subscribe((event) => heard.push(event));
  const dispatcher = await startDispatcher(handle, bus);
  return { heard, dispatcher };
}

const undelivered = () =>
  db.selectFrom("domain_events").select("type").where("delivered_at", "is", null).execute();

describe("domain events", () => {
  it("are delivered once, right after COMMIT, in order, and marked delivered", async () => {
    const { heard, dispatcher } = await dispatching();
    const id = await createDepartment(db, admin, { name: "Miljö och bygg" });
    // Delivered before the command returned to its caller (the route answers after this).
    expect(heard).toEqual([
      {
        type: "department.changed",
        eventId: expect.stringMatching(/^\d+$/),
        organisationId: admin.organisationId,
        departmentId: id,
        change: "created",
        actorId: admin.userId,
        actorName: "Sara Lind",
      },
    ]);
    await updateDepartment(db, admin, id, { name: "Miljö", version: 1, archived: false });
    expect(heard.map((event) => "change" in event && event.change)).toEqual(["created", "updated"]);
    await dispatcher.close();
    expect(await undelivered()).toEqual([]);
  });

  it("are never delivered after a ROLLBACK", async () => {
    const { heard, dispatcher } = await dispatching();
    await expect(
      inTransaction(db, async (trx) => {
        await recordEvent(trx, admin, {
          type: "department.changed",
          departmentId: admin.organisationId,
          change: "updated",
        });
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    await dispatcher.close();
    expect(heard).toEqual([]);
    expect(await undelivered()).toEqual([]);
  });

  it("left undelivered (the process stopped after COMMIT) go out when the dispatcher starts", async () => {
    // Nobody listens: as if the process had stopped between COMMIT and delivery.
    const id = await createDepartment(db, admin, { name: "Räddningstjänst" });
    expect(await undelivered()).toEqual([{ type: "department.changed" }]);
    const { heard, dispatcher } = await dispatching();
    await dispatcher.close();
    expect(heard).toMatchObject([{ type: "department.changed", departmentId: id }]);
    expect(await undelivered()).toEqual([]);
  });

  it("a subscriber's failure leaves the event undelivered and it is handed on again", async () => {
    const bus = createEventBus(() => {});
    const tries: string[] = [];
    // As a notification write would while the database is briefly away: fails once, then works.
    bus.subscribe((event) => {
      tries.push(event.eventId);
      if (tries.length === 1) throw new Error("connection terminated");
    });
    const dispatcher = await startDispatcher(handle, bus, { retryMs: 50 });
    await createDepartment(db, admin, { name: "Överförmyndare" });
    expect(tries).toHaveLength(1);
    expect(await undelivered()).toEqual([{ type: "department.changed" }]);
    await expect.poll(undelivered, { timeout: 5_000 }).toEqual([]);
    expect(tries).toEqual([tries[0], tries[0]]);
    await dispatcher.close();
  });

  it("an event a subscriber keeps failing stays undelivered for the next start", async () => {
    const bus = createEventBus(() => {});
    bus.subscribe(() => Promise.reject(new Error("still down")));
    const dispatcher = await startDispatcher(handle, bus, { retryMs: 20 });
    const id = await createDepartment(db, admin, { name: "Kommunrevision" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await dispatcher.close();
    expect(await undelivered()).toEqual([{ type: "department.changed" }]);
    const { heard, dispatcher: next } = await dispatching();
    await next.close();
    expect(heard).toMatchObject([{ type: "department.changed", departmentId: id }]);
    expect(await undelivered()).toEqual([]);
  });

  it("a change audited without an event is caught by the check every test database runs", async () => {
    const [department] = await db.selectFrom("departments").select(["id", "name"]).execute();
    await inTransaction(db, async (trx) => {
      await trx
        .updateTable("departments")
        .set({ name: `${department.name} ` })
        .where("id", "=", department.id)
        .execute();
      await recordAudit(trx, {
        organisationId: admin.organisationId,
        actorId: admin.userId,
        action: "department.renamed-silently",
        entityType: "department",
        entityId: department.id,
      });
    });
    expect(await auditedWithoutEvent(db)).toEqual(["department.renamed-silently"]);
    // This file's own close() would fail on it; the check has shown what it catches.
    await sql`delete from event_coverage.noted where audit_action = 'department.renamed-silently'`.execute(
      db,
    );
    expect(await auditedWithoutEvent(db)).toEqual([]);
  });
});
