import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@statemesh/config';
import { DomainError, newId } from '@statemesh/common';
import { TransactionRunner, isUniqueViolation, type Account, type Db, type User } from '@statemesh/database';
import { ACCESS_TOKEN_AUDIENCE, JWT_ISSUER, type AccessTokenClaims } from '../access/jwt.strategy';
import { AccountProvisioner } from '../accounts/account-provisioner';
import { IdentityErrors } from '../identity.errors';
import { PasswordHasher } from '../passwords/password-hasher';
import { REFRESH_TOKEN_PREFIX, generateSecret, hashSecret } from '../tokens/token-secrets';
import { UserRepository } from '../users/user.repository';
import type { AuthResultDto } from './dto/auth.dto';
import { RefreshTokenRepository } from './refresh-token.repository';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly provisioner: AccountProvisioner,
    private readonly transactions: TransactionRunner,
    private readonly passwords: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  /** Creates the user and their first account (they own it), then signs them in. */
  async signup(input: { email: string; password: string; accountName?: string }): Promise<AuthResultDto> {
    const passwordHash = await this.passwords.hash(input.password);
    let created: { user: User; account: Account };
    try {
      created = await this.transactions.run(async (tx) => {
        const user = await this.users.create({ id: newId(), email: input.email, passwordHash }, tx);
        const account = await this.provisioner.provision(tx, {
          name: input.accountName ?? input.email.split('@')[0],
          ownerUserId: user.id,
        });
        return { user, account };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(IdentityErrors['auth.email_taken'], 'A user with this email already exists; sign in instead.');
      }
      throw error;
    }
    const session = await this.startSession(created.user, newId());
    return { ...session, account: { id: created.account.id, name: created.account.name } };
  }

  async login(input: { email: string; password: string }): Promise<AuthResultDto> {
    const user = await this.users.findByEmail(input.email);
    const valid = await this.passwords.verify(user?.passwordHash, input.password);
    if (!user || !valid) throw new DomainError(IdentityErrors['auth.invalid_credentials'], 'The email or password is wrong.');
    return this.startSession(user, newId());
  }

  /**
   * Exchanges a refresh token for a new pair. Each refresh token works once;
   * presenting one that was already used means it leaked, so the whole
   * session (every token of its family) is revoked. The session's tokens are
   * locked for the exchange, so concurrent refreshes and logouts serialise.
   */
  async refresh(refreshToken: string): Promise<AuthResultDto> {
    const now = new Date();
    const hash = hashSecret(refreshToken);
    const presented = await this.refreshTokens.findByHash(hash);
    if (!presented || presented.revokedAt || presented.expiresAt <= now) {
      throw new DomainError(IdentityErrors['auth.invalid_refresh_token'], 'The refresh token is invalid, expired or revoked; sign in again.');
    }
    const user = await this.users.findById(presented.userId);
    if (!user) throw new DomainError(IdentityErrors['auth.invalid_refresh_token'], 'The user no longer exists.');
    const outcome = await this.transactions.run(async (tx) => {
      await this.refreshTokens.lockFamily(presented.familyId, tx);
      const current = await this.refreshTokens.findByHash(hash, tx);
      if (!current || current.revokedAt) return { kind: 'revoked' as const };
      if (current.rotatedAt) {
        await this.refreshTokens.revokeFamily(current.familyId, now, tx);
        return { kind: 'reused' as const };
      }
      await this.refreshTokens.markRotated(current.id, now, tx);
      return { kind: 'rotated' as const, session: await this.startSession(user, current.familyId, tx) };
    });
    switch (outcome.kind) {
      case 'rotated':
        return outcome.session;
      case 'revoked':
        throw new DomainError(IdentityErrors['auth.invalid_refresh_token'], 'The refresh token is invalid, expired or revoked; sign in again.');
      case 'reused':
        throw new DomainError(
          IdentityErrors['auth.refresh_token_reused'],
          'This refresh token was already used; the session has been revoked. Sign in again.',
        );
    }
  }

  /** Ends the session the refresh token belongs to. Unknown tokens are ignored (logout is idempotent). */
  async logout(refreshToken: string): Promise<void> {
    const stored = await this.refreshTokens.findByHash(hashSecret(refreshToken));
    if (!stored) return;
    await this.transactions.run(async (tx) => {
      await this.refreshTokens.lockFamily(stored.familyId, tx);
      await this.refreshTokens.revokeFamily(stored.familyId, new Date(), tx);
    });
  }

  private async startSession(user: User, familyId: string, db?: Db): Promise<AuthResultDto> {
    const refreshToken = generateSecret(REFRESH_TOKEN_PREFIX);
    await this.refreshTokens.create(
      {
        id: newId(),
        familyId,
        userId: user.id,
        tokenHash: hashSecret(refreshToken),
        expiresAt: new Date(Date.now() + this.config.auth.refreshTokenTtlSeconds * 1000),
      },
      db,
    );
    const claims: AccessTokenClaims = { sub: user.id, adm: user.platformAdmin, fam: familyId };
    const accessToken = await this.jwt.signAsync(claims, {
      secret: this.config.auth.jwtSecret,
      algorithm: 'HS256',
      issuer: JWT_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      expiresIn: this.config.auth.accessTokenTtlSeconds,
      jwtid: newId(),
    });
    return {
      accessToken,
      refreshToken,
      expiresIn: this.config.auth.accessTokenTtlSeconds,
      user: { id: user.id, email: user.email },
    };
  }
}
