/** What bench/collab.ts and its server child processes (bench/servers.ts) say to each other. */
export type ServerKind = "ours" | "y-websocket" | "hocuspocus";

/** The shared Y.Text every client types into / watches, on all three servers alike. */
export const BENCH_TEXT = "bench";

export type ServerRequest = { type: "newDocument" } | { type: "storedText"; documentId: string };

/** A request as sent, numbered so the reply can be matched to it. */
export type NumberedRequest = ServerRequest & { id: number };

export interface ServerReply {
  id: number;
  value: string;
}

export interface ServerReady {
  type: "ready";
  port: number;
  database?: "pglite" | "postgres";
}
