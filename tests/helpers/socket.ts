import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { socketParser } from "../../common/socket-parser";

export interface SocketConnectOptions extends Partial<ManagerOptions & SocketOptions> {
  /** The session cookie header; none for an anonymous socket. */
  cookie?: string;
  /** The Origin header: the server's own by default, null for none. */
  origin?: string | null;
  authorization?: string;
}

/** A socket.io client set up as the app's own (websocket transport, our parser), outside a browser. */
export function connectSocket(
  url: string,
  { cookie, origin, authorization, ...options }: SocketConnectOptions = {},
): Socket {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (authorization) headers.authorization = authorization;
  if (origin !== null) headers.origin = origin ?? url;
  return io(url, {
    transports: ["websocket"],
    forceNew: true,
    parser: socketParser,
    extraHeaders: headers,
    ...options,
  });
}
