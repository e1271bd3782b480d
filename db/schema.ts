import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** Timestamps come back as Date and may be written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json = ColumnType<unknown, string, string>;

export const ROLES = ["admin", "member", "editor", "chief", "observer"] as const;
export type Role = (typeof ROLES)[number];

export const LOCALES = ["sv", "en"] as const;
export type Locale = (typeof LOCALES)[number];

export interface OrganisationsTable {
  id: Generated<string>;
  name: string;
  slug: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  locale: ColumnType<Locale, Locale | undefined, Locale>;
  created_at: CreatedAt;
}

export interface MembershipsTable {
  user_id: string;
  organisation_id: string;
  roles: ColumnType<Role[], Role[], Role[]>;
  deactivated_at: Timestamp | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
}

export interface DepartmentsTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  archived_at: Timestamp | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
}

export interface UserDepartmentsTable {
  user_id: string;
  department_id: string;
  organisation_id: string;
}

export interface StrategiesTable {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  valid_from: number;
  valid_to: number;
  is_active: ColumnType<boolean, boolean | undefined, boolean>;
  version: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
}

export interface GoalsTable {
  id: Generated<string>;
  organisation_id: string;
  strategy_id: string;
  position: number;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
}

export interface SessionsTable {
  /** HMAC of the cookie's random token; the token itself is never stored. */
  id: string;
  user_id: string;
  organisation_id: string;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface LoginAttemptsTable {
  id: Generated<string>;
  email: string;
  ip: string;
  succeeded: boolean;
  created_at: CreatedAt;
}

export interface AuditEventsTable {
  id: Generated<string>;
  organisation_id: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Json | null;
  after: Json | null;
  created_at: CreatedAt;
}

export interface Database {
  organisations: OrganisationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  departments: DepartmentsTable;
  user_departments: UserDepartmentsTable;
  strategies: StrategiesTable;
  goals: GoalsTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  audit_events: AuditEventsTable;
}

export type Organisation = Selectable<OrganisationsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Department = Selectable<DepartmentsTable>;
export type Strategy = Selectable<StrategiesTable>;
export type StrategyUpdate = Updateable<StrategiesTable>;
export type Goal = Selectable<GoalsTable>;
