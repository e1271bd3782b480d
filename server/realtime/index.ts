import type { Server as HttpServer } from "node:http";
import { type BroadcastOperator, Server, type Socket } from "socket.io";
import type { ErrorAck } from "../../common/collab-protocol";
import type { LiveEvent, LiveEventType, OnlineUser } from "../../common/live-events";
import type { ClientToServerEvents, ServerToClientEvents } from "../../common/socket-events";
import { MAX_PACKET_BYTES, socketParser } from "../../common/socket-parser";
import type { Authenticator } from "../auth/authenticator";
import type { SessionUser } from "../auth/sessions";
import type { EventBus } from "../bus";
import type { Config } from "../config";
import type { DomainEvent, DomainEventType } from "../domain/events";
import { can, type Permission } from "../domain/policy";
import { expectedOrigin, isSameOrigin } from "../http/security";
import { type ClusterAdapter, type InterServerEvents, PER_PROCESS_EVENTS } from "./cluster";
import { coalesced } from "./coalesce";

/** What the server keeps on each socket: who it is, and when that was last checked. */
export interface SocketData {
  user: SessionUser;
  checkedAt: number;
}
export type AppServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type AppSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

type ClientEvent = keyof ClientToServerEvents;
/** The acknowledgement a client event is answered with. */
export type AckOf<E extends ClientEvent> = Parameters<
  NonNullable<Parameters<ClientToServerEvents[E]>[1]>
>[0];

/**
 * Registers a handler for one event behind the session check and the policy. The payload is
 * whatever the client sent (`unknown`: the handler validates it); the answer is typed.
 */
export type GuardedOn = <E extends ClientEvent>(
  socket: AppSocket,
  event: E,
  permission: Permission,
  handler: (
    user: SessionUser,
    payload: unknown,
    reply: (response: AckOf<E>) => void,
  ) => Promise<void> | void,
) => void;

/** A feature that speaks over the shared socket.io server (e.g. co-editing). */
export interface RealtimeFeature {
  onConnection(socket: AppSocket, on: GuardedOn): void;
  /** The socket's person got other roles or departments (already in `socket.data.user`). */
  onAccessChanged?(socket: AppSocket): void;
  close?(): Promise<void>;
}

// A session that expired is noticed this long after, by the socket's next event or by the sweep
// of sockets that send none (a logout or a deactivation closes the sockets at once).
const SESSION_RECHECK_MS = 30_000;
// Joins and leaves within this window make one presence broadcast.
export const PRESENCE_COALESCE_MS = 100;
export const organisationRoom = (organisationId: string) => `org:${organisationId}`;
export const userRoom = (userId: string) => `user:${userId}`;
const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/** Who hears of each live event: those whose roles allow the permission. */
const LIVE_READERS: Record<LiveEventType, Permission> = {
  "action.changed": "actions:read",
  "document.changed": "documents:read",
  "period-report.changed": "dashboard:read",
};
const AUDIENCE_PERMISSIONS = [...new Set(Object.values(LIVE_READERS))];
const readersRoom = (organisationId: string, permission: Permission) =>
  `org:${organisationId}:${permission}`;

/** The rooms whose events this person may hear. */
function roomsOf(user: SessionUser): string[] {
  return [
    organisationRoom(user.organisationId),
    userRoom(user.userId),
    sessionRoom(user.sessionId),
    ...AUDIENCE_PERMISSIONS.filter((permission) => can(user, permission)).map((permission) =>
      readersRoom(user.organisationId, permission),
    ),
  ];
}

export type Realtime = ReturnType<typeof createRealtime>;

/** Sends a live event under its own name (one case per type, so name and payload are checked together). */
function emitLive(room: BroadcastOperator<ServerToClientEvents, SocketData>, event: LiveEvent) {
  switch (event.type) {
    case "action.changed":
      return room.emit(event.type, event);
    case "period-report.changed":
      return room.emit(event.type, event);
    case "document.changed":
      return room.emit(event.type, event);
  }
}

