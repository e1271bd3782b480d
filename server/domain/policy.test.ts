import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../db/schema";
import {
  type Actor,
  assertCan,
  can,
  ForbiddenError,
  NotFoundError,
  PERMISSIONS,
  type Permission,
  permissionsOf,
} from "./policy";

/** `own` = only on resources of one of the actor's own departments. */
type Grant = boolean | "own";

/**
 * The whole role × permission matrix, written out by hand: a change to the policy module must be
 * a deliberate change to this table too.
 */
const EXPECTED: Record<Role, Record<Permission, Grant>> = {
  admin: {
    "organisation:read": true,
    "presence:read": true,
    "settings:update-own": true,
    "tokens:manage-own": true,
    "organisation:manage": true,
    "users:manage": true,
    "identity-provider:manage": true,
    "departments:manage": true,
    "strategies:manage": true,
    "periods:manage": true,
    "personalData:purge": true,
    "actions:read": true,
    "actions:create": true,
    "actions:edit": true,
    "actions:update-progress": true,
    "actions:comment": true,
    "actions:import": true,
    "period-reports:complete": true,
    "documents:read": true,
    "documents:create": true,
    "documents:edit": true,
    "documents:comment": true,
    "archived:delete": true,
    "dashboard:read": true,
    "reports:read-adopted": true,
    "reports:read-live": true,
    "reports:adopt": true,
    "search:use": true,
    "notifications:read-own": true,
    "mail-outbox:read": true,
    "webhooks:manage": true,
  },
  member: {
    "organisation:read": true,
    "presence:read": true,
    "settings:update-own": true,
    "tokens:manage-own": true,
    "organisation:manage": false,
    "users:manage": false,
    "identity-provider:manage": false,
    "departments:manage": false,
    "strategies:manage": false,
    "periods:manage": false,
    "personalData:purge": false,
    "actions:read": true,
    "actions:create": true,
    "actions:edit": true,
    "actions:update-progress": true,
    "actions:comment": true,
    "actions:import": true,
    "period-reports:complete": false,
    "documents:read": true,
    "documents:create": true,
    "documents:edit": true,
    "documents:comment": true,
    "archived:delete": false,
    "dashboard:read": true,
    "reports:read-adopted": true,
    "reports:read-live": true,
    "reports:adopt": false,
    "search:use": true,
    "notifications:read-own": true,
    "mail-outbox:read": false,
    "webhooks:manage": false,
  },
  editor: {
    "organisation:read": true,
    "presence:read": true,
    "settings:update-own": true,
    "tokens:manage-own": true,
    "organisation:manage": false,
    "users:manage": false,
    "identity-provider:manage": false,
    "departments:manage": false,
    "strategies:manage": false,
    "periods:manage": false,
    "personalData:purge": false,
    "actions:read": true,
    "actions:create": false,
    "actions:edit": false,
    "actions:update-progress": "own",
    "actions:comment": true,
    "actions:import": false,
    "period-reports:complete": "own",
    "documents:read": true,
    "documents:create": false,
    "documents:edit": false,
    "documents:comment": true,
    "archived:delete": false,
    "dashboard:read": true,
    "reports:read-adopted": true,
    "reports:read-live": true,
    "reports:adopt": false,
    "search:use": true,
    "notifications:read-own": true,
    "mail-outbox:read": false,
    "webhooks:manage": false,
  },
  chief: {
    "organisation:read": true,
    "presence:read": true,
    "settings:update-own": true,
    "tokens:manage-own": true,
    "organisation:manage": false,
    "users:manage": false,
    "identity-provider:manage": false,
    "departments:manage": false,
    "strategies:manage": false,
    "periods:manage": false,
    "personalData:purge": false,
    "actions:read": true,
    "actions:create": false,
    "actions:edit": false,
    "actions:update-progress": false,
    "actions:comment": true,
    "actions:import": false,
    "period-reports:complete": false,
    "documents:read": true,
    "documents:create": false,
    "documents:edit": false,
    "documents:comment": true,
    "archived:delete": false,
    "dashboard:read": true,
    "reports:read-adopted": true,
    "reports:read-live": true,
    "reports:adopt": true,
    "search:use": true,
    "notifications:read-own": true,
    "mail-outbox:read": false,
    "webhooks:manage": false,
  },
  observer: {
    "organisation:read": true,
    "presence:read": true,
    "settings:update-own": true,
    "tokens:manage-own": true,
    "organisation:manage": false,
    "users:manage": false,
    "identity-provider:manage": false,
    "departments:manage": false,
    "strategies:manage": false,
    "periods:manage": false,
    "personalData:purge": false,
    "actions:read": false,
    "actions:create": false,
    "actions:edit": false,
    "actions:update-progress": false,
    "actions:comment": false,
    "actions:import": false,
    "period-reports:complete": false,
    "documents:read": false,
    "documents:create": false,
    "documents:edit": false,
    "documents:comment": false,
    "archived:delete": false,
    "dashboard:read": true,
    "reports:read-adopted": true,
    "reports:read-live": false,
    "reports:adopt": false,
    "search:use": false,
    "notifications:read-own": true,
    "mail-outbox:read": false,
    "webhooks:manage": false,
  },
};

