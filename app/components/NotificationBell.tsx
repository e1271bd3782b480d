import { Link } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useT } from "../utils/i18n";

/**
 * The bell in the header: a link to Notiser whose name says how many are unread (the badge
 * repeats the number; never colour alone). A new notification's count arrives over the socket.
 */
export function NotificationBell({ userId, unread }: { userId: string; unread: number }) {
  const t = useT();
  const [count, setCount] = useState(unread);
  // A page load (marking read, navigating) brings the server's count.
  useEffect(() => setCount(unread), [unread]);
  useEffect(() => {
    let active = true;
    let cleanup = () => {};
    import("../utils/realtime.client").then(({ getSocket }) => {
      if (!active) return;
      const socket = getSocket(userId);
      const onUnread = (value: number) => setCount(value);
      socket.on("notifications:unread", onUnread);
      cleanup = () => socket.off("notifications:unread", onUnread);
    });
    return () => {
      active = false;
      cleanup();
    };
  }, [userId]);
  return (
    <Link
      to="/notiser"
      className="notification-bell"
      aria-label={t("notifications.bell", { count })}
      data-unread={count}
    >
      <svg aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 24 24">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
        />
      </svg>
      {count > 0 && (
        <span className="count-badge" aria-hidden="true">
          {count}
        </span>
      )}
    </Link>
  );
}
