import { PrismaService } from '@statemesh/database';
import { authLogin, authSignup } from '@statemesh/sdk';
import { newCredentials, send, type ApiHarness, type SdkClient } from './api-harness';

export interface SignedUpUser {
  email: string;
  password: string;
  userId: string;
  accountId: string;
  accessToken: string;
  /** An SDK client signed in as this user. */
  client: SdkClient;
}

/** A new user with their own account, signed in. */
export async function signupUser(api: ApiHarness): Promise<SignedUpUser> {
  const credentials = newCredentials();
  const { status, data, error } = await send(authSignup({ client: api.client(), body: credentials }));
  if (status !== 201 || !data) throw new Error(`signup failed: ${status} ${JSON.stringify(error)}`);
  return {
    ...credentials,
    userId: data.user.id,
    accountId: data.account!.id,
    accessToken: data.accessToken,
    client: api.client(data.accessToken),
  };
}

/**
 * A new platform admin: signs up, is made admin directly in the database (no
 * route grants it), then signs in again — the access token carries the
 * admin claim only from that login on.
 */
export async function signupAdmin(api: ApiHarness): Promise<SignedUpUser> {
  const user = await signupUser(api);
  await api.app.get(PrismaService).$executeRaw`UPDATE users SET "platformAdmin" = true WHERE id = ${user.userId}`;
  const { status, data } = await send(authLogin({ client: api.client(), body: { email: user.email, password: user.password } }));
  if (status !== 200 || !data) throw new Error(`admin login failed: ${status}`);
  return { ...user, accessToken: data.accessToken, client: api.client(data.accessToken) };
}
