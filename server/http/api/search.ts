import { Router } from "express";
import { snippetParts } from "../../../common/highlight";
import type { DB } from "../../../db";
import { search } from "../../domain/search";
import { route } from "./respond";

export function searchRoutes(db: DB) {
  const router = Router();
  // Snippets as plain text with [start, end) offsets of the matches: safe to show as text anywhere.
  router.get(
    "/search",
    route(async (user, req, res) => {
      const hits = await search(db, user, { ...req.query, q: req.query.q ?? "" });
      res.json({
        items: hits.map(({ snippet, ...hit }) => {
          const parts = snippetParts(snippet);
          return {
            ...hit,
            snippet: parts.map((part) => part.text).join(""),
            highlights: parts
              .filter((part) => part.match)
              .map((part) => [part.start, part.start + part.text.length]),
          };
        }),
      });
    }),
  );
  return router;
}
