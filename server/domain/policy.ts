import type { Role } from "../../db/schema";

/**
 * The one place that says who may do what. HTTP routes, API endpoints and socket events all
 * ask `can`/`assertCan` here; nothing else decides access.
 */
export const PERMISSIONS = [
  "organisation:read",
  "presence:read",
  "settings:update-own",
  "tokens:manage-own",
  "organisation:manage",
  "users:manage",
  "identity-provider:manage",
  "departments:manage",
  "strategies:manage",
  "periods:manage",
  "personalData:purge",
  "actions:read",
  "actions:create",
  "actions:edit",
  "actions:update-progress",
  "actions:comment",
  "actions:import",
  "period-reports:complete",
  "documents:read",
  "documents:create",
  "documents:edit",
  "documents:comment",
  "archived:delete",
  "dashboard:read",
  "reports:read-adopted",
  "reports:read-live",
  "reports:adopt",
  "search:use",
  "notifications:read-own",
  "mail-outbox:read",
  "webhooks:manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** `own-department`: only for resources owned by one of the actor's departments. */
type Scope = "any" | "own-department";
type Grants = Partial<Record<Permission, Scope>>;

// Observers (Länsstyrelsen, politicians) read the dashboard and adopted reports only: no drafts,
// no actions or their comments, no search (which would find all of those).
const observer: Grants = {
  "organisation:read": "any",
  "presence:read": "any",
  "settings:update-own": "any",
  "tokens:manage-own": "any",
  "notifications:read-own": "any",
  "dashboard:read": "any",
  "reports:read-adopted": "any",
};
const everyone: Grants = {
  ...observer,
  "actions:read": "any",
  // Everyone else sees documents live; only the working group writes (others get a read-only editor).
  "documents:read": "any",
  "search:use": "any",
};
const workingGroup: Grants = {
  ...everyone,
  "actions:create": "any",
  "actions:edit": "any",
  "actions:update-progress": "any",
  "actions:comment": "any",
  "actions:import": "any",
  "documents:create": "any",
  "documents:edit": "any",
  // Comments on a passage, replies, resolving them; asking for a review and marking one done.
  "documents:comment": "any",
  "reports:read-live": "any",
};

const GRANTS: Record<Role, Grants> = {
  admin: {
    ...workingGroup,
    // The organisation's own settings, e.g. the roll-up's coverage threshold.
    "organisation:manage": "any",
    "users:manage": "any",
    // Who signs in and with which role is decided here: admins only.
    "identity-provider:manage": "any",
    "departments:manage": "any",
    "strategies:manage": "any",
    "periods:manage": "any",
    // Finding and removing identity numbers stored before they were refused: admins only.
    "personalData:purge": "any",
    // The e-mails the portal composed (all that would have gone out, without an SMTP server).
    "mail-outbox:read": "any",
    // Where the organisation's events are sent, and their signing secrets: admins only.
    "webhooks:manage": "any",
    "period-reports:complete": "any",
    "reports:adopt": "any",
    // Deleting an archived action or document for good (what must be kept never is): admins only.
    "archived:delete": "any",
  },
  member: workingGroup,
  editor: {
    ...everyone,
    "actions:update-progress": "own-department",
    "actions:comment": "any",
    "documents:comment": "any",
    "period-reports:complete": "own-department",
    "reports:read-live": "any",
  },
  // The kommunchef answers to kommunstyrelsen: reads everything and adopts the period report.
  chief: {
    ...everyone,
    "actions:comment": "any",
    // Comments on drafts (and reviews them) without writing in them.
    "documents:comment": "any",
    "reports:read-live": "any",
    "reports:adopt": "any",
  },
  observer,
};

/** Who is acting: a signed-in person within one organisation. */
export interface Actor {
  userId: string;
  organisationId: string;
  roles: readonly Role[];
  departmentIds: readonly string[];
}

/** Anything that belongs to an organisation, and maybe to one department (plus involved ones). */
export interface Resource {
  organisationId: string;
  departmentId?: string;
}

export function can(actor: Actor, permission: Permission, resource?: Resource): boolean {
  if (resource && resource.organisationId !== actor.organisationId) return false;
  return actor.roles.some((role) => {
    const scope = GRANTS[role][permission];
    if (scope === "any") return true;
    if (scope !== "own-department") return false;
    // Without a resource, the question is "may they do this to anything at all?"
    return (
      resource?.departmentId === undefined || actor.departmentIds.includes(resource.departmentId)
    );
  });
}

export class ForbiddenError extends Error {
  constructor(readonly permission: Permission) {
    super(`Forbidden: ${permission}`);
  }
}

/** Another organisation's resource does not exist for the actor: callers answer 404, not 403. */
export class NotFoundError extends Error {}

export function assertCan(actor: Actor, permission: Permission, resource?: Resource): void {
  if (resource && resource.organisationId !== actor.organisationId) throw new NotFoundError();
  if (!can(actor, permission, resource)) throw new ForbiddenError(permission);
}

export function permissionsOf(actor: Actor): Permission[] {
  return PERMISSIONS.filter((permission) => can(actor, permission));
}
