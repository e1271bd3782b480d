import type { Role } from "../../db/schema";

/**
 * The one place that says who may do what. HTTP routes, API endpoints and socket events all
 * ask `can`/`assertCan` here; nothing else decides access.
 */
export const PERMISSIONS = [
  "organisation:read",
  "presence:read",
  "settings:update-own",
  "users:manage",
  "departments:manage",
  "strategies:manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const everyone: Permission[] = ["organisation:read", "presence:read", "settings:update-own"];

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: [...everyone, "users:manage", "departments:manage", "strategies:manage"],
  member: everyone,
  editor: everyone,
  chief: everyone,
  observer: everyone,
};

/** Who is acting: a signed-in person within one organisation. */
export interface Actor {
  userId: string;
  organisationId: string;
  roles: readonly Role[];
  departmentIds: readonly string[];
}

/** Anything that belongs to an organisation. */
export interface OrganisationScoped {
  organisationId: string;
}

export function can(actor: Actor, permission: Permission, resource?: OrganisationScoped): boolean {
  if (resource && resource.organisationId !== actor.organisationId) return false;
  return actor.roles.some((role) => GRANTS[role].includes(permission));
}

export class ForbiddenError extends Error {
  constructor(readonly permission: Permission) {
    super(`Forbidden: ${permission}`);
  }
}

/** Another organisation's resource does not exist for the actor: callers answer 404, not 403. */
export class NotFoundError extends Error {}

export function assertCan(
  actor: Actor,
  permission: Permission,
  resource?: OrganisationScoped,
): void {
  if (resource && resource.organisationId !== actor.organisationId) throw new NotFoundError();
  if (!can(actor, permission)) throw new ForbiddenError(permission);
}

export function permissionsOf(actor: Actor): Permission[] {
  return PERMISSIONS.filter((permission) => can(actor, permission));
}
