import { $createListItemNode, $createListNode } from "@lexical/list";
import { $createHeadingNode, $createQuoteNode } from "@lexical/rich-text";
import { $createParagraphNode, $createTextNode, $getRoot, type LexicalNode } from "lexical";
import { createDocument } from "../../server/domain/documents";
import type { Executor } from "..";
import type { Role } from "../schema";

const heading = (tag: "h2" | "h3", text: string) =>
  $createHeadingNode(tag).append($createTextNode(text));
const paragraph = (text: string) => $createParagraphNode().append($createTextNode(text));
const bullets = (items: string[]) =>
  $createListNode("bullet").append(
    ...items.map((item) => $createListItemNode().append($createTextNode(item))),
  );
const numbered = (items: string[]) =>
  $createListNode("number").append(
    ...items.map((item) => $createListItemNode().append($createTextNode(item))),
  );
/** Lexical nodes exist only inside an editor update, so the content is built there. */
const fill = (nodes: () => LexicalNode[]) => () => $getRoot().append(...nodes());

/** Two real Yjs documents made on the server, so a newcomer can open one and co-edit at once. */
export async function seedDemoDocuments(db: Executor, organisationId: string): Promise<void> {
  const member = await db
    .selectFrom("users")
    .innerJoin("memberships", "memberships.user_id", "users.id")
    .select(["users.id"])
    .where("users.email", "=", "arbetsgrupp@kommun.test")
    .where("memberships.organisation_id", "=", organisationId)
    .executeTakeFirstOrThrow();
  const departments = await db
    .selectFrom("departments")
    .select(["id", "name"])
    .where("organisation_id", "=", organisationId)
    .execute();
  const ids = (...names: string[]) =>
    departments.filter((d) => names.includes(d.name)).map((d) => d.id);
  const actor = {
    userId: member.id,
    organisationId,
    roles: ["member"] as Role[],
    departmentIds: ids("Kommunledning"),
  };

  await createDocument(
    db,
    actor,
    {
      title: "Samverkan skola–socialtjänst vid oro för barn",
      kind: "samverkansform",
      departmentIds: ids("Barn och utbildning", "Socialtjänst"),
    },
    fill(() => [
      heading("h2", "Samverkan skola–socialtjänst vid oro för barn"),
      paragraph(
        "Utkast från arbetsgruppen. Syftet är att barn som lever med våld i familjen ska upptäckas tidigt och få stöd, genom att skola, förskola och socialtjänst arbetar efter samma rutin.",
      ),
      heading("h3", "Så här gör vi"),
      numbered([
        "Personal i skola och förskola som känner oro för ett barn gör en orosanmälan till socialtjänsten samma dag.",
        "Socialtjänsten bekräftar att anmälan har kommit in och berättar hur återkopplingen går till.",
        "Rektor och socialtjänstens kontaktperson träffas varje termin och följer upp rutinen.",
      ]),
      heading("h3", "Ansvar"),
      bullets([
        "Barn och utbildning: utbildar personalen i rutinen.",
        "Socialtjänst: utser en kontaktperson per skolområde.",
      ]),
      $createQuoteNode().append(
        $createTextNode(
          "Inga uppgifter om enskilda barn eller familjer skrivs i det här dokumentet.",
        ),
      ),
    ]),
  );

  await createDocument(
    db,
    actor,
    {
      title: "Minnesanteckningar arbetsgruppens första möte",
      kind: "motesanteckningar",
      departmentIds: ids(
        "Kommunledning",
        "Socialtjänst",
        "Barn och utbildning",
        "Kultur och teknik",
      ),
    },
    fill(() => [
      heading("h2", "Arbetsgruppens första möte"),
      paragraph(
        "Närvarande: representanter för kommunledning, socialtjänst, barn och utbildning samt kultur och teknik.",
      ),
      heading("h3", "Uppdraget"),
      paragraph(
        "Kommunstyrelsen har uppdragit åt kommunchefen att utse en arbetsgrupp som ska hitta samverkansformer för det lokala arbetet med länsstrategin mot mäns våld mot kvinnor.",
      ),
      heading("h3", "Beslut"),
      bullets([
        "Arbetsgruppen träffas varannan månad.",
        "En lokal kartläggning av våld i nära relationer tas fram först.",
        "Ett utkast till samverkansform mellan skola och socialtjänst skrivs till nästa möte.",
      ]),
      heading("h3", "Nästa möte"),
      paragraph("Vi går igenom kartläggningen och utkastet till samverkansform."),
    ]),
  );
}
