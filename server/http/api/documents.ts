import { Router } from "express";
import type { DB } from "../../../db";
import type { SessionUser } from "../../auth/sessions";
import { actionsFromDocument } from "../../domain/actions";
import { deleteDocument, setDocumentArchived } from "../../domain/archiving";
import {
  listThreads,
  replyToThread,
  setThreadResolved,
  startThreadOnPassage,
} from "../../domain/document-comments";
import { DocumentExportQuery, documentForExport } from "../../domain/document-export";
import { listReviews, markReviewed, requestReview } from "../../domain/document-reviews";
import {
  changeDocument,
  createDocument,
  createVersion,
  documentContent,
  documentSuggestions,
  getDocument,
  listDocumentPage,
  listVersions,
  restoreVersion,
  toApiDocument,
} from "../../domain/documents";
import { ConflictError, ValidationError } from "../../domain/errors";
import { parseInput } from "../../domain/validation";
import { documentFile } from "../../export/download";
import { archivingRoutes } from "./archiving";
import { route, sendError } from "./respond";

export function documentRoutes(db: DB) {
  const router = Router();
  router.get(
    "/documents",
    route(async (user, req, res) => {
      const { items, nextCursor } = await listDocumentPage(db, user, req.query);
      res.json({ items: items.map(toApiDocument), ...(nextCursor ? { nextCursor } : {}) });
    }),
  );
  router.post(
    "/documents",
    route(async (user, req, res) => {
      const id = await createDocument(db, user, req.body ?? {});
      res.status(201).json(toApiDocument(await getDocument(db, user, id)));
    }),
  );
  router.get(
    "/documents/:id",
    route(async (user, req, res) => {
      const document = await getDocument(db, user, req.params.id);
      const actions = await actionsFromDocument(db, user, document.id);
      res.json({
        ...toApiDocument(document),
        actions: actions.map((a) => ({ id: a.id, title: a.title })),
      });
    }),
  );
  router.patch(
    "/documents/:id",
    route(async (user, req, res) => {
      try {
        await changeDocument(db, user, req.params.id, req.body ?? {});
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        return sendError(
          res,
          409,
          "conflict",
          "The document was changed by someone else since that version; read it again.",
        );
      }
      res.json(toApiDocument(await getDocument(db, user, req.params.id)));
    }),
  );
  archivingRoutes(router, "documents", {
    setArchived: (user, id, archived) => setDocumentArchived(db, user, id, archived),
    present: toApiDocument,
    remove: (user, id) => deleteDocument(db, user, id),
  });
  router.get(
    "/documents/:id/content",
    route(async (user, req, res) => {
      const format = req.query.format ?? "json";
      if (format !== "json" && format !== "html" && format !== "text") {
        throw new ValidationError({ format: "validation.contentFormat" });
      }
      const content = await documentContent(db, user, req.params.id);
      if (format === "text") res.type("text/plain; charset=utf-8").send(content.text);
      else if (format === "html") res.type("text/html; charset=utf-8").send(content.html);
      else res.json(content.json);
    }),
  );
  router.get(
    "/documents/:id/export",
    route(async (user, req, res) => {
      const { format, ...options } = parseInput(DocumentExportQuery, req.query);
      const document = await documentForExport(db, user, req.params.id, options);
      const file = await documentFile(document, format);
      res.status(200).set(file.headers).send(file.body);
    }),
  );
  router.get(
    "/documents/:id/comments",
    route(async (user, req, res) => {
      res.json({ items: await listThreads(db, user, req.params.id) });
    }),
  );
  /** The thread as the list shows it now (a write answers what is stored). */
  const threadOf = async (user: SessionUser, documentId: string, threadId: string) =>
    (await listThreads(db, user, documentId)).find((thread) => thread.id === threadId);
  router.post(
    "/documents/:id/comments",
    route(async (user, req, res) => {
      const { threadId } = await startThreadOnPassage(db, user, req.params.id, req.body ?? {});
      res.status(201).json(await threadOf(user, req.params.id, threadId));
    }),
  );
  router.post(
    "/documents/:id/comments/:threadId/replies",
    route(async (user, req, res) => {
      const { id, threadId } = req.params;
      await replyToThread(db, user, id, threadId, req.body ?? {});
      res.status(201).json(await threadOf(user, id, threadId));
    }),
  );
  for (const [path, resolved] of [
    ["resolve", true],
    ["reopen", false],
  ] as const)
    router.post(
      `/documents/:id/comments/:threadId/${path}`,
      route(async (user, req, res) => {
        const { id, threadId } = req.params;
        await setThreadResolved(db, user, id, threadId, resolved);
        res.json(await threadOf(user, id, threadId));
      }),
    );
  router.get(
    "/documents/:id/reviews",
    route(async (user, req, res) => {
      res.json({ items: await listReviews(db, user, req.params.id) });
    }),
  );
  router.post(
    "/documents/:id/reviews",
    route(async (user, req, res) => {
      await requestReview(db, user, req.params.id, req.body ?? {});
      res.status(201).json({ items: await listReviews(db, user, req.params.id) });
    }),
  );
  router.post(
    "/documents/:id/reviews/:reviewId/reviewed",
    route(async (user, req, res) => {
      const { id, reviewId } = req.params;
      await markReviewed(db, user, id, req.body ?? {}, reviewId);
      res.json((await listReviews(db, user, id)).find((review) => review.id === reviewId));
    }),
  );
  router.get(
    "/documents/:id/suggestions",
    route(async (user, req, res) => {
      res.json({ items: await documentSuggestions(db, user, req.params.id) });
    }),
  );
  router.get(
    "/documents/:id/versions",
    route(async (user, req, res) => {
      res.json({ items: await listVersions(db, user, req.params.id) });
    }),
  );
  router.post(
    "/documents/:id/versions",
    route(async (user, req, res) => {
      const id = await createVersion(db, user, req.params.id, req.body ?? {});
      const version = (await listVersions(db, user, req.params.id)).find((v) => v.id === id);
      res.status(201).json(version);
    }),
  );
  router.post(
    "/documents/:id/versions/:versionId/restore",
    route(async (user, req, res) => {
      await restoreVersion(db, user, req.params.id, req.params.versionId);
      res.json(toApiDocument(await getDocument(db, user, req.params.id)));
    }),
  );
  return router;
}
