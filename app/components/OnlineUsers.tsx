import { Link, useLocation } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { OnlineUser } from "../../common/live-events";
import { useT } from "../utils/i18n";
import type { SessionEnd } from "../utils/realtime.client";

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? "")
    .join("");
}

/**
 * Who in the working group has Samverkan open right now; updated live over the socket. Also
 * tells the person when the server closed the connection because their session ended (logged
 * out in another tab, run out, deactivated), or refused it because someone else has signed in on
 * this browser since: nothing live reaches the page until they sign in again, here or in another
 * tab (realtime.client.ts then reconnects by itself).
 */
export function OnlineUsers({ userId }: { userId: string }) {
  const t = useT();
  const location = useLocation();
  const [users, setUsers] = useState<OnlineUser[] | null>(null);
  const [connected, setConnected] = useState(false);
  // Why nothing live reaches the page: signed out, or someone else signed in on this browser.
  const [sessionEnded, setSessionEnded] = useState<SessionEnd | false>(false);

  useEffect(() => {
    let active = true;
    let cleanup = () => {};
    import("../utils/realtime.client").then(({ getSocket, onSessionEnd }) => {
      if (!active) return;
      const socket = getSocket(userId);
      const onPresence = (list: OnlineUser[]) => setUsers(list);
      const onConnect = () => {
        setConnected(true);
        setSessionEnded(false);
        socket.emit("presence:list", null, (list: OnlineUser[] | { error: string }) => {
          if (Array.isArray(list)) setUsers(list);
        });
      };
      const onDisconnect = () => setConnected(false);
      socket.on("presence", onPresence);
      socket.on("connect", onConnect);
      socket.on("disconnect", onDisconnect);
      const stopWatching = onSessionEnd(socket, setSessionEnded);
      if (socket.connected) onConnect();
      cleanup = () => {
        socket.off("presence", onPresence);
        socket.off("connect", onConnect);
        socket.off("disconnect", onDisconnect);
        stopWatching();
      };
    });
    return () => {
      active = false;
      cleanup();
    };
  }, [userId]);

  const signIn = `/login?redirectTo=${encodeURIComponent(location.pathname + location.search)}`;
  return (
    <section className="online" aria-labelledby="online-heading">
      <h2 id="online-heading" className="visually-hidden">
        {t("online.heading")}
      </h2>
      {sessionEnded === "otherUser" ? (
        // No sign-in link: the sign-in page would open as the person now signed in.
        <p className="online-status" role="alert">
          {t("online.otherUser")}
        </p>
      ) : sessionEnded ? (
        <p className="online-status" role="alert">
          {t("online.sessionEnded")} <Link to={signIn}>{t("online.signInAgain")}</Link>
        </p>
      ) : users === null ? (
        <span className="online-status">{t("online.connecting")}</span>
      ) : (
        <>
          <ul className="avatars" data-testid="online-users">
            {users.map((user) => (
              <li key={user.id} className="avatar" title={user.name}>
                <span aria-hidden="true">{initials(user.name)}</span>
                <span className="visually-hidden">{user.name}</span>
              </li>
            ))}
          </ul>
          <span className="online-status">
            {connected ? t("online.count", { count: users.length }) : t("online.offline")}
          </span>
        </>
      )}
    </section>
  );
}
