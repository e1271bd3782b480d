import { type RollUpFacts, rollUpResultLabel } from "../../common/rollup";
import type { Assessment } from "../../db/schema";
import type { DisplayStatus } from "../../server/domain/actions";
import type { DepartmentDeadlineState, PeriodState } from "../../server/domain/periods";
import { useT } from "../utils/i18n";
import { Badge } from "./Badge";

export const STATUS_LOOK: Record<
  DisplayStatus,
  { tone: "ok" | "info" | "muted" | "bad"; symbol: string }
> = {
  done: { tone: "ok", symbol: "✓" },
  in_progress: { tone: "info", symbol: "◐" },
  not_started: { tone: "muted", symbol: "○" },
  overdue: { tone: "bad", symbol: "!" },
  paused: { tone: "muted", symbol: "‖" },
  cancelled: { tone: "muted", symbol: "×" },
};

export const ASSESSMENT_LOOK: Record<
  Assessment,
  { tone: "ok" | "warn" | "bad" | "muted"; symbol: string }
> = {
  on_track: { tone: "ok", symbol: "●" },
  at_risk: { tone: "warn", symbol: "▲" },
  off_track: { tone: "bad", symbol: "■" },
  not_assessed: { tone: "muted", symbol: "○" },
};

/** An action's lifecycle status (Försenad derived), the same everywhere: colour, shape and word. */
export function StatusBadge({ status }: { status: DisplayStatus }) {
  const t = useT();
  const look = STATUS_LOOK[status];
  return (
    <Badge tone={look.tone} symbol={look.symbol}>
      {t(`status.${status}`)}
    </Badge>
  );
}

export function AssessmentBadge({ assessment }: { assessment: Assessment }) {
  const t = useT();
  const look = ASSESSMENT_LOOK[assessment];
  return (
    <Badge tone={look.tone} symbol={look.symbol}>
      {t(`assessment.${assessment}`)}
    </Badge>
  );
}

/** A goal's roll-up: an assessment's look, or "? Underlag saknas" when too little is assessed. */
export function RollUpBadge({ result }: { result: RollUpFacts["result"] }) {
  const t = useT();
  const look = result === "insufficient" ? INSUFFICIENT_LOOK : ASSESSMENT_LOOK[result];
  return (
    <Badge tone={look.tone} symbol={look.symbol}>
      {rollUpResultLabel(result, t)}
    </Badge>
  );
}

const INSUFFICIENT_LOOK = { tone: "muted", symbol: "?" } as const;

const PERIOD_STATE_LOOK: Record<
  PeriodState,
  { tone: "ok" | "info" | "warn" | "bad" | "muted"; symbol: string }
> = {
  upcoming: { tone: "muted", symbol: "○" },
  reporting: { tone: "info", symbol: "◐" },
  due_soon: { tone: "warn", symbol: "▲" },
  reported: { tone: "ok", symbol: "✓" },
  late: { tone: "bad", symbol: "!" },
  closed: { tone: "muted", symbol: "■" },
};

/** Where a period's reporting stands against its deadline (followups.periodDeadlines). */
export function PeriodStateBadge({ state }: { state: PeriodState }) {
  const t = useT();
  const look = PERIOD_STATE_LOOK[state];
  return (
    <Badge tone={look.tone} symbol={look.symbol}>
      {t(`periodState.${state}`)}
    </Badge>
  );
}

const REPORT_STATE_LOOK: Record<
  DepartmentDeadlineState,
  { tone: "ok" | "warn" | "bad" | "muted"; symbol: string }
> = {
  completed: { tone: "ok", symbol: "✓" },
  nothing_to_report: { tone: "muted", symbol: "–" },
  open: { tone: "muted", symbol: "○" },
  due_soon: { tone: "warn", symbol: "▲" },
  late: { tone: "bad", symbol: "!" },
};

/** A department's report in a period: the look of its state, the words given (they vary by page). */
export function ReportStateBadge({
  state,
  children,
}: {
  state: DepartmentDeadlineState;
  children: React.ReactNode;
}) {
  const look = REPORT_STATE_LOOK[state];
  return (
    <Badge tone={look.tone} symbol={look.symbol}>
      {children}
    </Badge>
  );
}
