import { io, type Socket } from "socket.io-client";
import { socketParser } from "./socket-parser";

let socket: Socket | undefined;

/** One socket per tab, shared by every live view; the session cookie authenticates it. */
export function getSocket(): Socket {
  socket ??= io({ transports: ["websocket"], withCredentials: true, parser: socketParser });
  return socket;
}
