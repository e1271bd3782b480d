/** What bench/collab.ts and its server child processes (bench/servers.ts) say to each other. */
/**
 * Ours, the two peers the target compares with, and a reference that is not compared: a bare
 * socket.io relay with our parser and client but no sign-in, policy, validation or saving,
 * which shows what the transport itself costs.
 */
export type ServerKind =
  | "ours"
  | "y-websocket"
  | "hocuspocus"
  | "socket.io-relay"
  /** Hocuspocus with its Redis extension, for instances that share documents through Redis. */
  | "hocuspocus-redis";
export const PEERS: ServerKind[] = ["y-websocket", "hocuspocus"];

/** The shared Y.Text every client types into / watches, on every server alike. */
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
