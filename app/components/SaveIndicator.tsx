import { isMessageKey } from "../../common/i18n";
import type { SaveState } from "../editor/provider.client";
import { useT } from "../utils/i18n";

export type SaveStatus = { state: SaveState; error: string | undefined } | null;

/** Next to the title, in a polite live region; "Sparat" only when the server has committed all. */
export function SaveIndicator({ status }: { status: SaveStatus }) {
  const t = useT();
  let symbol = "";
  let text = "";
  if (status === null) {
    text = t("save.connecting");
  } else if (status.state === "saved") {
    symbol = "✓";
    text = t("save.saved");
  } else if (status.state === "saving") {
    symbol = "↻";
    text = t("save.saving");
  } else if (status.state === "offline" || status.state === "signed_out") {
    symbol = "⚠";
    text = t(status.state === "offline" ? "save.offline" : "save.signedOut");
  } else {
    symbol = "!";
    const reason = `collabError.${status.error}`;
    text = isMessageKey(reason)
      ? t("save.unsavedBecause", { reason: t(reason) })
      : t("save.unsaved");
  }
  return (
    <p
      className={`save-indicator save-${status?.state ?? "connecting"}`}
      role="status"
      data-testid="save-indicator"
    >
      {symbol && <span aria-hidden="true">{symbol} </span>}
      {text}
    </p>
  );
}
