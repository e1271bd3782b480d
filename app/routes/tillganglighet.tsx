import type { MetaFunction } from "@remix-run/node";
import { pageTitle, useT } from "../utils/i18n";

export const meta: MetaFunction = (args) => pageTitle(args, "a11y.title");

/** Public: the statement must be reachable without an account (DOS-lagen). */
export default function AccessibilityStatement() {
  const t = useT();
  return (
    <div className="page narrow prose">
      <h1>{t("a11y.title")}</h1>
      <p>{t("a11y.intro")}</p>
      <h2>{t("a11y.statusHeading")}</h2>
      <p>{t("a11y.status")}</p>
      <h2>{t("a11y.gapsHeading")}</h2>
      <p>{t("a11y.gaps")}</p>
      <h2>{t("a11y.reportHeading")}</h2>
      <p>{t("a11y.report")}</p>
      <h2>{t("a11y.testedHeading")}</h2>
      <p>{t("a11y.tested")}</p>
    </div>
  );
}
