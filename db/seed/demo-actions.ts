import { departmentReportStates } from "../../server/domain/followups";
import { ensurePeriods } from "../../server/domain/periods";
import type { Executor } from "..";
import type { ActionStatus, Assessment } from "../schema";

type Dept = "Kommunledning" | "Socialtjänst" | "Barn och utbildning" | "Kultur och teknik";

interface DemoAction {
  title: string;
  description: string;
  goal: 1 | 2 | 3 | 4;
  department: Dept;
  involved?: Dept[];
  owner?: string;
  start: string;
  due: string;
  status: ActionStatus;
  progress: number;
  /** The title of the demo document (db/seed/demo-documents.ts) the action was created from. */
  document?: string;
  /**
   * Assessments per past period, oldest first, starting with the period the action started in.
   * A done or cancelled action got so in the last of them; one still going on is reported on
   * in every later period as well (FOLLOWING_UP), until the period being reported now.
   */
  followUps: [Assessment, string][];
}

/** What a department writes in a period where nothing changed since the one before. */
const FOLLOWING_UP = "Arbetet fortsätter. Bedömningen är densamma som förra perioden.";

/** Progress to the nearest 5 %. */
const roundToFive = (n: number) => Math.round(n / 5) * 5;

/**
 * The action as the department reported it in each period: a done or cancelled action became so
 * in its last one, a paused one paused after its listed history; otherwise progress grows
 * towards today's, without reaching it (the current period is not reported yet).
 */
function reportedStates(demo: DemoAction, periods: number) {
  const listed = demo.followUps.length;
  return Array.from({ length: periods }, (_, i) => {
    const last = i === periods - 1;
    if ((demo.status === "done" || demo.status === "cancelled") && last)
      return { status: demo.status, progress: demo.progress };
    if (demo.status === "paused" && i >= listed)
      return { status: demo.status, progress: demo.progress };
    const progress = roundToFive((demo.progress * (i + 1)) / (periods + 1));
    return { status: progress > 0 ? ("in_progress" as const) : ("not_started" as const), progress };
  });
}

const SCHOOL_ROUTINE = "Samverkan skola–socialtjänst vid oro för barn";

