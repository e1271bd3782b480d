import type { Socket } from "socket.io-client";
import * as Y from "yjs";
import { SocketIoProvider } from "../../app/editor/provider.client";
import { HttpClient } from "./http";
import type { TestServer } from "./server";
import { connectSocket } from "./socket";

/** A co-editing client as the browser runs it (same provider), signed in as a demo user. */
export interface CollabClient {
  doc: Y.Doc;
  provider: SocketIoProvider;
  socket: Socket;
  /** Resolves when the first sync is done (server state applied). */
  synced: Promise<void>;
  /** Resolves when every local update has been acknowledged after COMMIT. */
  saved(): Promise<void>;
  close(): void;
}

export async function signedInSocket(
  server: Pick<TestServer, "url">,
  email: string,
  password?: string,
): Promise<Socket> {
  const http = new HttpClient(server.url);
  await http.logIn(email, password);
  return connectSocket(server.url, {
    cookie: http.cookieHeader,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
  });
}

export async function collabClient(
  server: Pick<TestServer, "url">,
  email: string,
  documentId: string,
): Promise<CollabClient> {
  const socket = await signedInSocket(server, email);
  const doc = new Y.Doc();
  const provider = new SocketIoProvider(socket, documentId, doc);
  const synced = new Promise<void>((resolve) => provider.on("sync", () => resolve()));
  provider.connect();
  return {
    doc,
    provider,
    socket,
    synced,
    saved: () =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (provider.saveState === "saved") {
            provider.off("save-state", check);
            resolve();
          }
        };
        provider.on("save-state", check);
        check();
      }),
    close() {
      provider.disconnect();
      socket.close();
      doc.destroy();
    },
  };
}
