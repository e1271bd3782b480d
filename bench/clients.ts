/**
 * The same Yjs client on each server: a Y.Doc, an awareness state, a promise for
 * the first sync, and close(). Ours is the browser's SocketIoProvider over socket.io; the peers
 * use their own providers over `ws` (Node 20 has no global WebSocket).
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import type { Socket } from "socket.io-client";
import WebSocket from "ws";
import type { Awareness } from "y-protocols/awareness";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { SocketIoProvider } from "../app/editor/provider.client";
import { HttpClient } from "../tests/helpers/http";
import { connectSocket } from "../tests/helpers/socket";
import type { ServerKind } from "./protocol";

export interface BenchClient {
  doc: Y.Doc;
  awareness: Awareness;
  /** Resolves when the server's state has been applied locally. */
  synced: Promise<void>;
  connect(): void;
  close(): void;
}

/** Called when ours sends an update; the returned function gets the server's acknowledgement. */
export type AckProbe = () => ((ack: { ok?: boolean; error?: string }) => void) | undefined;

export interface ClientOptions {
  kind: ServerKind;
  port: number;
  documentName: string;
  /** Ours only: the session cookie of a signed-in demo user. */
  cookie?: string;
  ackProbe?: AckProbe;
}

const HOST = "127.0.0.1";

/** Signs in once over HTTP, as the browser does; the cookie is reused by many sockets. */
export async function signIn(port: number, email: string): Promise<string> {
  const http = new HttpClient(`http://${HOST}:${port}`);
  await http.logIn(email);
  return http.cookieHeader;
}

function ours({ port, documentName, cookie, ackProbe }: ClientOptions): BenchClient {
  const url = `http://${HOST}:${port}`;
  const socket: Socket = connectSocket(url, { cookie });
  if (ackProbe) {
    // Wrap the acknowledgement of each update the provider sends, to time edit → COMMIT → ack.
    const emit = socket.emit.bind(socket) as (event: string, ...args: unknown[]) => Socket;
    (socket as unknown as { emit: typeof emit }).emit = (event, ...args) => {
      const ack = args.at(-1);
      const onAck = event === "collab:sync" && typeof ack === "function" ? ackProbe() : undefined;
      if (onAck)
        args[args.length - 1] = (reply: { ok?: boolean; error?: string }) => {
          onAck(reply);
          (ack as (r: unknown) => void)(reply);
        };
      return emit(event, ...args);
    };
  }
  const doc = new Y.Doc();
  const provider = new SocketIoProvider(socket, documentName, doc);
  const synced = new Promise<void>((resolve) => provider.on("sync", () => resolve()));
  return {
    doc,
    awareness: provider.awareness,
    synced,
    connect: () => provider.connect(),
    close() {
      provider.disconnect();
      socket.close();
      doc.destroy();
    },
  };
}

function yWebsocket({ port, documentName }: ClientOptions): BenchClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://${HOST}:${port}`, documentName, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    // Clients in one process would otherwise exchange updates over BroadcastChannel, not the server.
    disableBc: true,
    connect: false,
  });
  const synced = new Promise<void>((resolve) =>
    provider.on("sync", (isSynced: boolean) => isSynced && resolve()),
  );
  return {
    doc,
    awareness: provider.awareness,
    synced,
    connect: () => provider.connect(),
    close() {
      provider.destroy();
      doc.destroy();
    },
  };
}

function hocuspocus({ port, documentName }: ClientOptions): BenchClient {
  const doc = new Y.Doc();
  // The provider's own `url` option ignores WebSocketPolyfill, so the socket is made here.
  const websocketProvider = new HocuspocusProviderWebsocket({
    url: `ws://${HOST}:${port}`,
    WebSocketPolyfill: WebSocket,
    autoConnect: false,
  });
  const provider = new HocuspocusProvider({ websocketProvider, name: documentName, document: doc });
  const synced = new Promise<void>((resolve) => provider.on("synced", () => resolve()));
  return {
    doc,
    awareness: provider.awareness!,
    synced,
    connect() {
      provider.attach();
      void websocketProvider.connect();
    },
    close() {
      provider.destroy();
      websocketProvider.destroy();
      doc.destroy();
    },
  };
}

const factories: Record<ServerKind, (options: ClientOptions) => BenchClient> = {
  ours,
  "y-websocket": yWebsocket,
  hocuspocus,
  "hocuspocus-redis": hocuspocus,
  // The browser's provider on a bare relay: it needs no session cookie.
  "socket.io-relay": ours,
};

/** Creates a client, sets its awareness state (sent when it joins), then connects it. */
export function connectClient(
  options: ClientOptions,
  presence: Record<string, unknown>,
): BenchClient {
  const client = factories[options.kind](options);
  client.awareness.setLocalState(presence);
  client.connect();
  return client;
}