const ORG = "00000000-0000-4000-8000-000000000001";
const OTHER_ORG = "00000000-0000-4000-8000-000000000002";
const OWN_DEPARTMENT = "00000000-0000-4000-8000-0000000000d1";
const OTHER_DEPARTMENT = "00000000-0000-4000-8000-0000000000d2";

function actor(roles: Role[], organisationId = ORG): Actor {
  return {
    userId: "00000000-0000-4000-8000-0000000000aa",
    organisationId,
    roles,
    departmentIds: [OWN_DEPARTMENT],
  };
}

describe("policy matrix", () => {
  it("covers every role and every permission", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) {
      expect(Object.keys(EXPECTED[role]).sort()).toEqual([...PERMISSIONS].sort());
    }
  });

  const cells = ROLES.flatMap((role) =>
    PERMISSIONS.map((permission) => ({ role, permission, grant: EXPECTED[role][permission] })),
  );

  it.each(cells)("$role × $permission → $grant", ({ role, permission, grant }) => {
    const a = actor([role]);
    const own = { organisationId: ORG, departmentId: OWN_DEPARTMENT };
    const other = { organisationId: ORG, departmentId: OTHER_DEPARTMENT };
    // Without a department the question is "may they do this to anything at all?"
    expect(can(a, permission)).toBe(grant !== false);
    expect(can(a, permission, { organisationId: ORG })).toBe(grant !== false);
    expect(can(a, permission, own)).toBe(grant !== false);
    expect(can(a, permission, other)).toBe(grant === true);
    if (grant === true) expect(() => assertCan(a, permission, other)).not.toThrow();
    else expect(() => assertCan(a, permission, other)).toThrow(ForbiddenError);
    if (grant === false) expect(() => assertCan(a, permission, own)).toThrow(ForbiddenError);
    else expect(() => assertCan(a, permission, own)).not.toThrow();
  });

  it.each(ROLES)("permissionsOf(%s) lists exactly the granted permissions", (role) => {
    const granted = PERMISSIONS.filter((permission) => EXPECTED[role][permission] !== false);
    expect(permissionsOf(actor([role]))).toEqual(granted);
  });

  it("a person with several roles holds the union of their permissions", () => {
    expect(can(actor(["observer", "admin"]), "users:manage")).toBe(true);
    expect(permissionsOf(actor(["member", "chief"]))).toEqual(
      PERMISSIONS.filter((p) => EXPECTED.member[p] !== false || EXPECTED.chief[p] !== false),
    );
    // An editor who is also a member may change any department's actions.
    expect(
      can(actor(["editor", "member"]), "actions:update-progress", {
        organisationId: ORG,
        departmentId: OTHER_DEPARTMENT,
      }),
    ).toBe(true);
  });

  it("an editor without departments may update no department's actions", () => {
    const editor = { ...actor(["editor"]), departmentIds: [] };
    const resource = { organisationId: ORG, departmentId: OWN_DEPARTMENT };
    expect(can(editor, "actions:update-progress", resource)).toBe(false);
    expect(can(editor, "period-reports:complete", resource)).toBe(false);
  });

  it("a person without roles may do nothing", () => {
    for (const permission of PERMISSIONS) expect(can(actor([]), permission)).toBe(false);
  });
});

describe("another organisation's resources", () => {
  it.each(PERMISSIONS)(
    "can refuses %s on another organisation's resource, even for an admin",
    (permission) => {
      expect(can(actor(["admin"]), permission, { organisationId: OTHER_ORG })).toBe(false);
      expect(
        can(actor(["admin"]), permission, {
          organisationId: OTHER_ORG,
          departmentId: OWN_DEPARTMENT,
        }),
      ).toBe(false);
    },
  );

  it("assertCan answers NotFoundError, not ForbiddenError, for another organisation", () => {
    for (const role of ROLES) {
      for (const permission of PERMISSIONS) {
        let thrown: unknown;
        try {
          assertCan(actor([role]), permission, {
            organisationId: OTHER_ORG,
            departmentId: OWN_DEPARTMENT,
          });
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(NotFoundError);
        expect(thrown).not.toBeInstanceOf(ForbiddenError);
      }
    }
  });

  it("assertCan on the actor's own organisation passes for a granted permission", () => {
    expect(() =>
      assertCan(actor(["admin"]), "users:manage", { organisationId: ORG }),
    ).not.toThrow();
    expect(() => assertCan(actor(["member"]), "users:manage", { organisationId: ORG })).toThrow(
      ForbiddenError,
    );
  });
});
