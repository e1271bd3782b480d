import { useRevalidator, useRouteLoaderData } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { LiveEvent as CommonLiveEvent, LiveEventType } from "../../common/live-events";
import type { RootData } from "../root";

export interface LiveEvent {
  type: "action.changed" | "period-report.changed";
  actionId?: string;
  departmentId: string;
  documentId?: string | null;
  periodId?: string;
  change?: string;
  actorId: string;
  actorName: string;
}

/** A document's versions or details changed (its text travels over the co-editing protocol). */
export type DocumentLiveEvent = CommonLiveEvent<"document.changed">;

const ACTION_EVENTS = ["action.changed", "period-report.changed"] as const;
const DOCUMENT_EVENTS = ["document.changed"] as const;

type LiveEventOf<T extends LiveEventType> = Extract<CommonLiveEvent, { type: T }>;

const isOneOf = <T extends LiveEventType>(
  types: readonly T[],
  event: CommonLiveEvent,
): event is LiveEventOf<T> => types.some((type) => type === event.type);

/**
 * Re-runs the page's loaders when one of `types` arrives on the tab's socket and `relevant`
 * says it matters here (debounced: a burst of changes, such as an import, reloads once), and
 * after a reconnect. Returns the last such change made by someone other than `selfId`.
 */
function useRevalidateOn<T extends LiveEventType>(
  types: readonly T[],
  relevant: (event: LiveEventOf<T>) => boolean,
  selfId: string | undefined,
) {
  const revalidator = useRevalidator();
  const tabUserId = useRouteLoaderData<RootData>("root")?.user?.id;
  const [lastChange, setLastChange] = useState<LiveEventOf<T> | null>(null);
  const relevantRef = useRef(relevant);
  relevantRef.current = relevant;
  const revalidateRef = useRef(revalidator.revalidate);
  revalidateRef.current = revalidator.revalidate;

  useEffect(() => {
    if (!tabUserId) return;
    let active = true;
    let cleanup = () => {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    import("./realtime.client").then(({ getSocket }) => {
      if (!active) return;
      const socket = getSocket(tabUserId);
      const listeners = types.map((type: LiveEventType) => {
        const listener = (event: CommonLiveEvent) => {
          if (!isOneOf(types, event) || !relevantRef.current(event)) return;
          if (event.actorId !== selfId) setLastChange(event);
          clearTimeout(timer);
          timer = setTimeout(() => revalidateRef.current(), 100);
        };
        socket.on(type, listener);
        return [type, listener] as const;
      });
      // After a reconnect, catch up on whatever happened while offline.
      const onReconnect = () => revalidateRef.current();
      socket.io.on("reconnect", onReconnect);
      cleanup = () => {
        for (const [type, listener] of listeners) socket.off(type, listener);
        socket.io.off("reconnect", onReconnect);
      };
    });
    return () => {
      active = false;
      clearTimeout(timer);
      cleanup();
    };
  }, [types, selfId, tabUserId]);

  return lastChange;
}

/**
 * Keeps a page live: when someone else changes an action or a period report, the page's loaders
 * run again (uncontrolled form fields keep what the viewer is typing) and `lastChange` says who,
 * for a polite live region. `relevant` narrows which events matter to this page.
 */
export function useLiveUpdates(
  relevant: (event: LiveEvent) => boolean = () => true,
  selfId?: string,
): LiveEvent | null {
  return useRevalidateOn(ACTION_EVENTS, relevant, selfId);
}

/**
 * Keeps a document's page live: a version named or restored, or its details or status saved by
 * anyone re-runs the loaders. The editor is not touched (its text comes over its own protocol).
 */
export function useDocumentUpdates(documentId: string, selfId?: string) {
  return useRevalidateOn(DOCUMENT_EVENTS, (event) => event.documentId === documentId, selfId);
}

const everyDocument = () => true;

/** Keeps the document list live: a document created, renamed, moved on in status, adopted. */
export function useDocumentListUpdates(selfId?: string) {
  return useRevalidateOn(DOCUMENT_EVENTS, everyDocument, selfId);
}
