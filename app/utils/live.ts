import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

export interface LiveEvent {
  type: "action.changed" | "period-report.changed";
  actionId?: string;
  departmentId: string;
  periodId?: string;
  change?: string;
  actorId: string;
  actorName: string;
}

/**
 * Keeps a page live: when someone else changes an action or a period report, the page's loaders
 * run again (uncontrolled form fields keep what the viewer is typing) and `lastChange` says who,
 * for a polite live region. `relevant` narrows which events matter to this page.
 */
export function useLiveUpdates(
  relevant: (event: LiveEvent) => boolean = () => true,
  selfId?: string,
) {
  const revalidator = useRevalidator();
  const [lastChange, setLastChange] = useState<LiveEvent | null>(null);
  const relevantRef = useRef(relevant);
  relevantRef.current = relevant;
  const revalidateRef = useRef(revalidator.revalidate);
  revalidateRef.current = revalidator.revalidate;

  useEffect(() => {
    let active = true;
    let cleanup = () => {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    import("./realtime.client").then(({ getSocket }) => {
      if (!active) return;
      const socket = getSocket();
      const onEvent = (type: LiveEvent["type"]) => (payload: Omit<LiveEvent, "type">) => {
        const event = { ...payload, type };
        if (!relevantRef.current(event)) return;
        if (event.actorId !== selfId) setLastChange(event);
        // A burst of changes (an import) reloads once.
        clearTimeout(timer);
        timer = setTimeout(() => revalidateRef.current(), 100);
      };
      const onAction = onEvent("action.changed");
      const onReport = onEvent("period-report.changed");
      // After a reconnect, catch up on whatever happened while offline.
      const onReconnect = () => revalidateRef.current();
      socket.on("action.changed", onAction);
      socket.on("period-report.changed", onReport);
      socket.io.on("reconnect", onReconnect);
      cleanup = () => {
        socket.off("action.changed", onAction);
        socket.off("period-report.changed", onReport);
        socket.io.off("reconnect", onReconnect);
      };
    });
    return () => {
      active = false;
      clearTimeout(timer);
      cleanup();
    };
  }, [selfId]);

  return lastChange;
}
