import type { Server as HttpServer } from "node:http";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type Express, type Request, type Response } from "express";
import type { AppContext } from "../context";

// Two levels up from server/http in the sources and from build/node in the compiled server
// (vite.server.config.ts): both are the repository's root. Keep them at the same depth.
export const BUILD_DIR = path.resolve(import.meta.dirname, "../../build");

/**
 * A period report's downloads live at the report's own address (`/rapporter/:id?format=docx`),
 * but Remix picks a route by path alone and the report page renders HTML; such requests go to
 * the export resource route (`/rapporter/:id/export`) instead.
 */
export function routeReportDownloads(req: Request, _res: Response, next: () => void) {
  if (req.query.format !== undefined) {
    const query = req.originalUrl.slice(req.originalUrl.indexOf("?"));
    const target = `/rapporter/${encodeURIComponent(req.params.periodId)}/export${query}`;
    req.url = target;
    req.originalUrl = target;
  }
  next();
}

/**
 * Mounts the Remix app: in development through Vite's middleware (HMR), otherwise from the
 * production build. Returns a function that stops what it started.
 */
export async function mountRemix(
  app: Express,
  httpServer: HttpServer,
  mode: "development" | "production",
  getLoadContext: (req: Request, res: Response) => AppContext,
): Promise<() => Promise<void>> {
  if (mode === "development") {
    const vite = await import("vite");
    const devServer = await vite.createServer({
      server: { middlewareMode: true, hmr: { server: httpServer } },
    });
    app.use(devServer.middlewares);
    app.all(
      "*",
      createRequestHandler({
        build: () => devServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>,
        getLoadContext,
      }),
    );
    return () => devServer.close();
  }

  const build = (await import(path.join(BUILD_DIR, "server/index.js"))) as ServerBuild;
  app.use(
    "/assets",
    express.static(path.join(BUILD_DIR, "client/assets"), { immutable: true, maxAge: "1y" }),
  );
  app.use(express.static(path.join(BUILD_DIR, "client"), { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, getLoadContext }));
  return async () => {};
}
