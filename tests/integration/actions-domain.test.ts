import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle, DB } from "../../db";
import type { ActionStatus } from "../../db/schema";
import { seedDemo } from "../../db/seed/demo";
import type { SessionUser } from "../../server/auth/sessions";
import { createApiToken } from "../../server/auth/tokens";
import {
  actionsToCsv,
  departmentNameMap,
  IMPORT_MAX_ROWS,
  importActions,
  previewActionImport,
} from "../../server/domain/action-csv";
import {
  createAction,
  displayStatus,
  getAction,
  listActions,
  updateAction,
} from "../../server/domain/actions";
import { addComment } from "../../server/domain/comments";
import { ConflictError, ValidationError } from "../../server/domain/errors";
import {
  completePeriodReport,
  periodReportStatus,
  reopenPeriodReport,
  saveFollowUp,
} from "../../server/domain/followups";
import { ForbiddenError, NotFoundError } from "../../server/domain/policy";
import {
  ALLOWED,
  actorFor,
  DEMO_EMAILS,
  type DemoUser,
  departmentIds,
  goalIds,
  OPERATIONS,
  type Operation,
  OTHER_DEPARTMENT,
  type OtherOrganisation,
  OWN_DEPARTMENT,
  periodIds,
  seedOtherOrganisation,
} from "../helpers/actions";
import { createTestDatabase } from "../helpers/database";

let handle: DatabaseHandle;
let db: DB;
let organisationId: string;
const actors = {} as Record<DemoUser, SessionUser>;
let departments: Record<string, string>;
let goals: string[];
let periods: Record<string, string>;
let other: OtherOrganisation;

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  organisationId = await seedDemo(db);
  for (const [role, email] of Object.entries(DEMO_EMAILS))
    actors[role as DemoUser] = await actorFor(db, email);
  departments = await departmentIds(db, organisationId);
  goals = await goalIds(db, organisationId);
  periods = await periodIds(db, organisationId);
  other = await seedOtherOrganisation(db);
});
afterAll(() => handle?.close());

/** What a call amounts to for the permission matrix. */
async function outcome(work: () => Promise<unknown>): Promise<"ok" | "forbidden" | "not_found"> {
  try {
    await work();
    return "ok";
  } catch (error) {
    if (error instanceof ForbiddenError) return "forbidden";
    if (error instanceof NotFoundError) return "not_found";
    throw error;
  }
}

/** The error a call fails with, checked to be of the expected kind. */
async function failure<E extends Error>(
  work: Promise<unknown>,
  // biome-ignore lint/suspicious/noExplicitAny: any error class
  kind: new (...args: any[]) => E,
): Promise<E> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(kind);
  return error as E;
}

