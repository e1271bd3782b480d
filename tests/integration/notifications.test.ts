import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction } from "../../db";
import { type EventFacts, eventFromRow, recordEvent } from "../../server/domain/events";
import { notifyOf } from "../../server/notifications/notify";
import { callApi, createTokenAs, DEMO_EMAILS } from "../helpers/actions";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";
import { connectSocket } from "../helpers/socket";

describe("notifications from the domain's events", () => {
  let server: TestServer;
  const ids = {} as Record<keyof typeof DEMO_EMAILS, string>;
  const names = {} as Record<keyof typeof DEMO_EMAILS, string>;
  let departments: Record<string, string>;
  let goalId: string;
  let periodId: string;
  let memberToken: string;
  let member: HttpClient;
  const db = () => server.database.db;

  /** The person's notifications (in the portal or not), oldest first. */
  const notificationsOf = (userId: string) =>
    db()
      .selectFrom("notifications")
      .select(["kind", "params", "link", "in_app", "email", "event_id"])
      .where("user_id", "=", userId)
      .orderBy("created_at")
      .execute();
  const mailsTo = (userId: string) =>
    db()
      .selectFrom("mail_outbox")
      .select(["kind", "subject", "status", "text_body"])
      .where("user_id", "=", userId)
      .orderBy("created_at")
      .execute();

  /** Waits until `check` passes (events reach the notifications after COMMIT, asynchronously). */
  async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() > until) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** Records an event as the scheduler or another command does, in a transaction of its own. */
  const record = (actorId: string | null, facts: EventFacts) =>
    inTransaction(db(), (trx) =>
      recordEvent(trx, { organisationId: server.organisationId, userId: actorId }, facts),
    );

  /** Waits until every recorded event has been delivered (and so handled). */
  const delivered = () =>
    eventually(async () => {
      const waiting = await db()
        .selectFrom("domain_events")
        .select("id")
        .where("delivered_at", "is", null)
        .execute();
      expect(waiting).toEqual([]);
    });

  beforeAll(async () => {
    server = await startTestServer();
    for (const [key, email] of Object.entries(DEMO_EMAILS)) {
      const row = await db()
        .selectFrom("users")
        .select(["id", "name"])
        .where("email", "=", email)
        .executeTakeFirstOrThrow();
      ids[key as keyof typeof DEMO_EMAILS] = row.id;
      names[key as keyof typeof DEMO_EMAILS] = row.name;
    }
    departments = Object.fromEntries(
      (
        await db()
          .selectFrom("departments")
          .select(["id", "name"])
          .where("organisation_id", "=", server.organisationId)
          .execute()
      ).map((d) => [d.name, d.id]),
    );
    goalId = (
      await db()
        .selectFrom("goals")
        .select("id")
        .where("organisation_id", "=", server.organisationId)
        .orderBy("position")
        .executeTakeFirstOrThrow()
    ).id;
    periodId = (
      await db()
        .selectFrom("follow_up_periods")
        .select("id")
        .where("organisation_id", "=", server.organisationId)
        .orderBy("start_date")
        .executeTakeFirstOrThrow()
    ).id;
    memberToken = await createTokenAs(server.url, DEMO_EMAILS.member);
    member = new HttpClient(server.url);
    await member.logIn(DEMO_EMAILS.member);
  });
  afterAll(() => server?.close());

  const newAction = (title: string, departmentId: string, ownerId: string | null) => ({
    title,
    description: "",
    goalId,
    departmentId,
    involvedDepartmentIds: [],
    ownerId,
    startDate: null,
    dueDate: null,
    status: "not_started",
    progress: 0,
  });

  it("an owner assigned through the API is notified in the portal and by e-mail; the actor is not", async () => {
    const created = await callApi(
      server.url,
      memberToken,
      "POST",
      "/actions",
      newAction("Utbildning i FREDA-bedömning", departments["Barn och utbildning"], ids.editor),
    );
    expect(created.status).toBe(201);
    const rows = await eventually(async () => {
      const rows = await notificationsOf(ids.editor);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(rows[0]).toMatchObject({
      kind: "assigned",
      params: {
        message: "assigned.owner",
        actor: names.member,
        title: "Utbildning i FREDA-bedömning",
      },
      link: `/atgarder/${created.body.id}`,
      in_app: true,
      email: "sent",
    });
    // Barn och utbildning's editor hears that their department got the action.
    const school = await eventually(async () => {
      const rows = await notificationsOf(ids.schoolEditor);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(school[0].params.message).toBe("assigned.department");
    // No SMTP_URL: the e-mail waits in the outbox, in Swedish.
    const mails = await mailsTo(ids.editor);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ kind: "assigned", status: "kept" });
    expect(mails[0].subject).toContain(
      `gjorde dig ansvarig för åtgärden ”Utbildning i FREDA-bedömning”`,
    );
    await delivered();
    expect(await notificationsOf(ids.member)).toEqual([]);
  });

  it("an owner assigned in the portal's form is notified alike, and a changed owner too", async () => {
    const response = await member.postForm("/atgarder/ny", {
      title: "Samverkansrutin för skyddat boende",
      description: "",
      goalId,
      departmentId: departments.Socialtjänst,
      involvedDepartmentIds: "",
      ownerId: ids.chief,
      startDate: "",
      dueDate: "",
      status: "not_started",
      progress: "0",
    });
    expect(response.status).toBe(303);
    const actionId = /\/atgarder\/([0-9a-f-]{36})/.exec(
      response.headers.get("location") ?? "",
    )?.[1];
    const rows = await eventually(async () => {
      const rows = await notificationsOf(ids.chief);
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(rows[0]).toMatchObject({
      kind: "assigned",
      params: { message: "assigned.owner", title: "Samverkansrutin för skyddat boende" },
      link: `/atgarder/${actionId}`,
    });
    // (The Socialtjänst editor heard of their department's new action.)
    await delivered();
    const before = (await notificationsOf(ids.editor)).length;
    // The owner changes to the Socialtjänst editor (through the API): they hear of it once.
    const current = await callApi(server.url, memberToken, "GET", `/actions/${actionId}`);
    const changed = await callApi(server.url, memberToken, "PATCH", `/actions/${actionId}`, {
      ownerId: ids.editor,
      version: current.body.version,
    });
    expect(changed.status).toBe(200);
    await eventually(async () =>
      expect(await notificationsOf(ids.editor)).toHaveLength(before + 1),
    );
    // A change of title only notifies nobody.
    const again = await callApi(server.url, memberToken, "PATCH", `/actions/${actionId}`, {
      title: "Samverkansrutin för skyddat boende 2017",
      version: changed.body.version,
    });
    expect(again.status).toBe(200);
    await delivered();
    expect(await notificationsOf(ids.editor)).toHaveLength(before + 1);
  });

  it("an @-mention in an action comment notifies the person, from the portal and from the API alike", async () => {
    const created = await callApi(
      server.url,
      memberToken,
      "POST",
      "/actions",
      newAction("Kartläggning av hedersrelaterat våld", departments.Kommunledning, null),
    );
    const actionId = created.body.id;
    const viaApi = await callApi(server.url, memberToken, "POST", `/actions/${actionId}/comments`, {
      body: `@${names.observer} och @${names.admin}: kan ni titta på detta?`,
    });
    expect(viaApi.status).toBe(201);
    const viaForm = await member.postForm(`/atgarder/${actionId}`, {
      intent: "comment",
      body: `Tack @${names.admin}!`,
    });
    expect(viaForm.status).toBe(303);
    const adminRows = await eventually(async () => {
      const rows = (await notificationsOf(ids.admin)).filter((r) => r.kind === "mention");
      expect(rows).toHaveLength(2);
      return rows;
    });
    for (const row of adminRows)
      expect(row).toMatchObject({
        params: { message: "mention.action", actor: names.member },
        link: `/atgarder/${actionId}#kommentar`,
      });
    // The observer may not read actions: mentioned in the same comment as the admin (whose
    // notification is written), they are told nothing, so no action's title reaches them.
    expect(await notificationsOf(ids.observer)).toEqual([]);
  });

  it("a redelivered event (after a restart) notifies and e-mails nobody twice", async () => {
    const stored = await db()
      .selectFrom("domain_events")
      .selectAll()
      .where("type", "=", "action.assigned")
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const before = {
      notifications: (await db().selectFrom("notifications").select("id").execute()).length,
      mails: (await db().selectFrom("mail_outbox").select("id").execute()).length,
    };
    const deps = { db: db(), config: server.config, emitUnread: () => {} };
    await notifyOf(deps, eventFromRow(stored));
    await notifyOf(deps, eventFromRow(stored));
    expect((await db().selectFrom("notifications").select("id").execute()).length).toBe(
      before.notifications,
    );
    expect((await db().selectFrom("mail_outbox").select("id").execute()).length).toBe(before.mails);
  });

  it("deadlines: approaching to the department's editors, passed to them and the working group", async () => {
    await record(null, {
      type: "period.deadline-approaching",
      periodId,
      departmentId: departments.Socialtjänst,
      daysLeft: 3,
    });
    await eventually(async () => {
      const rows = (await notificationsOf(ids.editor)).filter(
        (r) => r.kind === "deadline-approaching",
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].params).toMatchObject({ days: "3", department: "Socialtjänst" });
    });
    await record(null, {
      type: "period.deadline-passed",
      periodId,
      departmentId: departments.Socialtjänst,
    });
    await delivered();
    for (const who of ["editor", "member", "admin"] as const)
      expect((await notificationsOf(ids[who])).map((r) => r.kind)).toContain("deadline-passed");
    for (const who of ["schoolEditor", "chief", "observer"] as const)
      expect((await notificationsOf(ids[who])).map((r) => r.kind)).not.toContain("deadline-passed");
    expect((await notificationsOf(ids.schoolEditor)).map((r) => r.kind)).not.toContain(
      "deadline-approaching",
    );
  });

  it("an overdue action: its owner, else its department's editors", async () => {
    const owned = await callApi(
      server.url,
      memberToken,
      "POST",
      "/actions",
      newAction("Handlingsplan 2017", departments.Kommunledning, ids.admin),
    );
    const unowned = await callApi(
      server.url,
      memberToken,
      "POST",
      "/actions",
      newAction("Föräldrastöd", departments["Barn och utbildning"], null),
    );
    await record(null, {
      type: "action.overdue",
      actionId: owned.body.id,
      departmentId: departments.Kommunledning,
      ownerId: ids.admin,
    });
    await record(null, {
      type: "action.overdue",
      actionId: unowned.body.id,
      departmentId: departments["Barn och utbildning"],
      ownerId: null,
    });
    await delivered();
    const overdue = async (who: keyof typeof ids) =>
      (await notificationsOf(ids[who]))
        .filter((r) => r.kind === "action-overdue")
        .map((r) => r.link);
    expect(await overdue("admin")).toEqual([`/atgarder/${owned.body.id}`]);
    expect(await overdue("schoolEditor")).toEqual([`/atgarder/${unowned.body.id}`]);
    expect(await overdue("member")).toEqual([]);
  });

  it("document comments, review requests and reviews notify the people named", async () => {
    const document = await db()
      .selectFrom("documents")
      .select(["id", "title", "created_by"])
      .where("organisation_id", "=", server.organisationId)
      .executeTakeFirstOrThrow();
    await db()
      .updateTable("documents")
      .set({ created_by: ids.member })
      .where("id", "=", document.id)
      .execute();
    await record(ids.member, {
      type: "document.comment-added",
      documentId: document.id,
      threadId: "t1",
      commentId: "c1",
      mentionedUserIds: [ids.chief, ids.member],
    });
    await record(ids.member, {
      type: "document.review-requested",
      documentId: document.id,
      reviewerIds: [ids.chief],
    });
    await record(ids.chief, {
      type: "document.reviewed",
      documentId: document.id,
      reviewerId: ids.chief,
    });
    await delivered();
    const chiefKinds = (await notificationsOf(ids.chief)).map((r) => r.kind);
    expect(chiefKinds).toContain("mention");
    expect(chiefKinds).toContain("review-requested");
    expect(chiefKinds).not.toContain("reviewed");
    const memberRows = await notificationsOf(ids.member);
    // Not told of their own mention; told that their document was reviewed.
    expect(memberRows.filter((r) => r.kind === "mention")).toEqual([]);
    expect(memberRows.filter((r) => r.kind === "reviewed")).toMatchObject([
      { link: `/dokument/${document.id}`, params: { actor: names.chief, title: document.title } },
    ]);
  });

  it("when every department has klarmarkerat, the kommunchef hears the report is ready; adoption tells the working group", async () => {
    const reported = Object.values(departments).slice(1);
    await db().deleteFrom("period_reports").where("period_id", "=", periodId).execute();
    await db()
      .insertInto("period_reports")
      .values(
        reported.map((departmentId) => ({
          organisation_id: server.organisationId,
          department_id: departmentId,
          period_id: periodId,
          completed_at: new Date(),
          completed_by: ids.admin,
        })),
      )
      .execute();
    const completed = (departmentId: string) =>
      record(ids.admin, {
        type: "period-report.changed",
        periodId,
        departmentId,
        completed: true,
      } as EventFacts);
    // One department still to go: nothing yet.
    await completed(reported[0]);
    await delivered();
    expect((await notificationsOf(ids.chief)).map((r) => r.kind)).not.toContain("ready-to-adopt");
    const last = Object.values(departments)[0];
    await db()
      .insertInto("period_reports")
      .values({
        organisation_id: server.organisationId,
        department_id: last,
        period_id: periodId,
        completed_at: new Date(),
        completed_by: ids.admin,
      })
      .execute();
    await completed(last);
    await delivered();
    expect(
      (await notificationsOf(ids.chief)).filter((r) => r.kind === "ready-to-adopt"),
    ).toMatchObject([{ link: `/rapporter/${periodId}` }]);

    await record(ids.chief, { type: "period-report.adopted", periodId, adoptionId: "a1" });
    await delivered();
    for (const who of ["member", "admin"] as const)
      expect((await notificationsOf(ids[who])).map((r) => r.kind)).toContain("report-adopted");
    expect((await notificationsOf(ids.chief)).map((r) => r.kind)).not.toContain("report-adopted");
  });

  it("choices: a kind off in the portal still e-mails; the weekly digest gathers e-mails into one, once", async () => {
    const editor = new HttpClient(server.url);
    await editor.logIn(DEMO_EMAILS.editor);
    const settings = await editor.get("/installningar");
    expect(textOf(await settings.text())).toContain("Notiser och e-post");
    // In the portal: everything but assignments; e-mail: assignments; weekly digest on.
    const saved = await editor.postForm("/installningar", {
      intent: "notifications",
      inApp: ["mention", "deadline-approaching"],
      email: ["assigned"],
      weeklyDigest: "on",
    });
    expect(saved.status).toBe(303);
    const mailsBefore = (await mailsTo(ids.editor)).length;
    const rowsBefore = (await notificationsOf(ids.editor)).length;
    await callApi(
      server.url,
      memberToken,
      "POST",
      "/actions",
      newAction("Våld i nära relationer – handbok", departments.Kommunledning, ids.editor),
    );
    await callApi(
      server.url,
      memberToken,
      "POST",
      "/actions",
      newAction("Våld i nära relationer – utbildning", departments.Kommunledning, ids.editor),
    );
    await delivered();
    const rows = (await notificationsOf(ids.editor)).slice(rowsBefore);
    expect(rows.map((r) => [r.kind, r.in_app, r.email])).toEqual([
      ["assigned", false, "digest"],
      ["assigned", false, "digest"],
    ]);
    expect(await mailsTo(ids.editor)).toHaveLength(mailsBefore);

    await record(null, { type: "digest.due", week: "2017-W41" });
    await record(null, { type: "digest.due", week: "2017-W41" });
    await delivered();
    const digests = (await mailsTo(ids.editor)).filter((m) => m.kind === "digest");
    expect(digests).toHaveLength(1);
    expect(digests[0].subject).toContain("Veckosammanfattning 2017-W41: 2 händelser");
    expect(digests[0].text_body).toContain("Våld i nära relationer – handbok");
    expect(digests[0].text_body).toContain("Våld i nära relationer – utbildning");
  });

  it("the list page and the API: the owner's own, newest first, mark read and all read", async () => {
    const admin = new HttpClient(server.url);
    await admin.logIn(DEMO_EMAILS.admin);
    const page = await admin.get("/notiser");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(textOf(html)).toContain(`${names.member} nämnde dig i en kommentar till åtgärden`);
    // The bell's name says how many are unread.
    const token = await createTokenAs(server.url, DEMO_EMAILS.admin);
    const list = await callApi(server.url, token, "GET", "/notifications");
    expect(list.status).toBe(200);
    expect(list.body.unread).toBe(list.body.items.length);
    expect(html).toMatch(new RegExp(`aria-label="Notiser, ${list.body.unread} olästa"`));
    const times = list.body.items.map((item: { createdAt: string }) => item.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const first = list.body.items[0];
    expect(first).toMatchObject({ read: false, url: expect.stringMatching(/^\//) });

    const others = await callApi(
      server.url,
      await createTokenAs(server.url, DEMO_EMAILS.chief),
      "POST",
      `/notifications/${first.id}/read`,
    );
    expect(others.status).toBe(404);
    expect(
      (await callApi(server.url, token, "POST", `/notifications/${first.id}/read`)).status,
    ).toBe(204);
    const after = await callApi(server.url, token, "GET", "/notifications?limit=1");
    expect(after.body.items).toHaveLength(1);
    expect(after.body.items[0]).toMatchObject({ id: first.id, read: true });
    expect(after.body.unread).toBe(list.body.unread - 1);
    expect((await callApi(server.url, token, "GET", "/notifications?limit=0")).status).toBe(400);

    // The page's "mark all read".
    const all = await admin.postForm("/notiser", { intent: "read-all" });
    expect(all.status).toBe(303);
    expect((await callApi(server.url, token, "GET", "/notifications")).body.unread).toBe(0);
    expect((await callApi(server.url, token, "POST", "/notifications/read-all")).status).toBe(204);
  });

  it("the bell's count reaches the person's open tabs live over the socket", async () => {
    const chief = new HttpClient(server.url);
    await chief.logIn(DEMO_EMAILS.chief);
    const socket: Socket = connectSocket(server.url, {
      cookie: chief.cookieHeader,
      auth: { userId: ids.chief },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      const heard = new Promise<number>((resolve) => socket.once("notifications:unread", resolve));
      const expected =
        (
          await callApi(
            server.url,
            await createTokenAs(server.url, DEMO_EMAILS.chief),
            "GET",
            "/notifications",
          )
        ).body.unread + 1;
      await callApi(
        server.url,
        memberToken,
        "POST",
        "/actions",
        newAction("Stöd till våldsutsatta äldre", departments.Socialtjänst, ids.chief),
      );
      expect(await heard).toBe(expected);
    } finally {
      socket.disconnect();
    }
  });
});
