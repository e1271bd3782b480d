import type {
  AppLoadContext,
  EntryContext,
  HandleDataRequestFunction,
  HandleErrorFunction,
} from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { isDatabaseUnavailable } from "../db/unavailable";
import { NonceContext } from "./components/Nonce";
import { keptPage, keptPageKey, NONCE_MARK } from "./utils/rendered-pages.server";
import { withoutNulPadding } from "./utils/stream.server";
import { databaseUnavailablePage } from "./utils/unavailable.server";

const ABORT_DELAY = 5_000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  if (loadContext.databaseUnavailable) return databaseUnavailablePage(request);
  const nonce = loadContext.nonce;
  const page = (nonce: string) => (
    <NonceContext.Provider value={nonce}>
      <RemixServer
        context={remixContext}
        url={request.url}
        abortDelay={ABORT_DELAY}
        nonce={nonce}
      />
    </NonceContext.Provider>
  );
  const key = keptPageKey(request, responseStatusCode, remixContext);
  if (key) {
    const html = await keptPage(key, nonce, () => renderWhole(page(NONCE_MARK), NONCE_MARK));
    responseHeaders.set("Content-Type", "text/html; charset=utf-8");
    responseHeaders.set("Content-Length", String(html.length));
    return new Response(html, { headers: responseHeaders, status: responseStatusCode });
  }
  // Bots get the whole page at once; people get it streamed.
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(page(nonce), {
      nonce,
      [readyEvent]() {
        shellRendered = true;
        const body = withoutNulPadding();
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        resolve(
          new Response(createReadableStreamFromReadable(body), {
            headers: responseHeaders,
            status: responseStatusCode,
          }),
        );
        pipe(body);
      },
      onShellError(error: unknown) {
        reject(error);
      },
      onError(error: unknown) {
        responseStatusCode = 500;
        if (shellRendered) console.error(error);
      },
    });
    setTimeout(abort, ABORT_DELAY);
  });
}

/** The whole page as one string, to be kept; any error while rendering fails it (nothing kept). */
function renderWhole(page: React.ReactElement, nonce: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const { pipe, abort } = renderToPipeableStream(page, {
      nonce,
      onAllReady() {
        const body = withoutNulPadding();
        body.on("data", (chunk: Buffer) => chunks.push(chunk));
        body.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        pipe(body);
      },
      onShellError: reject,
      onError: reject,
    });
    setTimeout(abort, ABORT_DELAY);
  });
}

/** A loader's or action's error: logged once per kind and interval, and noted if it is an outage. */
export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return;
  if (isDatabaseUnavailable(error)) context.databaseUnavailable = true;
  context.reportError(error);
};

/**
 * A client-side navigation that found the database unreachable reloads as a whole page, which
 * then says so (a data answer could only show the generic error).
 */
export const handleDataRequest: HandleDataRequestFunction = (response, { request, context }) => {
  if (!context.databaseUnavailable) return response;
  const page = new URL(request.url);
  page.pathname = page.pathname.replace(/\.data$/, "").replace(/^\/_root$/, "/");
  page.searchParams.delete("_routes");
  return new Response(null, {
    status: 302,
    headers: { Location: `${page.pathname}${page.search}`, "X-Remix-Reload-Document": "true" },
  });
};
