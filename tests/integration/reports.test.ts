import path from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { departmentIdsOf } from "../../server/auth/sessions";
import { getAction, updateAction } from "../../server/domain/actions";
import { readCsv } from "../../server/domain/csv";
import { getDocument, updateDocumentMeta } from "../../server/domain/documents";
import { saveFollowUp } from "../../server/domain/followups";
import type { Actor } from "../../server/domain/policy";
import { buildPeriodReport, type PeriodReport } from "../../server/domain/reports";
import { REPORT_CSV_HEADER } from "../../server/reports/csv";
import { sv } from "../../server/reports/outline";
import { textOf } from "../helpers/html";
import { HttpClient } from "../helpers/http";
import { startTestServer, type TestServer } from "../helpers/server";

const ADOPTION = "fastställd";
const STANDARD_FONTS = `${path.resolve(import.meta.dirname, "../../node_modules/pdfjs-dist/standard_fonts")}/`;

/** The text of a Word document's body, one paragraph a line, entities decoded. */
function docxText(documentXml: string): string {
  return documentXml
    .split("</w:p>")
    .map((paragraph) =>
      [...paragraph.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(""),
    )
    .join("\n")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

async function pdfText(bytes: ArrayBuffer) {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const pdf = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl: STANDARD_FONTS,
  }).promise;
  let text = "";
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    for (const item of content.items) if ("str" in item) text += `${item.str} `;
  }
  const info = (await pdf.getMetadata()).info as { Title?: string; Language?: string };
  return { text, info, marked: await pdf.getMarkInfo(), pages: pdf.numPages };
}

/** Table cells wrap anywhere, so PDF text is compared without whitespace. */
const squeeze = (text: string) => text.replace(/\s+/g, "");

