import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../../common/socket-events";
import { socketParser } from "../../common/socket-parser";

/** The tab's connection, typed by the events each side may send (common/socket-events.ts). */
export type AppClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The server closes a connection itself only when its session has ended (logged out, run out,
 * deactivated; ADR 8), and socket.io does not reconnect then. We try again this often, so that
 * once the person signs in again, in this tab or another, an open page comes back to life by
 * itself and an editor sends what it holds.
 */
const SIGNED_OUT_RETRY_MS = 5_000;

let socket: AppClientSocket | undefined;
/** The person whose page this tab shows. */
let tabUserId: string | undefined;

/** Why nothing live reaches the tab: its session ended, or the browser's is someone else's. */
export type SessionEnd = "signedOut" | "otherUser";

/**
 * Calls `listener` whenever `socket` is cut off because of its session, and returns a function
 * that stops listening. The server closes a connection itself (`"io server disconnect"`) only
 * when its session ended, and a refused handshake leaves the socket inactive (socket.io gives
 * up); a network drop or a restarted server does neither, and socket.io retries by itself.
 */
export function onSessionEnd(socket: Socket, listener: (why: SessionEnd) => void): () => void {
  const onDisconnect = (reason: string) => {
    if (reason === "io server disconnect") listener("signedOut");
  };
  const onRefused = (error: Error) => {
    if (!socket.active) listener(error.message === "other_user" ? "otherUser" : "signedOut");
  };
  socket.on("disconnect", onDisconnect);
  socket.on("connect_error", onRefused);
  return () => {
    socket.off("disconnect", onDisconnect);
    socket.off("connect_error", onRefused);
  };
}

/**
 * One socket per tab, shared by every live view; the session cookie authenticates it, and the
 * tab says whose page it shows (`userId`): if someone else has signed in on this browser since,
 * the server refuses it, so what an open editor holds is never sent in the other person's name.
 */
export function getSocket(userId: string): AppClientSocket {
  tabUserId = userId;
  if (socket) return socket;
  const created: AppClientSocket = io({
    transports: ["websocket"],
    withCredentials: true,
    parser: socketParser,
    // Read at every attempt: after a sign-in in this tab the page shows the new person.
    auth: (send) => send({ userId: tabUserId }),
    // Back within seconds of the network (or a restarted server). socket.io's default backoff
    // grows to 5 s ± 50 %; and an attempt whose connection is closed before it opens is only
    // given up at the connect timeout (20 s by default), however soon the network is back.
    reconnectionDelayMax: 2_000,
    timeout: 5_000,
  });
  let retry: ReturnType<typeof setTimeout> | undefined;
  const retryLater = () => {
    clearTimeout(retry);
    retry = setTimeout(() => created.connect(), SIGNED_OUT_RETRY_MS);
  };
  onSessionEnd(created, retryLater);
  created.on("connect", () => clearTimeout(retry));
  socket = created;
  return socket;
}