// Drawn from the seed decision and what national follow-up asks municipalities about (domain.md).
const ACTIONS: DemoAction[] = [
  {
    title: "Stödsamtal med biståndsbeslut för män som utövar våld",
    description:
      "Erbjuda strukturerade stödsamtal med biståndsbeslut för våldsutövande män, i linje med den nationella strategin.",
    goal: 1,
    department: "Socialtjänst",
    owner: "socialtjanst@kommun.test",
    start: "2018-01-15",
    due: "2020-06-30",
    status: "in_progress",
    progress: 60,
    followUps: [
      ["at_risk", "Rekrytering av samtalsledare försenad."],
      ["on_track", "Två samtalsledare utbildade, första grupperna startade."],
      ["on_track", "Tolv män har påbörjat stödsamtal."],
    ],
  },
  {
    title: "Modell liknande SMADIT för att nå våldsutövare i ett mottagligt skede",
    description:
      "Tillsammans med polisen pröva en arbetsmodell där våldsutövare erbjuds kontakt med socialtjänsten direkt efter ett polisingripande.",
    goal: 1,
    department: "Socialtjänst",
    involved: ["Kommunledning"],
    start: "2018-09-01",
    due: "2020-12-31",
    status: "in_progress",
    progress: 35,
    followUps: [
      ["on_track", "Samråd med lokalpolisområdet inlett."],
      ["at_risk", "Avtal om informationsöverföring behöver juridisk granskning."],
      ["off_track", "Polisens omorganisation har pausat arbetet."],
    ],
  },
  {
    title: "Skriftlig överenskommelse om samverkan med kvinnojouren",
    description:
      "En ledningsgodkänd överenskommelse om samverkan med den lokala kvinnojouren som följs upp inom 24 månader.",
    goal: 2,
    department: "Socialtjänst",
    involved: ["Kommunledning"],
    owner: "arbetsgrupp@kommun.test",
    start: "2017-11-01",
    due: "2018-06-30",
    status: "done",
    progress: 100,
    followUps: [
      ["on_track", "Utkast till överenskommelse klart."],
      ["on_track", "Överenskommelsen undertecknad i maj."],
    ],
  },
  {
    title: "Skriftlig överenskommelse om samverkan med polisen",
    description:
      "Överenskommelse med lokalpolisområdet om samverkan vid våld i nära relationer, med uppföljning inom 24 månader.",
    goal: 3,
    department: "Kommunledning",
    involved: ["Socialtjänst"],
    owner: "arbetsgrupp@kommun.test",
    start: "2018-03-01",
    due: "2019-03-31",
    status: "done",
    progress: 100,
    followUps: [
      ["on_track", "Dialog med polisen inledd."],
      ["at_risk", "Polisens kontaktperson byttes ut."],
      ["on_track", "Överenskommelsen fastställd i mars."],
    ],
  },
  {
    title: "Rutin för att fråga om våld i socialtjänsten",
    description:
      "Alla handläggare inom individ- och familjeomsorgen frågar rutinmässigt om våld vid nybesök.",
    goal: 2,
    department: "Socialtjänst",
    start: "2017-09-01",
    due: "2018-04-30",
    status: "done",
    progress: 100,
    followUps: [
      ["on_track", "Rutinen beslutad av ledningsgruppen."],
      ["on_track", "Rutinen införd i alla enheter."],
    ],
  },
  {
    title: "Gemensam rutin skola–socialtjänst vid oro för barn",
    description:
      "En gemensam rutin för orosanmälan och återkoppling mellan skola, förskola och socialtjänst.",
    goal: 2,
    department: "Barn och utbildning",
    involved: ["Socialtjänst"],
    owner: "skola@kommun.test",
    start: "2018-01-08",
    due: "2020-12-31",
    status: "in_progress",
    progress: 70,
    document: SCHOOL_ROUTINE,
    followUps: [
      ["on_track", "Arbetsgrupp med rektorer och socialsekreterare bildad."],
      ["on_track", "Rutinen remitterad till skolorna."],
      ["at_risk", "Förskolorna behöver mer tid för implementering."],
    ],
  },
  {
    title: "Rutin för att fråga om våld i elevhälsan",
    description:
      "Skolkuratorer och skolsköterskor ställer frågor om våld enligt en gemensam rutin.",
    goal: 2,
    department: "Barn och utbildning",
    start: "2019-01-07",
    due: "2020-06-30",
    status: "in_progress",
    progress: 50,
    document: SCHOOL_ROUTINE,
    followUps: [
      ["on_track", "Elevhälsans ledning har godkänt arbetet."],
      ["at_risk", "Fortbildning för kuratorer flyttad till hösten."],
    ],
  },
  {
    title: "Skolgång för barn i skyddat boende",
    description:
      "En rutin som säkrar att barn som bor i skyddat boende kan gå i skola utan att deras vistelseort röjs.",
    goal: 2,
    department: "Barn och utbildning",
    involved: ["Socialtjänst"],
    start: "2018-08-15",
    due: "2019-06-30",
    status: "done",
    progress: 100,
    followUps: [
      ["on_track", "Kartläggning av nuvarande arbetssätt klar."],
      ["on_track", "Rutinen antagen."],
    ],
  },
  {
    title: "Rutin för skyddade personuppgifter",
    description:
      "En rutin som förhindrar att skyddade personuppgifter röjs i kommunens verksamheter och system.",
    goal: 2,
    department: "Kommunledning",
    involved: ["Socialtjänst", "Barn och utbildning"],
    start: "2018-02-01",
    due: "2019-12-31",
    status: "done",
    progress: 100,
    followUps: [
      ["on_track", "Genomgång av verksamhetssystemen påbörjad."],
      ["at_risk", "Ett system saknar stöd för spärrmarkering."],
      ["on_track", "Leverantören har åtgärdat spärrmarkeringen."],
    ],
  },
  {
    title: "Mentors in Violence Prevention i högstadiet",
    description: "Införa det våldsförebyggande programmet MVP på kommunens högstadieskolor.",
    goal: 1,
    department: "Barn och utbildning",
    owner: "skola@kommun.test",
    start: "2018-08-20",
    due: "2020-12-18",
    status: "in_progress",
    progress: 45,
    followUps: [
      ["on_track", "Två skolor har utbildat mentorer."],
      ["on_track", "Programmet i gång i årskurs 8."],
      ["at_risk", "Tredje skolan saknar personal för utbildningen."],
    ],
  },
  {
    title: "Våldsförebyggande arbete på fritidsgårdarna",
    description: "Samtalsgrupper om normer, maskulinitet och våld för unga på fritidsgårdarna.",
    goal: 1,
    department: "Kultur och teknik",
    involved: ["Barn och utbildning"],
    start: "2019-01-15",
    due: "2020-12-31",
    status: "in_progress",
    progress: 40,
    followUps: [
      ["on_track", "Fritidsledare utbildade."],
      ["off_track", "Verksamheten pausad under ombyggnad av fritidsgården."],
    ],
  },
  {
    title: "Information om stöd i bibliotek och idrottsanläggningar",
    description:
      "Informationsmaterial om stöd till våldsutsatta, på flera språk, i bibliotek, simhall och idrottshallar.",
    goal: 2,
    department: "Kultur och teknik",
    start: "2018-03-01",
    due: "2018-12-31",
    status: "done",
    progress: 100,
    followUps: [
      ["on_track", "Material beställt från länsstyrelsen."],
      ["on_track", "Materialet finns på alla platser."],
    ],
  },
  {
    title: "Trygghetsvandringar och belysning i offentlig miljö",
    description:
      "Trygghetsvandringar tillsammans med kvinnojouren och åtgärder för belysning på otrygga platser.",
    goal: 1,
    department: "Kultur och teknik",
    involved: ["Kommunledning"],
    start: "2019-04-01",
    due: "2020-10-31",
    status: "paused",
    progress: 30,
    followUps: [
      ["on_track", "Två vandringar genomförda."],
      ["at_risk", "Budget för belysning saknas i år."],
    ],
  },
  {
    title: "Webbkursen om våld för all personal i socialtjänsten",
    description: "Alla medarbetare i socialtjänsten genomför Länsstyrelsens webbkurs om våld.",
    goal: 4,
    department: "Socialtjänst",
    start: "2017-10-01",
    due: "2018-12-31",
    status: "done",
    progress: 100,
    followUps: [
      ["at_risk", "Låg anmälan i början."],
      ["on_track", "80 procent har genomfört kursen."],
      ["on_track", "Samtliga har genomfört kursen."],
    ],
  },
  {
    title: "Webbkursen om våld för skolans personal",
    description: "Lärare, förskollärare och elevhälsa genomför webbkursen om våld.",
    goal: 4,
    department: "Barn och utbildning",
    start: "2018-08-01",
    due: "2020-06-30",
    status: "in_progress",
    progress: 65,
    followUps: [
      ["on_track", "Kursen ingår i kompetensplanen."],
      ["at_risk", "Svårt att frigöra tid för förskolans personal."],
    ],
  },
  {
    title: "Utbildning om våld för chefer i kommunen",
    description:
      "En halvdagsutbildning för alla chefer om våld i nära relationer och arbetsgivarens ansvar.",
    goal: 4,
    department: "Kommunledning",
    start: "2019-02-01",
    due: "2019-11-30",
    status: "done",
    progress: 100,
    followUps: [["on_track", "Utbildningen genomförd vid två tillfällen."]],
  },
  {
    title: "Lokal kartläggning av våld i nära relationer",
    description:
      "En lägesbild av våldet i kommunen utifrån anmälningar, insatser och enkäter, som grund för prioriteringar.",
    goal: 4,
    department: "Kommunledning",
    involved: ["Socialtjänst", "Barn och utbildning", "Kultur och teknik"],
    owner: "arbetsgrupp@kommun.test",
    start: "2017-10-15",
    due: "2018-08-31",
    status: "done",
    progress: 100,
    followUps: [
      ["on_track", "Datainsamling pågår."],
      ["on_track", "Kartläggningen presenterad för arbetsgruppen."],
    ],
  },
  {
    title: "Klargöra ansvaret för stöd till våldsutövare utanför Kriminalvården",
    description:
      "Utreda hur socialtjänstens och hälso- och sjukvårdens ansvar för insatser till våldsutövare ska fördelas lokalt (jfr SOU 2015:55).",
    goal: 3,
    department: "Kommunledning",
    involved: ["Socialtjänst"],
    start: "2018-05-01",
    due: "2019-12-31",
    status: "cancelled",
    progress: 20,
    followUps: [
      ["at_risk", "Frågan lyft till regionen."],
      ["off_track", "Hanteras nationellt – åtgärden avförs lokalt."],
    ],
  },
  {
    title: "Samverkansrutin med polisen vid kontaktförbud",
    description:
      "Rutin för informationsutbyte med polisen när kontaktförbud meddelas, inom sekretessens ramar.",
    goal: 3,
    department: "Socialtjänst",
    start: "2019-09-01",
    due: "2020-09-30",
    status: "not_started",
    progress: 0,
    followUps: [
      ["not_assessed", "Väntar på den regionala överenskommelsen."],
      ["at_risk", "Den regionala överenskommelsen dröjer, så arbetet har inte kunnat starta."],
      ["off_track", "Förfallodatumet närmar sig och arbetet har inte startat."],
    ],
  },
  {
    title: "Handlingsplan mot hedersrelaterat våld",
    description:
      "En lokal handlingsplan mot hedersrelaterat våld och förtryck, i samverkan mellan skola och socialtjänst.",
    goal: 2,
    department: "Socialtjänst",
    involved: ["Barn och utbildning"],
    start: "2020-01-15",
    due: "2021-06-30",
    status: "in_progress",
    progress: 25,
    followUps: [
      ["on_track", "Arbetsgrupp tillsatt."],
      ["on_track", "Nulägesanalys klar."],
    ],
  },
];

