import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import { MAX_PACKET_BYTES, socketParser } from "../../common/socket-parser";
import type { Authenticator } from "../auth/authenticator";
import type { SessionUser } from "../auth/sessions";
import type { EventBus } from "../bus";
import type { Config } from "../config";
import { can, type Permission } from "../domain/policy";
import { expectedOrigin, isSameOrigin } from "../http/security";
import { coalesced } from "./coalesce";

export interface OnlineUser {
  id: string;
  name: string;
}

interface SocketData {
  user: SessionUser;
  checkedAt: number;
}
export type AppSocket = Socket<
  Record<string, never>,
  Record<string, never>,
  Record<string, never>,
  SocketData
>;

/** Registers a handler for one event behind the session check and the policy. */
export type GuardedOn = (
  socket: AppSocket,
  event: string,
  permission: Permission,
  handler: (
    user: SessionUser,
    payload: unknown,
    reply: (response: unknown) => void,
  ) => Promise<void> | void,
) => void;

/** A feature that speaks over the shared socket.io server (e.g. co-editing). */
export interface RealtimeFeature {
  onConnection(socket: AppSocket, on: GuardedOn): void;
  close?(): Promise<void>;
}

// A session that expired is noticed this long after, by the socket's next event or by the sweep
// of sockets that send none (a logout or a deactivation closes the sockets at once).
const SESSION_RECHECK_MS = 30_000;
// Joins and leaves within this window make one presence broadcast.
export const PRESENCE_COALESCE_MS = 100;
export const organisationRoom = (organisationId: string) => `org:${organisationId}`;
const userRoom = (userId: string) => `user:${userId}`;
const sessionRoom = (sessionId: string) => `session:${sessionId}`;

export type Realtime = ReturnType<typeof createRealtime>;

export function createRealtime(
  httpServer: HttpServer,
  deps: { config: Config; bus: EventBus; auth: Authenticator },
) {
  const { config, bus, auth } = deps;
  const features: RealtimeFeature[] = [];
  const io = new Server(httpServer, {
    serveClient: false,
    parser: socketParser,
    maxHttpBufferSize: MAX_PACKET_BYTES,
    allowRequest: (req, callback) => {
      const secure = "encrypted" in req.socket && Boolean(req.socket.encrypted);
      const allowed = isSameOrigin(req.headers, expectedOrigin(req.headers, secure, config));
      callback(allowed ? null : "Foreign origin", allowed);
    },
  });

  const authenticate = (socket: AppSocket) => auth.fromCookie(socket.handshake.headers);

  io.use(async (socket: AppSocket, next) => {
    try {
      const user = await authenticate(socket);
      if (!user || !can(user, "organisation:read")) return next(new Error("unauthorized"));
      // A tab says whose page it shows. After that person signed out and someone else signed in
      // on the same browser, the tab must not reconnect (and send what it holds) as the other.
      const { userId } = socket.handshake.auth as { userId?: unknown };
      if (userId !== undefined && userId !== user.userId) return next(new Error("other_user"));
      socket.data = { user, checkedAt: Date.now() };
      next();
    } catch (error) {
      next(error instanceof Error ? error : new Error("unauthorized"));
    }
  });

  /** Every event goes through here: a live session, then the policy. */
  const on: GuardedOn = (socket, event, permission, handler) => {
    (socket as Socket).on(event, async (...args: unknown[]) => {
      // The acknowledgement is always the last argument, also when no payload was sent.
      const ack = args.at(-1);
      const payload = typeof ack === "function" && args.length === 1 ? undefined : args[0];
      const reply = typeof ack === "function" ? (ack as (r: unknown) => void) : () => {};
      try {
        if (Date.now() - socket.data.checkedAt > SESSION_RECHECK_MS) {
          const user = await authenticate(socket);
          if (!user) {
            reply({ error: "unauthorized" });
            socket.disconnect(true);
            return;
          }
          socket.data = { user, checkedAt: Date.now() };
        }
        if (!can(socket.data.user, permission)) return reply({ error: "forbidden" });
        await handler(socket.data.user, payload, reply);
      } catch {
        reply({ error: "internal" });
      }
    });
  };

  async function onlineUsers(organisationId: string): Promise<OnlineUser[]> {
    // fetchSockets asks every server process through the adapter, so nothing here goes stale.
    const sockets = await io.in(organisationRoom(organisationId)).fetchSockets();
    const byId = new Map<string, OnlineUser>();
    for (const s of sockets) {
      const user = (s.data as SocketData).user;
      byId.set(user.userId, { id: user.userId, name: user.name });
    }
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name, "sv"));
  }

  const presence = coalesced(async (organisationId) => {
    io.to(organisationRoom(organisationId)).emit("presence", await onlineUsers(organisationId));
  }, PRESENCE_COALESCE_MS);

  io.on("connection", async (socket: AppSocket) => {
    const { user } = socket.data;
    // Handlers first: an event that arrives while we await below must find its listener.
    on(socket, "presence:list", "presence:read", async (actor, _payload, reply) => {
      reply(await onlineUsers(actor.organisationId));
    });
    for (const feature of features) feature.onConnection(socket, on);
    socket.on("disconnect", () => presence.schedule(user.organisationId));
    await socket.join([
      organisationRoom(user.organisationId),
      userRoom(user.userId),
      sessionRoom(user.sessionId),
    ]);
    presence.schedule(user.organisationId);
  });

  /**
   * Closes this process's sockets whose session has ended (expired, idle too long, deleted).
   * A tab that only listens sends no event that would notice, and would go on receiving the
   * organisation's events.
   */
  async function closeEndedSessions(): Promise<void> {
    const sockets = [...io.of("/").sockets.values()] as AppSocket[];
    const live = await auth.liveSessionIds(sockets.map((socket) => socket.data.user.sessionId));
    for (const socket of sockets)
      if (!live.has(socket.data.user.sessionId)) socket.disconnect(true);
  }
  const sweep = setInterval(() => {
    closeEndedSessions().catch((error) => console.error("Closing ended sessions failed:", error));
  }, SESSION_RECHECK_MS);
  sweep.unref();

  const unsubscribe = bus.subscribe((event) => {
    if (event.type === "user.deactivated") {
      io.in(userRoom(event.userId)).disconnectSockets(true);
      return;
    }
    if (event.type === "session.ended") {
      io.in(sessionRoom(event.sessionId)).disconnectSockets(true);
      return;
    }
    // Every role may read actions and period reports, so the whole organisation hears of them.
    const { organisationId, ...payload } = event;
    io.to(organisationRoom(organisationId)).emit(event.type, payload);
  });

  return {
    io,
    addFeature(feature: RealtimeFeature) {
      features.push(feature);
    },
    closeEndedSessions,
    async close() {
      clearInterval(sweep);
      unsubscribe();
      presence.cancel();
      for (const feature of features) await feature.close?.();
      // Closing the transports (not a socket.io "disconnect" packet, which clients never retry)
      // lets every open tab reconnect by itself once the server is back, e.g. after a deploy.
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
