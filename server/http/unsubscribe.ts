import express, { type Request, type Response, Router } from "express";
import type { DB } from "../../db";
import type { Config } from "../config";
import { unsubscribeByLink } from "../domain/notifications";

/** Where the e-mails' unsubscribe links lead (server/notifications/mail.ts). */
export const UNSUBSCRIBE_PATH = "/avregistrera";

/**
 * The one-click unsubscribe of RFC 8058: a mail program POSTs `List-Unsubscribe=One-Click` to
 * the link from its own server, with no Origin of ours, so this is mounted before the same-origin
 * guard; the signed link is the authority. The page at the same address (a GET, which changes
 * nothing, since mail scanners open links) posts here too and is sent back to say it is done.
 */
export function createUnsubscribeRouter(options: { db: DB; config: Config }): Router {
  const { db, config } = options;
  const router = Router();
  router.post(
    UNSUBSCRIBE_PATH,
    express.urlencoded({ extended: false, limit: "4kb" }),
    async (req: Request, res: Response) => {
      const link = {
        o: req.query.o,
        p: req.query.p,
        k: req.query.k,
        s: req.query.s,
      };
      const oneClick = req.body?.["List-Unsubscribe"] === "One-Click";
      try {
        const done = await unsubscribeByLink(db, config, link);
        if (!done) {
          res
            .status(400)
            .type("text/plain; charset=utf-8")
            .send("Länken för att avsluta e-post är ogiltig. (The unsubscribe link is not valid.)");
          return;
        }
        if (oneClick) {
          res
            .type("text/plain; charset=utf-8")
            .send("Du får inte längre den här e-posten. (You will no longer get these e-mails.)");
          return;
        }
        const query = new URLSearchParams(
          Object.entries(link).map(([key, value]) => [key, String(value)]),
        );
        query.set("klart", "1");
        res.redirect(303, `${UNSUBSCRIBE_PATH}?${query}`);
      } catch (error) {
        console.error("Unsubscribing failed:", error);
        res
          .status(503)
          .type("text/plain; charset=utf-8")
          .send("Det gick inte just nu, försök igen om en stund. (Try again shortly.)");
      }
    },
  );
  return router;
}
