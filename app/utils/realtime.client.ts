import { io, type Socket } from "socket.io-client";
import { socketParser } from "./socket-parser";

let socket: Socket | undefined;

/** One socket per tab, shared by every live view; the session cookie authenticates it. */
export function getSocket(): Socket {
  socket ??= io({
    transports: ["websocket"],
    withCredentials: true,
    parser: socketParser,
    // Back within seconds of the network (or a restarted server). socket.io's default backoff
    // grows to 5 s ± 50 %; and an attempt whose connection is closed before it opens is only
    // given up at the connect timeout (20 s by default), however soon the network is back.
    reconnectionDelayMax: 2_000,
    timeout: 5_000,
  });
  return socket;
}
