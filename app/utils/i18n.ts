import type { MetaArgs } from "@remix-run/node";
import { useRouteLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { type MessageKey, translator } from "../../common/i18n";
import type { Locale } from "../../db/schema";
import type { RootData } from "../root";

export function useLocale(): Locale {
  return useRouteLoaderData<RootData>("root")?.locale ?? "sv";
}

export function useT() {
  const locale = useLocale();
  return useMemo(() => translator(locale), [locale]);
}

/** "Användare – Samverkan": every page's title names the page first. */
export function pageTitle(
  args: Pick<MetaArgs, "matches">,
  key: MessageKey,
  vars?: Record<string, string>,
) {
  const root = args.matches.find((match) => match.id === "root")?.data as RootData | undefined;
  const t = translator(root?.locale ?? "sv");
  return [{ title: `${t(key, vars)} – ${t("app.name")}` }];
}
