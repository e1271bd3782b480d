/** A status shown with colour *and* a symbol *and* text, never colour alone. */
export function Badge({
  tone,
  symbol,
  children,
}: {
  tone: "ok" | "muted" | "warn" | "bad" | "info";
  symbol: string;
  children: React.ReactNode;
}) {
  return (
    <span className={`badge badge-${tone}`}>
      <span aria-hidden="true">{symbol} </span>
      {children}
    </span>
  );
}

export function ActiveBadge({
  active,
  labels,
}: {
  active: boolean;
  labels: { active: string; inactive: string };
}) {
  return active ? (
    <Badge tone="ok" symbol="●">
      {labels.active}
    </Badge>
  ) : (
    <Badge tone="muted" symbol="○">
      {labels.inactive}
    </Badge>
  );
}
