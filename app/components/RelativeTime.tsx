import { formatDateTime, formatRelative } from "../../common/format";
import { useLocale } from "../utils/i18n";

/** "för 5 minuter sedan", with the exact time in a tooltip. */
export function RelativeTime({ iso }: { iso: string }) {
  const locale = useLocale();
  return (
    <time dateTime={iso} title={formatDateTime(iso)} suppressHydrationWarning>
      {formatRelative(iso, locale)}
    </time>
  );
}