describe("period reports over HTTP", () => {
  let server: TestServer;
  let asChief: HttpClient;
  let asMember: HttpClient;
  let asObserver: HttpClient;
  let chiefActor: Actor;
  let memberActor: Actor;
  let periodId: string;
  let emptyPeriodId: string;
  let appendixTitle: string;
  const db = () => server.database.db;

  async function actorOf(email: string): Promise<Actor> {
    const row = await db()
      .selectFrom("users")
      .innerJoin("memberships", "memberships.user_id", "users.id")
      .select(["users.id", "memberships.organisation_id", "memberships.roles"])
      .where("users.email", "=", email)
      .executeTakeFirstOrThrow();
    return {
      userId: row.id,
      organisationId: row.organisation_id,
      roles: row.roles,
      departmentIds: await departmentIdsOf(db(), row.id, row.organisation_id),
    };
  }

  async function periodNamed(name: string) {
    const row = await db()
      .selectFrom("follow_up_periods")
      .select("id")
      .where("organisation_id", "=", server.organisationId)
      .where("name", "=", name)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  const live = () => buildPeriodReport(db(), chiefActor, periodId);
  const actionsOf = (report: PeriodReport) => report.goals.flatMap((g) => g.actions);
  const reportUrl = (query: Record<string, string> = {}, id = periodId) =>
    `/rapporter/${id}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ""}`;

  async function exportJson(client: HttpClient, query: Record<string, string> = {}) {
    const response = await client.get(reportUrl({ format: "json", ...query }));
    expect(response.status).toBe(200);
    return (await response.json()) as Omit<PeriodReport, "adoption"> & {
      adopted: boolean;
      adoptionId: string | null;
      adoptedAt: string | null;
      adoptedBy: string | null;
      exportedAt: string;
    };
  }

  async function adopt(client: HttpClient, id = periodId) {
    const response = await client.postForm(reportUrl({}, id), { confirm: "on" });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get("location") ?? "", server.url);
    expect(location.pathname).toBe(`/rapporter/${id}`);
    const adoptionId = location.searchParams.get(ADOPTION);
    expect(adoptionId).toMatch(/^[0-9a-f-]{36}$/);
    return adoptionId as string;
  }

  beforeAll(async () => {
    server = await startTestServer();
    asChief = new HttpClient(server.url);
    asMember = new HttpClient(server.url);
    asObserver = new HttpClient(server.url);
    await Promise.all([
      asChief.logIn("kommunchef@kommun.test"),
      asMember.logIn("arbetsgrupp@kommun.test"),
      asObserver.logIn("observator@kommun.test"),
    ]);
    chiefActor = await actorOf("kommunchef@kommun.test");
    memberActor = await actorOf("arbetsgrupp@kommun.test");
    // T3 2018: every goal has actions with assessments; T1 2017 is before the first action.
    periodId = await periodNamed("T3 2018");
    emptyPeriodId = await periodNamed("T1 2017");
    // An adopted samverkansform becomes the report's appendix.
    const { id } = await db()
      .selectFrom("documents")
      .select("id")
      .where("organisation_id", "=", server.organisationId)
      .where("kind", "=", "samverkansform")
      .executeTakeFirstOrThrow();
    const document = await getDocument(db(), memberActor, id);
    appendixTitle = document.title;
    await updateDocumentMeta(db(), memberActor, id, {
      title: document.title,
      kind: document.kind,
      departmentIds: document.departmentIds,
      status: "adopted",
      version: document.version,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("lists the periods with whether an adopted report exists", async () => {
    const response = await asChief.get("/rapporter");
    expect(response.status).toBe(200);
    const text = textOf(await response.text());
    expect(text).toContain("Lägesrapporter");
    expect(text).toContain("Lägesrapport T3 2018");
    expect(text).toContain("Ej fastställd");
  });

  it("shows the live report: goals with roll-up, action tables, departments, appendices, downloads", async () => {
    const report = await live();
    expect(actionsOf(report).length).toBeGreaterThan(0);
    const response = await asChief.get(reportUrl());
    expect(response.status).toBe(200);
    const html = await response.text();
    const text = textOf(html);
    expect(html).toContain("<title>Lägesrapport T3 2018 – Samverkan</title>");
    for (const goal of report.goals) {
      expect(text).toContain(`Mål ${goal.position} – ${goal.title}`);
      expect(text).toContain("Samlad bedömning:");
      expect(text).toContain(
        goal.rollUp.counted > 0
          ? `${goal.rollUp.assessed} av ${goal.rollUp.counted} bedömda`
          : "Inga åtgärder att bedöma för perioden.",
      );
    }
    for (const action of actionsOf(report)) expect(text).toContain(action.title);
    for (const column of ["Åtgärd", "Förvaltning", "Status", "Genomfört", "Bedömning", "Kommentar"])
      expect(html).toContain(`<th scope="col">${column}</th>`);
    expect(text).toMatch(/Klarmarkerad \d{4}-\d{2}-\d{2}/);
    expect(text).toContain(`Bilaga 1: ${appendixTitle}`);
    expect(html).toMatch(/class="appendix-content"><h4/);
    for (const format of ["docx", "pdf", "csv", "json"])
      expect(html).toContain(`href="/rapporter/${periodId}?format=${format}"`);
    expect(text).toContain("Fastställ rapporten");
    expect(text).toContain("Jag har granskat rapporten");
  });

  it("exports Word: a valid Office Open XML package with headings, header rows, sv-SE and metadata", async () => {
    const report = await live();
    const response = await asChief.get(reportUrl({ format: "docx" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="Lagesrapport-T3-2018.docx"; filename*=UTF-8''L%C3%A4gesrapport-T3-2018.docx`,
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(strFromU8(bytes.subarray(0, 2))).toBe("PK");
    const files = unzipSync(bytes);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(["[Content_Types].xml", "word/document.xml", "docProps/core.xml"]),
    );
    expect(strFromU8(files["[Content_Types].xml"])).toContain(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    );
    const documentXml = strFromU8(files["word/document.xml"]);
    const text = docxText(documentXml);
    expect(text).toContain("Lägesrapport T3 2018");
    for (const goal of report.goals) expect(text).toContain(goal.title);
    for (const action of actionsOf(report)) expect(text).toContain(action.title);
    expect(text).toContain(appendixTitle);
    expect(documentXml).toContain('<w:pStyle w:val="Heading1"/>');
    expect(documentXml).toContain('<w:pStyle w:val="Heading2"/>');
    expect(documentXml).toContain("<w:tblHeader/>");
    expect(strFromU8(files["word/styles.xml"])).toContain('<w:lang w:val="sv-SE"/>');
    const core = strFromU8(files["docProps/core.xml"]);
    expect(core).toContain("<dc:title>Lägesrapport T3 2018</dc:title>");
    expect(core).toContain(
      "<dc:subject>Lägesrapport till kommunstyrelsen, Exempelkommun</dc:subject>",
    );
  });

  it("exports PDF with searchable text for every goal and action, title, language and tags", async () => {
    const report = await live();
    const response = await asChief.get(reportUrl({ format: "pdf" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toContain(
      "filename*=UTF-8''L%C3%A4gesrapport-T3-2018.pdf",
    );
    const pdf = await pdfText(await response.arrayBuffer());
    const text = squeeze(pdf.text);
    expect(text).toContain(squeeze("Lägesrapport T3 2018"));
    for (const goal of report.goals) expect(text).toContain(squeeze(goal.title));
    for (const action of actionsOf(report)) expect(text).toContain(squeeze(action.title));
    expect(text).toContain(squeeze(`Bilaga 1: ${appendixTitle}`));
    expect(pdf.info.Title).toBe("Lägesrapport T3 2018");
    expect(pdf.info.Language).toBe("sv-SE");
    expect(pdf.marked).toMatchObject({ Marked: true });
  });

  it("exports CSV for Excel that round-trips through readCsv", async () => {
    const report = await live();
    const response = await asChief.get(reportUrl({ format: "csv" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toContain(
      'filename="Lagesrapport-T3-2018.csv"',
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder().decode(bytes);
    expect(csv.split("\r\n")[0]).toContain(";");
    const { header, rows } = readCsv(csv);
    expect(header).toEqual(REPORT_CSV_HEADER);
    const expected = report.goals.flatMap((goal) =>
      goal.actions.map((a) => [
        `Mål ${goal.position} – ${goal.title}`,
        a.title,
        a.departmentName,
        a.status ? sv(`status.${a.status}`) : "Ej registrerat",
        a.progress === null ? "Ej registrerat" : String(a.progress),
        sv(`assessment.${a.assessment}`),
        (a.comment ?? "").trim(),
        goal.rollUp.result === "insufficient"
          ? "Underlag saknas"
          : sv(`assessment.${goal.rollUp.result}`),
        `${goal.rollUp.assessed} av ${goal.rollUp.counted} bedömda`,
      ]),
    );
    expect(rows.map((r) => r.cells)).toEqual(expected);
    expect(rows.some((r) => r.cells[5] === "Enligt plan")).toBe(true);
  });

  it("exports JSON with all data and its metadata", async () => {
    const report = await live();
    const before = Date.now();
    const data = await exportJson(asChief);
    expect(data).toMatchObject({
      kind: "samverkan.period-report",
      version: 2,
      organisation: { id: server.organisationId, name: "Exempelkommun" },
      period: { id: periodId, name: "T3 2018" },
      adopted: false,
      adoptionId: null,
      adoptedAt: null,
      adoptedBy: null,
      strategy: report.strategy,
      departments: report.departments,
    });
    expect(Date.parse(data.generatedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(data.exportedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(data.goals.map((g) => g.actions.map((a) => a.id))).toEqual(
      report.goals.map((g) => g.actions.map((a) => a.id)),
    );
    expect(data.appendices.map((a) => a.title)).toEqual([appendixTitle]);
    expect(data.goals.map((g) => g.rollUp)).toEqual(report.goals.map((g) => g.rollUp));
  });

  it("refuses adoption without the review confirmation, and by anyone but the chief", async () => {
    const count = async () =>
      (
        await db()
          .selectFrom("report_adoptions")
          .select(db().fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n;
    const before = await count();
    const unconfirmed = await asChief.postForm(reportUrl(), {});
    expect(unconfirmed.status).toBe(400);
    expect(textOf(await unconfirmed.text())).toContain("Bekräfta att du har granskat rapporten.");
    expect((await asMember.postForm(reportUrl(), { confirm: "on" })).status).toBe(403);
    expect((await asObserver.postForm(reportUrl(), { confirm: "on" })).status).toBe(403);
    expect(await count()).toBe(before);
  });

  it("keeps an adopted report unchanged after an action changes, and supersedes it without editing", async () => {
    const report = await live();
    const target = actionsOf(report).find((a) => a.status !== "done");
    if (!target) throw new Error("The fixture needs an action that is not done");
    const firstId = await adopt(asChief);

    const adoptedPage = await asChief.get(reportUrl({ [ADOPTION]: firstId, sparat: "1" }));
    expect(adoptedPage.status).toBe(200);
    const adoptedText = textOf(await adoptedPage.text());
    expect(adoptedText).toMatch(/Fastställd \d{4}-\d{2}-\d{2} av Johan Ek/);
    expect(adoptedText).toContain("Rapporten är fastställd.");
    expect(adoptedText).not.toContain("Jag har granskat rapporten");

    const action = await getAction(db(), memberActor, target.id);
    await updateAction(db(), memberActor, target.id, {
      status: "done",
      progress: 100,
      version: action.version,
    });
    // The period is past: its report changes when the department reports again.
    await saveFollowUp(db(), memberActor, target.id, periodId, {
      assessment: "on_track",
      comment: "Åtgärden är genomförd.",
    });

    const frozen = await exportJson(asChief, { [ADOPTION]: firstId });
    const frozenAction = frozen.goals.flatMap((g) => g.actions).find((a) => a.id === target.id);
    expect(frozenAction).toMatchObject({ status: target.status, progress: target.progress });
    expect(frozen).toMatchObject({ adopted: true, adoptionId: firstId, adoptedBy: "Johan Ek" });
    const current = await exportJson(asChief);
    const liveAction = current.goals.flatMap((g) => g.actions).find((a) => a.id === target.id);
    expect(liveAction).toMatchObject({ status: "done", progress: 100 });

    // The adopted Word file still says what was adopted, and is named for its adoption.
    const docx = await asChief.get(reportUrl({ format: "docx", [ADOPTION]: firstId }));
    expect(docx.headers.get("content-disposition")).toMatch(
      /filename\*=UTF-8''L%C3%A4gesrapport-T3-2018-fastst%C3%A4lld-\d{4}-\d{2}-\d{2}\.docx/,
    );
    const docText = docxText(
      strFromU8(unzipSync(new Uint8Array(await docx.arrayBuffer()))["word/document.xml"]),
    );
    expect(docText).toMatch(/Fastställd \d{4}-\d{2}-\d{2} av Johan Ek/);

    const secondId = await adopt(asChief);
    expect(secondId).not.toBe(firstId);
    const adoptions = await db()
      .selectFrom("report_adoptions")
      .select("id")
      .where("period_id", "=", periodId)
      .execute();
    expect(adoptions.map((a) => a.id).sort()).toEqual([firstId, secondId].sort());
    const first = await exportJson(asChief, { [ADOPTION]: firstId });
    const second = await exportJson(asChief, { [ADOPTION]: secondId });
    expect(first.goals.flatMap((g) => g.actions).find((a) => a.id === target.id)?.status).toBe(
      target.status,
    );
    expect(second.goals.flatMap((g) => g.actions).find((a) => a.id === target.id)?.status).toBe(
      "done",
    );

    const older = textOf(await (await asChief.get(reportUrl({ [ADOPTION]: firstId }))).text());
    expect(older).toContain("Den här versionen har ersatts av en senare fastställd version");
    const newer = textOf(await (await asChief.get(reportUrl({ [ADOPTION]: secondId }))).text());
    expect(newer).not.toContain("har ersatts");

    const list = textOf(await (await asChief.get("/rapporter")).text());
    expect(list).toMatch(
      /Lägesrapport T3 2018 ■ Avslutad \d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2} ✓ Fastställd \d{4}-\d{2}-\d{2} av Johan Ek \(2 fastställda versioner\)/,
    );
  });

  describe("adopting a report with something missing", () => {
    const REASON = "Kommunstyrelsen behöver rapporten till sammanträdet den 10 december.";
    let openPeriodId: string;
    const adoptionCount = async () =>
      Number(
        (
          await db()
            .selectFrom("report_adoptions")
            .select(db().fn.countAll<string>().as("n"))
            .where("period_id", "=", openPeriodId)
            .executeTakeFirstOrThrow()
        ).n,
      );

    beforeAll(async () => {
      // Being reported on now: no department has klarmarkerat, nothing is assessed.
      openPeriodId = await periodNamed("T3 2020");
    });

    it("lists the departments not klarmarkerade and the actions without assessment, linked", async () => {
      const report = await buildPeriodReport(db(), chiefActor, openPeriodId);
      const unassessed = actionsOf(report).filter((a) => a.assessment === "not_assessed");
      expect(unassessed.length).toBeGreaterThan(0);
      const html = await (await asChief.get(reportUrl({}, openPeriodId))).text();
      const text = textOf(html);
      expect(text).toContain("Det här saknas i rapporten");
      for (const department of report.departments)
        expect(text).toContain(`${department.name} har inte klarmarkerat rapporten.`);
      for (const action of unassessed) expect(html).toContain(`href="/atgarder/${action.id}"`);
      expect(text).toContain("Skäl att fastställa ändå");
    });

    it("refuses it without a written reason, saying why, and writes nothing", async () => {
      for (const reason of [undefined, "   "]) {
        const response = await asChief.postForm(reportUrl({}, openPeriodId), {
          confirm: "on",
          ...(reason === undefined ? {} : { reason }),
        });
        expect(response.status).toBe(400);
        expect(textOf(await response.text())).toContain(
          "Skriv varför rapporten fastställs fast uppgifter saknas.",
        );
      }
      const identityNumber = await asChief.postForm(reportUrl({}, openPeriodId), {
        confirm: "on",
        reason: "Gäller 19121212-1212.",
      });
      expect(identityNumber.status).toBe(400);
      expect(await adoptionCount()).toBe(0);
    });

    it("adopts it with a reason, and the reason is in the adopted report and its exports", async () => {
      const response = await asChief.postForm(reportUrl({}, openPeriodId), {
        confirm: "on",
        reason: REASON,
      });
      expect(response.status).toBe(303);
      const adoptionId = new URL(
        response.headers.get("location") ?? "",
        server.url,
      ).searchParams.get(ADOPTION) as string;
      expect(await adoptionCount()).toBe(1);
      const line = `Fastställd trots att uppgifter saknades. Skäl: ${REASON}`;
      const page = textOf(
        await (await asChief.get(reportUrl({ [ADOPTION]: adoptionId }, openPeriodId))).text(),
      );
      expect(page).toContain(line);
      const pdf = await asChief.get(
        reportUrl({ format: "pdf", [ADOPTION]: adoptionId }, openPeriodId),
      );
      expect(squeeze((await pdfText(await pdf.arrayBuffer())).text)).toContain(squeeze(line));
      const docx = await asChief.get(
        reportUrl({ format: "docx", [ADOPTION]: adoptionId }, openPeriodId),
      );
      const docText = docxText(
        strFromU8(unzipSync(new Uint8Array(await docx.arrayBuffer()))["word/document.xml"]),
      );
      expect(docText).toContain(line);
      const json = await asChief.get(
        reportUrl({ format: "json", [ADOPTION]: adoptionId }, openPeriodId),
      );
      expect(await json.json()).toMatchObject({ adoptionReason: REASON });
    });
  });

  it("lets observers read adopted reports only", async () => {
    const liveExport = await asObserver.get(reportUrl({ format: "json" }));
    expect(liveExport.status).toBe(403);
    expect(await liveExport.text()).toContain("Du kan bara läsa fastställda rapporter.");

    // By default they see the latest adopted version.
    const page = await asObserver.get(reportUrl());
    expect(page.status).toBe(200);
    const text = textOf(await page.text());
    expect(text).toMatch(/Fastställd \d{4}-\d{2}-\d{2} av Johan Ek/);
    expect(text).not.toContain("Aktuell rapport");
    expect(text).not.toContain("Jag har granskat rapporten");
    const [latest] = await db()
      .selectFrom("report_adoptions")
      .select("id")
      .where("period_id", "=", periodId)
      .orderBy("adopted_at", "desc")
      .execute();
    const adopted = await exportJson(asObserver, { [ADOPTION]: latest.id });
    expect(adopted.adopted).toBe(true);

    const none = await asObserver.get(reportUrl({}, emptyPeriodId));
    expect(none.status).toBe(200);
    expect(textOf(await none.text())).toContain(
      "Lägesrapporten för T1 2017 har inte fastställts ännu.",
    );
  });

  it("gives an empty period a clear empty report, in every format", async () => {
    const page = await asChief.get(reportUrl({}, emptyPeriodId));
    expect(page.status).toBe(200);
    expect(textOf(await page.text())).toContain(
      "Rapporten är tom: det finns inga åtgärder att rapportera för perioden.",
    );
    const json = await asChief.get(reportUrl({ format: "json" }, emptyPeriodId));
    expect(json.status).toBe(200);
    const data = (await json.json()) as PeriodReport;
    expect(data.goals.length).toBeGreaterThan(0);
    expect(data.goals.every((g) => g.actions.length === 0)).toBe(true);
    const csv = await asChief.get(reportUrl({ format: "csv" }, emptyPeriodId));
    expect(readCsv(await csv.text()).rows).toEqual([]);
    for (const format of ["docx", "pdf"])
      expect((await asChief.get(reportUrl({ format }, emptyPeriodId))).status).toBe(200);
  });

  it("answers unknown periods, adoptions and formats clearly", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    for (const id of [unknown, "inte-en-period"]) {
      const page = await asChief.get(`/rapporter/${id}`);
      expect(page.status).toBe(404);
      expect(textOf(await page.text())).toContain("Sidan finns inte");
      const file = await asChief.get(`/rapporter/${id}?format=pdf`);
      expect(file.status).toBe(404);
      expect(await file.text()).toContain("Rapporten finns inte.");
    }
    expect((await asChief.get(reportUrl({ [ADOPTION]: unknown }))).status).toBe(404);
    expect((await asChief.get(reportUrl({ format: "json", [ADOPTION]: unknown }))).status).toBe(
      404,
    );

    // Another organisation's period does not exist for us.
    const other = await db()
      .insertInto("organisations")
      .values({ name: "Annan kommun", slug: "annan-kommun" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const otherPeriod = await db()
      .insertInto("follow_up_periods")
      .values({
        organisation_id: other.id,
        name: "T3 2018",
        start_date: "2018-09-01",
        end_date: "2018-12-31",
        report_deadline: "2019-01-14",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect((await asChief.get(`/rapporter/${otherPeriod.id}`)).status).toBe(404);
    expect((await asChief.get(`/rapporter/${otherPeriod.id}?format=json`)).status).toBe(404);

    for (const format of ["xlsx", ""]) {
      const response = await asChief.get(reportUrl({ format }));
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await response.text()).toBe(
        `Formatet ”${format}” finns inte. Välj ett av formaten: docx, pdf, csv, json.\n`,
      );
    }
  });

  it("sends people who are not signed in to the login page", async () => {
    const anonymous = new HttpClient(server.url);
    const page = await anonymous.get(reportUrl());
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toContain("/login?redirectTo=");
    expect((await anonymous.get(reportUrl({ format: "docx" }))).status).toBe(302);
  });
});