export function createRealtime(
  httpServer: HttpServer,
  deps: { config: Config; bus: EventBus; auth: Authenticator; cluster?: ClusterAdapter },
) {
  const { config, bus, auth, cluster } = deps;
  const features: RealtimeFeature[] = [];
  const io: AppServer = new Server(httpServer, {
    // Several processes on one PostgreSQL database: rooms, fetchSockets and disconnectSockets
    // reach every process's sockets (ADR 0029). Otherwise the in-memory adapter: one process.
    ...(cluster ? { adapter: cluster.adapter } : {}),
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
    const name: ClientEvent = event;
    socket.on(name, async (...args: unknown[]) => {
      // The acknowledgement is always the last argument, also when no payload was sent.
      const ack = args.at(-1);
      const payload = typeof ack === "function" && args.length === 1 ? undefined : args[0];
      const reply = (response: AckOf<typeof event> | ErrorAck) => {
        if (typeof ack === "function") ack(response);
      };
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
      const { user } = s.data;
      byId.set(user.userId, { id: user.userId, name: user.name });
    }
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name, "sv"));
  }

  /** Set when the server shuts down: closing sockets then schedule no broadcast. */
  let closing = false;
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
    socket.on("disconnect", () => {
      // Shutting down, the others learn who is left from the tabs reconnecting elsewhere.
      if (!closing) presence.schedule(user.organisationId);
    });
    await socket.join(roomsOf(user));
    presence.schedule(user.organisationId);
  });

  /**
   * Closes this process's sockets whose session has ended (expired, idle too long, deleted).
   * A tab that only listens sends no event that would notice, and would go on receiving the
   * organisation's events.
   */
  async function closeEndedSessions(): Promise<void> {
    const sockets = [...io.of("/").sockets.values()];
    const live = await auth.liveSessionIds(sockets.map((socket) => socket.data.user.sessionId));
    for (const socket of sockets)
      if (!live.has(socket.data.user.sessionId)) socket.disconnect(true);
  }
  const sweep = setInterval(() => {
    closeEndedSessions().catch((error) => console.error("Closing ended sessions failed:", error));
  }, SESSION_RECHECK_MS);
  sweep.unref();

  /**
   * Another role or department takes effect on this process's open sockets of that person at
   * once, as a deactivation does, not at the next recheck: their rooms and what the features
   * (co-editing) let them do follow the new roles.
   */
  async function applyAccessChange(userId: string): Promise<void> {
    const sockets = ([...io.of("/").sockets.values()] as AppSocket[]).filter(
      (socket) => socket.data.user?.userId === userId,
    );
    for (const socket of sockets) {
      const user = await authenticate(socket);
      if (!user || !can(user, "organisation:read")) {
        socket.disconnect(true);
        continue;
      }
      socket.data = { user, checkedAt: Date.now() };
      for (const room of socket.rooms) if (room.startsWith("org:")) socket.leave(room);
      await socket.join(roomsOf(user));
      for (const feature of features) feature.onAccessChanged?.(socket);
    }
  }

  /** Those of the organisation whose roles let them read what the event is about. */
  const toReaders = (event: Extract<DomainEvent, { type: LiveEventType }>) => {
    const { organisationId, eventId, ...live } = event;
    emitLive(io.to(readersRoom(organisationId, LIVE_READERS[event.type])), live);
  };
  const nobody = () => {};
  /**
   * A document's comments or review changed: its open pages (those who may read it) hear it as
   * a change of the document and fetch its comments and review state again.
   */
  const toDocumentReaders =
    (change: "comments" | "review") =>
    (event: Extract<DomainEvent, { documentId: string }> & { actorId: string | null }) =>
      emitLive(io.to(readersRoom(event.organisationId, LIVE_READERS["document.changed"])), {
        type: "document.changed",
        documentId: event.documentId,
        change,
        actorId: event.actorId ?? "",
        actorName: ("actorName" in event && event.actorName) || "",
      });
  /**
   * Who hears each domain event, stated for every type: deny by default, so a new type does not
   * compile until it is given an audience here.
   */
  const audiences: {
    [T in DomainEventType]: (event: Extract<DomainEvent, { type: T }>) => unknown;
  } = {
    "action.changed": toReaders,
    "period-report.changed": toReaders,
    "document.changed": toReaders,
    // Their open sockets close, so they drop off "online now".
    "user.deactivated": (event) => io.in(userRoom(event.userId)).disconnectSockets(true),
    // What their open tabs may do (write in a document, hear of actions) follows at once.
    "user.access-changed": (event) => applyAccessChange(event.userId),
    // The tabs of the session that logged out stop receiving; the person's other sessions stay.
    "session.ended": (event) => io.in(sessionRoom(event.sessionId)).disconnectSockets(true),
    // Their sockets close everywhere but in the tab that chose the new password (if any).
    "user.password-changed": ({ userId, keptSessionId }) =>
      (keptSessionId
        ? io.in(userRoom(userId)).except(sessionRoom(keptSessionId))
        : io.in(userRoom(userId))
      ).disconnectSockets(true),
    "user.signed-in": nobody,
    "user.sign-in-failed": nobody,
    "user.changed": nobody,
    "user.link-sent": nobody,
    "identity-provider.changed": nobody,
    "department.changed": nobody,
    "organisation.changed": nobody,
    "strategy.changed": nobody,
    "period-report.adopted": nobody,
    "token.changed": nobody,
    "webhook.changed": nobody,
    "personal-data.purged": nobody,
    "period.deadline-approaching": nobody,
    "period.deadline-passed": nobody,
    "action.overdue": nobody,
    "digest.due": nobody,
    "document.comment-added": toDocumentReaders("comments"),
    "document.review-requested": toDocumentReaders("review"),
    "document.reviewed": toDocumentReaders("review"),
    // Its notifications reach the people concerned (server/notifications/notify.ts).
    "action.assigned": nobody,
    "action.comment-added": nobody,
  };
  const unsubscribe = bus.subscribe((event) => {
    // What every process must do with its own sockets and documents is passed on to the others.
    if (cluster && PER_PROCESS_EVENTS.has(event.type)) io.serverSideEmit("domain-event", event);
    // The map's key and its handler's parameter name the same type; TypeScript cannot relate them.
    return (audiences[event.type] as (event: DomainEvent) => unknown)(event);
  });

  /** Events in PER_PROCESS_EVENTS that another process committed. */
  const peerListeners = new Set<(event: DomainEvent) => unknown>();
  io.on("domain-event", (event) => {
    for (const listener of peerListeners)
      Promise.resolve(listener(event)).catch((error) =>
        console.error(`Handling the event ${event.type} from another process failed:`, error),
      );
  });
  peerListeners.add((event) => {
    if (event.type === "user.access-changed") return applyAccessChange(event.userId);
  });

  return {
    io,
    addFeature(feature: RealtimeFeature) {
      features.push(feature);
    },
    closeEndedSessions,
    /** Whether other server processes share the rooms (PostgreSQL adapter). */
    clustered: Boolean(cluster),
    /**
     * Calls `listener` with the events in PER_PROCESS_EVENTS that another process committed (this
     * process's own come through the bus).
     */
    onPeerEvent(listener: (event: DomainEvent) => unknown): () => void {
      peerListeners.add(listener);
      return () => peerListeners.delete(listener);
    },
    async close() {
      closing = true;
      clearInterval(sweep);
      unsubscribe();
      presence.cancel();
      for (const feature of features) await feature.close?.();
      // Closing the transports (not a socket.io "disconnect" packet, which clients never retry)
      // lets every open tab reconnect by itself once the server is back, e.g. after a deploy.
      await new Promise<void>((resolve) => io.close(() => resolve()));
      peerListeners.clear();
      await cluster?.close();
    },
  };
}
