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

/**
 * The whole role × permission matrix, written out by hand: a change to the policy module must be
 * a deliberate change to this table too.
 */
const EXPECTED: Record<Role, Record<Permission, boolean>> = {
  admin: {
    "organisation:read": true,
    "presence:read": true,
    "settings:update-own": true,
    "users:manage": true,
    "departments:manage": true,
    "strategies:manage": true,
  },
  member: {
    "organisation:read": true,
    "presence:read": true,
    "settings:update-own": true,
    "users:manage": false,
    "departments:manage": false,
    "strategies:manage": false,
  },
  editor: {
    "organisation:read": true,
    "presence:read": true,
    "settings:update-own": true,
    "users:manage": false,
    "departments:manage": false,
    "strategies:manage": false,
  },
  chief: {
    "organisation:read": true,
    "presence:read": true,
    "settings:update-own": true,
    "users:manage": false,
    "departments:manage": false,
    "strategies:manage": false,
  },
  observer: {
    "organisation:read": true,
    "presence:read": true,
    "settings:update-own": true,
    "users:manage": false,
    "departments:manage": false,
    "strategies:manage": false,
  },
};

const ORG = "00000000-0000-4000-8000-000000000001";
const OTHER_ORG = "00000000-0000-4000-8000-000000000002";

function actor(roles: Role[], organisationId = ORG): Actor {
  return {
    userId: "00000000-0000-4000-8000-0000000000aa",
    organisationId,
    roles,
    departmentIds: [],
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
    PERMISSIONS.map((permission) => ({ role, permission, allowed: EXPECTED[role][permission] })),
  );

  it.each(cells)("$role × $permission → $allowed", ({ role, permission, allowed }) => {
    const a = actor([role]);
    expect(can(a, permission)).toBe(allowed);
    expect(can(a, permission, { organisationId: ORG })).toBe(allowed);
    if (allowed) {
      expect(() => assertCan(a, permission)).not.toThrow();
    } else {
      expect(() => assertCan(a, permission)).toThrow(ForbiddenError);
    }
  });

  it.each(ROLES)("permissionsOf(%s) lists exactly the granted permissions", (role) => {
    const granted = PERMISSIONS.filter((permission) => EXPECTED[role][permission]);
    expect(permissionsOf(actor([role]))).toEqual(granted);
  });

  it("a person with several roles holds the union of their permissions", () => {
    expect(can(actor(["observer", "admin"]), "users:manage")).toBe(true);
    expect(permissionsOf(actor(["member", "chief"]))).toEqual(
      PERMISSIONS.filter((p) => EXPECTED.member[p] || EXPECTED.chief[p]),
    );
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
    },
  );

  it("assertCan answers NotFoundError, not ForbiddenError, for another organisation", () => {
    for (const role of ROLES) {
      for (const permission of PERMISSIONS) {
        let thrown: unknown;
        try {
          assertCan(actor([role]), permission, { organisationId: OTHER_ORG });
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
