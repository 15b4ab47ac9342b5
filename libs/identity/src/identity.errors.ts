import { defineErrors } from '@statemesh/common';

export const IdentityErrors = defineErrors({
  'auth.email_taken': { status: 409, title: 'Email already registered' },
  'auth.invalid_credentials': { status: 401, title: 'Invalid email or password' },
  'auth.invalid_refresh_token': { status: 401, title: 'Invalid refresh token' },
  'auth.refresh_token_reused': { status: 401, title: 'Refresh token reused; session revoked' },
  'auth.user_session_required': { status: 403, title: 'A user session is required' },
  'auth.platform_admin_required': { status: 403, title: 'Platform admin required' },
  'auth.insufficient_role': { status: 403, title: 'Insufficient role' },
  'auth.insufficient_scope': { status: 403, title: 'Insufficient token scope' },
  'member.user_not_found': { status: 422, title: 'No user with that email' },
  'member.already_member': { status: 409, title: 'Already a member' },
  'member.last_owner': { status: 409, title: 'An account needs an owner' },
  'member.owner_required': { status: 403, title: 'Only owners can grant or change ownership' },
  'token.scope_not_held': { status: 422, title: 'Scope not held by the creating token' },
  'token.invalid_expiry': { status: 422, title: 'Invalid token expiry' },
});
