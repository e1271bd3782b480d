import { useRouteLoaderData } from "@remix-run/react";
import type { Permission } from "../../server/domain/policy";
import type { RootData } from "../root";

/** Whether the signed-in person's roles allow this: links are offered only to what they may open. */
export function useCan(permission: Permission): boolean {
  return useRouteLoaderData<RootData>("root")?.user?.permissions.includes(permission) ?? false;
}
