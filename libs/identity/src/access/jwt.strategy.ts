import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { AppConfig } from '@statemesh/config';
import { createSecretKey } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { UserPrincipal } from './principal';

export const JWT_ISSUER = 'statemesh';
export const ACCESS_TOKEN_AUDIENCE = 'statemesh-api';

export interface AccessTokenClaims {
  sub: string;
  adm: boolean;
  fam: string;
}

/** Verifies access JWTs (HS256, issuer and audience pinned) into a user principal. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A key object built once: given the secret as a string, jsonwebtoken would first try
      // (and fail) to parse it as a public key, then build a secret key, on every request.
      // jsonwebtoken takes key objects; passport-jwt's types predate them.
      secretOrKey: createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8')) as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  validate(claims: AccessTokenClaims): UserPrincipal {
    return { kind: 'user', key: `user:${claims.sub}`, userId: claims.sub, platformAdmin: claims.adm === true };
  }
}
