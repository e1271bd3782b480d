import { type BlockerFunction, useBlocker } from "@remix-run/react";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { useT } from "../utils/i18n";
import type { SaveState, SocketIoProvider } from "./provider.client";

/**
 * An edit still on its way (a keystroke just before the click) is usually saved within
 * milliseconds; the navigation waits this long for it before asking.
 */
const SAVING_GRACE_MS = 2_000;

/** Title, text and the leave button's label for each save state. */
const MESSAGES = {
  offline: ["editor.leaveTitle", "editor.leaveOffline", "editor.leaveAnyway"],
  signed_out: ["editor.leaveTitle", "editor.leaveSignedOut", "editor.leaveAnyway"],
  unsaved: ["editor.leaveTitle", "editor.leaveUnsaved", "editor.leaveAnyway"],
  saving: ["editor.leaveTitle", "editor.leaveSaving", "editor.leaveAnyway"],
  saved: ["editor.leaveSavedTitle", "editor.leaveSaved", "editor.leaveNow"],
} as const;

/** Stay (the safe choice, focused first) or leave anyway; Escape stays. */
function LeaveDialog({
  state,
  onStay,
  onLeave,
}: {
  state: SaveState;
  onStay: () => void;
  onLeave: () => void;
}) {
  const t = useT();
  const id = useId();
  const [title, text, leave] = MESSAGES[state];
  const dialog = useRef<HTMLDialogElement>(null);
  const stay = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    // Where focus goes back to when the person stays: the link they followed, or the text.
    const before = document.activeElement;
    // A modal <dialog> makes the rest of the page inert and keeps focus inside.
    element.showModal();
    stay.current?.focus();
    return () => {
      if (element.open) element.close();
      if (before instanceof HTMLElement && before.isConnected) before.focus();
    };
  }, []);

  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      // It asks for a decision before anything else can happen.
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      onCancel={(event) => {
        event.preventDefault();
        onStay();
      }}
    >
      <h2 id={`${id}-title`}>{t(title)}</h2>
      {/* Read again when the state changes while the dialog is open. */}
      <p id={`${id}-text`} aria-live="polite">
        {t(text)}
      </p>
      <div className="button-row">
        <button ref={stay} type="button" className="button" onClick={onStay}>
          {t("editor.leaveStay")}
        </button>
        <button type="button" className="button button-secondary" onClick={onLeave}>
          {t(leave)}
        </button>
      </div>
    </dialog>
  );
}

/**
 * In-app navigation away from the document (a link, the back button, a form elsewhere) while
 * edits are not saved asks first, as `beforeunload` does for closing the tab. Navigations within
 * the page (its own forms post to the same address) pass. An edit just on its way does not ask:
 * the navigation goes on as soon as it is saved.
 */
export function LeaveGuard({ provider }: { provider: SocketIoProvider }) {
  const shouldBlock = useCallback<BlockerFunction>(
    ({ currentLocation, nextLocation }) =>
      currentLocation.pathname !== nextLocation.pathname &&
      provider.writable &&
      provider.saveState !== "saved",
    [provider],
  );
  const blocker = useBlocker(shouldBlock);
  const blocked = blocker.state === "blocked";
  const proceed = useRef(blocker.proceed);
  proceed.current = blocker.proceed;
  /** The save state the dialog describes; null while it is not shown. */
  const [asking, setAsking] = useState<SaveState | null>(null);

  useEffect(() => {
    if (!blocked) {
      setAsking(null);
      return;
    }
    let asked = false;
    const decide = (waited: boolean) => {
      const state = provider.saveState;
      if (!asked && state === "saved") {
        proceed.current?.();
      } else if (asked || waited || state !== "saving") {
        // Once shown, the dialog follows the state (it says so when all is saved after all).
        asked = true;
        setAsking(state);
      }
    };
    const onChange = () => decide(false);
    decide(false);
    provider.on("save-state", onChange);
    const timer = setTimeout(() => decide(true), SAVING_GRACE_MS);
    return () => {
      clearTimeout(timer);
      provider.off("save-state", onChange);
    };
  }, [blocked, provider]);

  if (!blocked || asking === null) return null;
  return (
    <LeaveDialog
      state={asking}
      onStay={() => blocker.reset?.()}
      onLeave={() => blocker.proceed?.()}
    />
  );
}