/**
 * Gives the demo organisation follow-up periods for 2017–2020 and about twenty actions with
 * history, some created from the demo documents (seed those first).
 */
export async function seedDemoActions(db: Executor, organisationId: string): Promise<void> {
  await ensurePeriods(db, organisationId, [2017, 2018, 2019, 2020], "tertial");
  const [periods, goals, departments, users, documents] = await Promise.all([
    db
      .selectFrom("follow_up_periods")
      .selectAll()
      .where("organisation_id", "=", organisationId)
      .orderBy("start_date")
      .execute(),
    db
      .selectFrom("goals")
      .select(["id", "position"])
      .where("organisation_id", "=", organisationId)
      .execute(),
    db
      .selectFrom("departments")
      .select(["id", "name"])
      .where("organisation_id", "=", organisationId)
      .execute(),
    db.selectFrom("users").select(["id", "email"]).execute(),
    db
      .selectFrom("documents")
      .select(["id", "title"])
      .where("organisation_id", "=", organisationId)
      .execute(),
  ]);
  const departmentId = (name: Dept) => departments.find((d) => d.name === name)!.id;
  const userId = (email: string) => users.find((u) => u.email === email)?.id ?? null;
  const documentId = (title: string) => documents.find((d) => d.title === title)!.id;
  const creator = userId("arbetsgrupp@kommun.test");

  for (const demo of ACTIONS) {
    const { id } = await db
      .insertInto("actions")
      .values({
        organisation_id: organisationId,
        goal_id: goals.find((g) => g.position === demo.goal)!.id,
        department_id: departmentId(demo.department),
        owner_id: demo.owner ? userId(demo.owner) : null,
        document_id: demo.document ? documentId(demo.document) : null,
        title: demo.title,
        description: demo.description,
        start_date: demo.start,
        due_date: demo.due,
        status: demo.status,
        progress: demo.progress,
        created_by: creator,
        updated_by: creator,
        created_at: `${demo.start}T08:00:00Z`,
        updated_at: `${demo.start}T08:00:00Z`,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (demo.involved?.length) {
      await db
        .insertInto("action_departments")
        .values(
          demo.involved.map((name) => ({
            action_id: id,
            department_id: departmentId(name),
            organisation_id: organisationId,
          })),
        )
        .execute();
    }
    await db
      .insertInto("audit_events")
      .values({
        organisation_id: organisationId,
        actor_id: creator,
        action: "action.created",
        entity_type: "action",
        entity_id: id,
        after: JSON.stringify({
          title: demo.title,
          status: demo.status,
          progress: demo.progress,
          version: 1,
        }),
        created_at: `${demo.start}T08:00:00Z`,
      })
      .execute();
    const reporter = userId(
      demo.department === "Barn och utbildning" ? "skola@kommun.test" : "socialtjanst@kommun.test",
    );
    // The latest period is left for the departments to report in "Att göra".
    const first = periods.findIndex((p) => p.end_date >= demo.start);
    const ended = demo.status === "done" || demo.status === "cancelled";
    const reportedIn = periods.slice(
      first,
      ended ? Math.min(first + demo.followUps.length, periods.length - 1) : periods.length - 1,
    );
    const states = reportedStates(demo, reportedIn.length);
    for (const [index, period] of reportedIn.entries()) {
      const [assessment, comment] = demo.followUps[index] ?? [
        demo.followUps.at(-1)![0],
        FOLLOWING_UP,
      ];
      await db
        .insertInto("follow_ups")
        .values({
          organisation_id: organisationId,
          action_id: id,
          period_id: period.id,
          assessment,
          comment,
          reported_status: states[index].status,
          reported_progress: states[index].progress,
          reported_due_date: demo.due,
          updated_by: reporter,
          updated_at: `${period.report_deadline}T12:00:00Z`,
        })
        .execute();
    }
    // Done or cancelled at the end of the last period it was reported in.
    if (ended && reportedIn.length > 0) {
      await db
        .updateTable("actions")
        .set({ updated_at: `${reportedIn.at(-1)!.end_date}T16:00:00Z` })
        .where("id", "=", id)
        .execute();
    }
  }
  // A department marked an earlier period's report done when every action of it was assessed.
  for (const period of periods.slice(0, -1)) {
    const stateOf = await departmentReportStates(db, organisationId, period);
    const complete = departments.filter((d) => stateOf(d.id).missing === 0);
    if (complete.length === 0) continue;
    await db
      .insertInto("period_reports")
      .values(
        complete.map((d) => ({
          organisation_id: organisationId,
          department_id: d.id,
          period_id: period.id,
          completed_at: `${period.report_deadline}T15:00:00Z`,
          completed_by: null,
        })),
      )
      .execute();
  }
}