async function countRows(table: "actions" | "audit_events" | "action_comments" | "api_tokens") {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("permission matrix (domain)", () => {
  /** Department name → an action of that department, made for this matrix. */
  const matrixActions: Record<string, string> = {};
  // No action of the matrix falls in T1 2017, so a report for it can be marked done at once.
  const emptyPeriod = () => periods["T1 2017"];

  beforeAll(async () => {
    for (const [name, id] of Object.entries(departments)) {
      const action = await createAction(db, actors.admin, {
        title: `Matrisåtgärd ${name}`,
        goalId: goals[0],
        departmentId: id,
        startDate: "2020-01-01",
        dueDate: "2030-12-31",
      });
      matrixActions[name] = action.id;
    }
    for (const id of Object.values(departments)) {
      const status = await periodReportStatus(db, actors.admin, id, emptyPeriod());
      expect(status.missing).toBe(0);
    }
  });

  /** Runs a change; when it is refused, the action must be exactly as it was. */
  async function unchangedIfRefused(
    actionId: string,
    change: (version: number) => Promise<unknown>,
  ) {
    const before = await getAction(db, actors.admin, actionId);
    try {
      await change(before.version);
    } catch (error) {
      expect(await getAction(db, actors.admin, actionId)).toEqual(before);
      throw error;
    }
  }

  const updateProgress = (actor: SessionUser, actionId: string) =>
    unchangedIfRefused(actionId, (version) =>
      updateAction(db, actor, actionId, { version, status: "in_progress", progress: 40 }),
    );

  async function complete(actor: SessionUser, departmentName: string) {
    await completePeriodReport(db, actor, departments[departmentName], emptyPeriod());
    const status = await periodReportStatus(db, actor, departments[departmentName], emptyPeriod());
    expect(status.completedAt).not.toBeNull();
    await reopenPeriodReport(db, actor, departments[departmentName], emptyPeriod());
  }

  const run: Record<Operation, (role: DemoUser) => Promise<unknown>> = {
    async read(role) {
      const id = matrixActions[OWN_DEPARTMENT[role]];
      expect((await getAction(db, actors[role], id)).id).toBe(id);
      const { items } = await listActions(db, actors[role], {
        departmentId: departments[OTHER_DEPARTMENT],
      });
      expect(items.map((a) => a.id)).toContain(matrixActions[OTHER_DEPARTMENT]);
    },
    create: (role) =>
      createAction(db, actors[role], {
        title: `Ny åtgärd av ${role}`,
        goalId: goals[0],
        departmentId: departments[OWN_DEPARTMENT[role]],
        startDate: "2020-02-01",
      }),
    editAll(role) {
      const id = matrixActions[OWN_DEPARTMENT[role]];
      return unchangedIfRefused(id, (version) =>
        updateAction(db, actors[role], id, {
          version,
          title: `Ändrad av ${role}`,
          description: "Ny beskrivning",
          goalId: goals[1],
          departmentId: departments[OWN_DEPARTMENT[role]],
          involvedDepartmentIds: [departments.Kommunledning],
          ownerId: actors.member.userId,
          startDate: "2020-01-15",
          dueDate: "2029-12-31",
          status: "in_progress",
          progress: 10,
        }),
      );
    },
    progressOwn: (role) => updateProgress(actors[role], matrixActions[OWN_DEPARTMENT[role]]),
    progressOther: (role) => updateProgress(actors[role], matrixActions[OTHER_DEPARTMENT]),
    followUpOwn: (role) =>
      saveFollowUp(db, actors[role], matrixActions[OWN_DEPARTMENT[role]], periods["T3 2020"], {
        assessment: "on_track",
        comment: `Bedömt av ${role}`,
      }),
    followUpOther: (role) =>
      saveFollowUp(db, actors[role], matrixActions[OTHER_DEPARTMENT], periods["T3 2020"], {
        assessment: "at_risk",
        comment: `Bedömt av ${role}`,
      }),
    comment: (role) =>
      addComment(db, actors[role], matrixActions[OTHER_DEPARTMENT], {
        body: `Kommentar av ${role}`,
      }),
    completeOwn: (role) => complete(actors[role], OWN_DEPARTMENT[role]),
    completeOther: (role) => complete(actors[role], OTHER_DEPARTMENT),
  };

  const cells = (Object.keys(DEMO_EMAILS) as DemoUser[]).flatMap((role) =>
    OPERATIONS.map((operation) => ({
      role,
      operation,
      expected: ALLOWED[role].includes(operation) ? "ok" : "forbidden",
    })),
  );

  it.each(cells)("$role × $operation → $expected", async ({ role, operation, expected }) => {
    expect(await outcome(() => run[operation](role))).toBe(expected);
  });
});

describe("another organisation (domain)", () => {
  // Observers read no actions at all, not even their own organisation's.
  it.each((Object.keys(DEMO_EMAILS) as DemoUser[]).filter((role) => role !== "observer"))(
    "%s finds nothing of another organisation: not found, never forbidden",
    async (role) => {
      const actor = actors[role];
      const { items } = await listActions(db, actor, {});
      expect(items.map((a) => a.id)).not.toContain(other.actionId);
      expect(await outcome(() => getAction(db, actor, other.actionId))).toBe("not_found");
      expect(
        await outcome(() =>
          updateAction(db, actor, other.actionId, { version: 1, status: "done", progress: 100 }),
        ),
      ).toBe("not_found");
      expect(
        await outcome(() => updateAction(db, actor, other.actionId, { version: 1, title: "X" })),
      ).toBe("not_found");
      expect(
        await outcome(() =>
          saveFollowUp(db, actor, other.actionId, other.periodId, {
            assessment: "on_track",
            comment: "Främmande",
          }),
        ),
      ).toBe("not_found");
      expect(
        await outcome(() => addComment(db, actor, other.actionId, { body: "Främmande" })),
      ).toBe("not_found");
      expect(
        await outcome(() => completePeriodReport(db, actor, other.departmentId, other.periodId)),
      ).toBe("not_found");
      expect(
        await outcome(() =>
          periodReportStatus(db, actor, departments.Socialtjänst, other.periodId),
        ),
      ).toBe("not_found");
    },
  );

  it("another organisation's period is unknown for an own action's follow-up", async () => {
    const { items } = await listActions(db, actors.admin, { limit: 1 });
    expect(
      await outcome(() =>
        saveFollowUp(db, actors.admin, items[0].id, other.periodId, {
          assessment: "on_track",
          comment: "Fel period",
        }),
      ),
    ).toBe("not_found");
  });

  it("another organisation's goal and department are unknown when creating", async () => {
    const error = await failure(
      createAction(db, actors.member, {
        title: "Lånad struktur",
        goalId: other.goalId,
        departmentId: other.departmentId,
      }),
      ValidationError,
    );
    expect(error.fields).toEqual({
      goalId: "validation.unknownGoal",
      departmentId: "validation.unknownDepartment",
    });
  });

  it("the other organisation sees only its own action", async () => {
    const { items } = await listActions(db, other.user, {});
    expect(items.map((a) => a.id)).toEqual([other.actionId]);
  });
});

describe("concurrent saves (domain)", () => {
  it.each([1, 2, 3])(
    "two saves from the same version: one succeeds, one conflicts, one audit row (round %i)",
    async () => {
      const action = await createAction(db, actors.member, {
        title: "Samtidig ändring",
        goalId: goals[0],
        departmentId: departments.Socialtjänst,
        startDate: "2020-01-01",
      });
      const results = await Promise.allSettled([
        updateAction(db, actors.member, action.id, { version: 1, title: "Arbetsgruppens titel" }),
        updateAction(db, actors.editor, action.id, { version: 1, progress: 55 }),
      ]);
      const fulfilled = results.filter((r) => r.status === "fulfilled");
      const rejected = results.filter((r) => r.status === "rejected");
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(1);
      const conflict = rejected[0].reason;
      expect(conflict).toBeInstanceOf(ConflictError);
      const winner = fulfilled[0].value;
      expect(winner.version).toBe(2);
      const memberWon = winner.title === "Arbetsgruppens titel";
      expect(conflict.current).toMatchObject({
        version: 2,
        changedBy: memberWon ? actors.member.name : actors.editor.name,
        changedFields: [memberWon ? "title" : "progress"],
      });
      expect(conflict.current.changedAt).toBeInstanceOf(Date);
      const audit = await db
        .selectFrom("audit_events")
        .select("action")
        .where("entity_id", "=", action.id)
        .where("action", "=", "action.updated")
        .execute();
      expect(audit).toHaveLength(1);
      const stored = await getAction(db, actors.admin, action.id);
      expect(stored.version).toBe(2);
      expect(stored.progress).toBe(memberWon ? 0 : 55);
    },
  );

  it("a save from a stale version is refused even when nothing else is in flight", async () => {
    const action = await createAction(db, actors.member, {
      title: "Gammal version",
      goalId: goals[0],
      departmentId: departments.Socialtjänst,
      startDate: "2020-01-01",
    });
    await updateAction(db, actors.editor, action.id, { version: 1, status: "in_progress" });
    const error = await failure(
      updateAction(db, actors.member, action.id, {
        version: 1,
        description: "Min text",
      }),
      ConflictError,
    );
    expect(error.current).toMatchObject({
      version: 2,
      changedBy: actors.editor.name,
      changedFields: ["status"],
    });
    expect((await getAction(db, actors.admin, action.id)).description).toBe("");
  });
});

/** Valid numbers, with and without century and separator, and a samordningsnummer. */
const IDENTITY_NUMBERS = ["811218-9876", "19811218-9876", "8112189876", "701063-2391"];
/** Looks like one, but the check digit is wrong. */
const LOOK_ALIKE = "811218-9875";

describe("personal identity numbers in free text (domain)", () => {
  let actionId: string;
  beforeAll(async () => {
    actionId = (
      await createAction(db, actors.member, {
        title: "Fritextkontroll",
        goalId: goals[0],
        departmentId: departments.Socialtjänst,
        startDate: "2020-01-01",
      })
    ).id;
  });

  const version = async () => (await getAction(db, actors.admin, actionId)).version;
  const base = { goalId: "", departmentId: "", startDate: "2020-01-01" };
  const fields: Record<string, (text: string) => Promise<unknown>> = {
    "action title (new)": (text) =>
      createAction(db, actors.member, {
        ...base,
        goalId: goals[0],
        departmentId: departments.Socialtjänst,
        title: text,
      }),
    "action description (new)": (text) =>
      createAction(db, actors.member, {
        ...base,
        goalId: goals[0],
        departmentId: departments.Socialtjänst,
        title: "Med beskrivning",
        description: text,
      }),
    "action title (change)": async (text) =>
      updateAction(db, actors.member, actionId, { version: await version(), title: text }),
    "action description (change)": async (text) =>
      updateAction(db, actors.member, actionId, { version: await version(), description: text }),
    "follow-up comment": (text) =>
      saveFollowUp(db, actors.editor, actionId, periods["T3 2020"], {
        assessment: "at_risk",
        comment: text,
      }),
    "comment body": (text) => addComment(db, actors.chief, actionId, { body: text }),
    "token name": (text) => createApiToken(db, actors.observer, "secret", { name: text }),
  };
  const FIELD_NAMES: Record<string, string> = {
    "action title (new)": "title",
    "action description (new)": "description",
    "action title (change)": "title",
    "action description (change)": "description",
    "follow-up comment": "comment",
    "comment body": "body",
    "token name": "name",
  };

  const refused = Object.keys(fields).flatMap((field) =>
    IDENTITY_NUMBERS.map((number) => ({ field, number })),
  );
  it.each(refused)(
    "$field with $number is refused and nothing is saved",
    async ({ field, number }) => {
      const counts = await Promise.all(
        (["actions", "audit_events", "action_comments", "api_tokens"] as const).map(countRows),
      );
      const error = await failure(fields[field](`Samtal med ${number} bokat`), ValidationError);
      expect(error.fields).toEqual({ [FIELD_NAMES[field]]: "validation.identityNumber" });
      expect(
        await Promise.all(
          (["actions", "audit_events", "action_comments", "api_tokens"] as const).map(countRows),
        ),
      ).toEqual(counts);
    },
  );

  it.each(Object.keys(fields))(
    `%s with the look-alike ${LOOK_ALIKE} is accepted`,
    async (field) => {
      // Resolving is the assertion: a refusal would throw ValidationError.
      await fields[field](`Ärende ${LOOK_ALIKE} avslutat`);
    },
  );
});

describe("derived Försenad (overdue)", () => {
  const PREFIX = "Förfallen-test";
  const statuses: ActionStatus[] = ["not_started", "in_progress", "paused", "done", "cancelled"];
  beforeAll(async () => {
    for (const status of statuses) {
      await createAction(db, actors.member, {
        title: `${PREFIX} ${status}`,
        goalId: goals[0],
        departmentId: departments.Socialtjänst,
        startDate: "2020-01-01",
        dueDate: "2020-06-30",
        status,
      });
    }
    await createAction(db, actors.member, {
      title: `${PREFIX} utan slutdatum`,
      goalId: goals[0],
      departmentId: departments.Socialtjänst,
      startDate: "2020-01-01",
    });
  });

  const titles = (items: { title: string }[]) => items.map((a) => a.title).sort();
  const list = (filter: Record<string, string>, today: string) =>
    listActions(db, actors.chief, { q: PREFIX, ...filter }, today);

  it("the day after the due date, actions not done or cancelled are overdue", async () => {
    const { items } = await list({}, "2020-07-01");
    const overdue = Object.fromEntries(
      items.map((a) => [a.title.slice(PREFIX.length + 1), a.overdue]),
    );
    expect(overdue).toEqual({
      not_started: true,
      in_progress: true,
      paused: true,
      done: false,
      cancelled: false,
      "utan slutdatum": false,
    });
    const late = [`${PREFIX} in_progress`, `${PREFIX} not_started`, `${PREFIX} paused`];
    expect(titles((await list({ status: "overdue" }, "2020-07-01")).items)).toEqual(late);
    expect(titles((await list({ overdue: "true" }, "2020-07-01")).items)).toEqual(late);
    // An overdue action no longer counts under its stored status.
    expect((await list({ status: "in_progress" }, "2020-07-01")).items).toEqual([]);
    expect(titles((await list({ status: "done" }, "2020-07-01")).items)).toEqual([
      `${PREFIX} done`,
    ]);
    const single = items.find((a) => a.title === `${PREFIX} paused`);
    expect((await getAction(db, actors.chief, single?.id ?? "", "2020-07-01")).overdue).toBe(true);
  });

  it("on the due date itself nothing is overdue yet", async () => {
    const { items } = await list({}, "2020-06-30");
    expect(items.every((a) => !a.overdue)).toBe(true);
    expect((await list({ status: "overdue" }, "2020-06-30")).items).toEqual([]);
    expect(titles((await list({ status: "in_progress" }, "2020-06-30")).items)).toEqual([
      `${PREFIX} in_progress`,
    ]);
    // An action without a due date keeps its stored status in the filter.
    expect(titles((await list({ status: "not_started" }, "2020-07-01")).items)).toEqual([
      `${PREFIX} utan slutdatum`,
    ]);
  });

  it("done and cancelled actions are never overdue, however late", async () => {
    const { items } = await list({ overdue: "false" }, "2099-01-01");
    expect(titles(items)).toEqual([
      `${PREFIX} cancelled`,
      `${PREFIX} done`,
      `${PREFIX} utan slutdatum`,
    ]);
  });
});

describe("CSV import and export", () => {
  const HEADER = "Titel;Beskrivning;Mål;Ansvarig förvaltning;Startdatum;Slutdatum;Status";

  async function titlesLike(prefix: string) {
    const { items } = await listActions(db, actors.admin, { q: prefix, sort: "title" });
    return items;
  }

  it("a file with bad rows saves nothing and names each bad row's line and field", async () => {
    const file = [
      HEADER,
      // A quoted description over two lines: the rows after it still get their own line numbers.
      'Importrad bra;"Första raden\r\nandra raden";1;Socialtjänst;2020-01-01;2020-12-31;Pågående',
      "Importrad okänt mål;;Mål 9;Socialtjänst;2020-01-01;2020-12-31;Ej påbörjad",
      "Importrad fel datum;;2;Socialtjänst;2020-01-01;2020-02-30;Ej påbörjad",
      "Importrad 811218-9876;;3;Barn och utbildning;2020-01-01;2020-12-31;Ej påbörjad",
      "Importrad okänd förvaltning;;4;Fritidsförvaltningen;2020-01-01;2020-12-31;okänd",
    ].join("\r\n");
    const before = await Promise.all((["actions", "audit_events"] as const).map(countRows));

    const preview = await previewActionImport(db, actors.member, file);
    expect(preview.fileError).toBeNull();
    expect(preview.rows.map((row) => ({ line: row.line, errors: row.errors }))).toEqual([
      { line: 2, errors: {} },
      { line: 4, errors: { goalId: "validation.unknownGoal" } },
      { line: 5, errors: { dueDate: "validation.date" } },
      { line: 6, errors: { title: "validation.identityNumber" } },
      {
        line: 7,
        errors: { departmentId: "validation.unknownDepartment", status: "validation.status" },
      },
    ]);

    const error = await failure(importActions(db, actors.member, file), ValidationError);
    expect(error.fields).toEqual({ file: "import.rowsHaveErrors" });
    expect(await Promise.all((["actions", "audit_events"] as const).map(countRows))).toEqual(
      before,
    );
    expect(await titlesLike("Importrad")).toEqual([]);
  });

  it("a good file separated by ; with a BOM and quoted newlines saves every row at once", async () => {
    const file = `\uFEFF${[
      "Titel;Beskrivning;Mål;Ansvarig förvaltning;Medverkande förvaltningar;Ansvarig person;Startdatum;Slutdatum;Status;Genomfört (%)",
      'Semikolon A;"Rad ett\r\nrad två; med semikolon";1;Socialtjänst;Barn och utbildning, Kommunledning;socialtjanst@kommun.test;2020-01-01;2020-12-31;Pågående;40',
      'Semikolon B;"Citat ""inom"" citat";Mål 2;barn och utbildning;;;2020-02-01;;Genomförd;100',
      "Semikolon C;;4;Kultur och teknik;;;2020-03-01;2021-06-30;paused;",
    ].join("\r\n")}\r\n`;
    const created = await importActions(db, actors.member, file);
    expect(created).toHaveLength(3);
    const items = await titlesLike("Semikolon");
    expect(
      items.map((a) => ({
        title: a.title,
        description: a.description,
        goalPosition: a.goalPosition,
        departmentName: a.departmentName,
        involved: a.involvedDepartmentIds.length,
        ownerId: a.ownerId,
        status: a.status,
        progress: a.progress,
        dueDate: a.dueDate,
      })),
    ).toEqual([
      {
        title: "Semikolon A",
        description: "Rad ett\nrad två; med semikolon",
        goalPosition: 1,
        departmentName: "Socialtjänst",
        involved: 2,
        ownerId: actors.editor.userId,
        status: "in_progress",
        progress: 40,
        dueDate: "2020-12-31",
      },
      {
        title: "Semikolon B",
        description: 'Citat "inom" citat',
        goalPosition: 2,
        departmentName: "Barn och utbildning",
        involved: 0,
        ownerId: null,
        status: "done",
        progress: 100,
        dueDate: null,
      },
      {
        title: "Semikolon C",
        description: "",
        goalPosition: 4,
        departmentName: "Kultur och teknik",
        involved: 0,
        ownerId: null,
        status: "paused",
        progress: 0,
        dueDate: "2021-06-30",
      },
    ]);
  });

  it("a good file separated by , without BOM is read as well", async () => {
    const file = [
      "title,description,goal,department,start date,due date,status,progress",
      'Komma A,"Första, andra\noch tredje",3,Kommunledning,2020-01-01,2020-06-30,not_started,0',
      "Komma B,,1,Socialtjänst,2020-01-01,,in_progress,15",
    ].join("\n");
    await importActions(db, actors.admin, file);
    const items = await titlesLike("Komma ");
    expect(items.map((a) => [a.title, a.description, a.status, a.progress])).toEqual([
      ["Komma A", "Första, andra\noch tredje", "not_started", 0],
      ["Komma B", "", "in_progress", 15],
    ]);
  });

  it.each([
    [
      "too many rows",
      `${HEADER}\n${"Rad;;1;Socialtjänst;;;\n".repeat(IMPORT_MAX_ROWS + 1)}`,
      "import.tooManyRows",
    ],
    ["missing columns", "Titel;Beskrivning\nEn rad;text\n", "import.missingColumns"],
    ["an unterminated quote", `${HEADER}\n"Trasig;;1;Socialtjänst;;;\n`, "import.unreadable"],
    ["an empty file", "", "import.unreadable"],
    ["no rows", `${HEADER}\r\n`, "import.noRows"],
  ])("%s is an error for the whole file", async (_name, file, fileError) => {
    const before = await countRows("actions");
    const preview = await previewActionImport(db, actors.member, file);
    expect(preview).toEqual({ fileError, rows: [] });
    const error = await failure(importActions(db, actors.member, file), ValidationError);
    expect(error.fields).toEqual({ file: fileError });
    expect(await countRows("actions")).toBe(before);
  });

  it("only roles that may import can preview or import", async () => {
    for (const role of ["editor", "chief", "observer"] as const) {
      await expect(previewActionImport(db, actors[role], `${HEADER}\n`)).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    }
  });

  it("an export imports again with the same titles, statuses as shown and fields", async () => {
    const { items: exported } = await listActions(db, actors.admin, {});
    const csv = actionsToCsv(exported, await departmentNameMap(db, organisationId));
    expect(csv.startsWith("\uFEFFTitel;")).toBe(true);

    const existing = new Set(exported.map((a) => a.id));
    await importActions(db, actors.admin, csv);
    const { items: after } = await listActions(db, actors.admin, {});
    const imported = after.filter((a) => !existing.has(a.id));

    const comparable = (a: (typeof exported)[number]) => ({
      title: a.title,
      description: a.description,
      goalId: a.goalId,
      departmentId: a.departmentId,
      involvedDepartmentIds: a.involvedDepartmentIds,
      ownerId: a.ownerId,
      startDate: a.startDate,
      dueDate: a.dueDate,
      // The export shows Försenad for an overdue action; imported, it is under way and still late.
      status: displayStatus(a),
      progress: a.progress,
    });
    // Some titles repeat (earlier tests), so order by every field.
    const sorted = (actions: typeof exported) =>
      actions.map(comparable).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(sorted(imported)).toEqual(sorted(exported));
  });
});
