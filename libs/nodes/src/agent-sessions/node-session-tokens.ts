import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '@statemesh/config';
import { newId } from '@statemesh/common';

/** Same issuer and key as user access tokens, but an audience no user route accepts (and vice versa). */
export const NODE_TOKEN_ISSUER = 'statemesh';
export const NODE_TOKEN_AUDIENCE = 'statemesh-agent';

interface NodeTokenClaims {
  sub: string;
}

/** Short-lived bearer tokens of node sessions (JWT, HS256). */
@Injectable()
export class NodeSessionTokens {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.nodes.tokenTtlSeconds;
  }

  issue(nodeId: string): Promise<string> {
    const claims: NodeTokenClaims = { sub: nodeId };
    return this.jwt.signAsync(claims, {
      secret: this.config.auth.jwtSecret,
      algorithm: 'HS256',
      issuer: NODE_TOKEN_ISSUER,
      audience: NODE_TOKEN_AUDIENCE,
      expiresIn: this.ttlSeconds,
      jwtid: newId(),
    });
  }

  /** The node id of a valid, unexpired node token; null for anything else (user tokens included). */
  async verify(token: string): Promise<string | null> {
    try {
      const claims = await this.jwt.verifyAsync<NodeTokenClaims>(token, {
        secret: this.config.auth.jwtSecret,
        algorithms: ['HS256'],
        issuer: NODE_TOKEN_ISSUER,
        audience: NODE_TOKEN_AUDIENCE,
      });
      return typeof claims.sub === 'string' && claims.sub.length > 0 ? claims.sub : null;
    } catch {
      return null;
    }
  }
}
