export const MEMBERSHIP_ROLES = ['viewer', 'member', 'admin', 'owner'] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

const RANK: Record<MembershipRole, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: MembershipRole, required: MembershipRole): boolean {
  return RANK[role] >= RANK[required];
}

/** Scopes an API token can carry (DESIGN.md §2). User sessions are limited by role only. */
export const API_TOKEN_SCOPES = [
  'vms:read',
  'vms:write',
  'volumes:read',
  'volumes:write',
  'secrets:write',
  'wallet:read',
  'nodes:read',
  'nodes:write',
  'tokens:write',
] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];
