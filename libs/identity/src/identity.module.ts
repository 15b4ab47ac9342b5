import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AccessGuard } from './access/access.guard';
import { ApiTokenStrategy } from './access/api-token.strategy';
import { JwtStrategy } from './access/jwt.strategy';
import { AccountProvisioner } from './accounts/account-provisioner';
import { AccountRepository } from './accounts/account.repository';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsService } from './accounts/accounts.service';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { RefreshTokenRepository } from './auth/refresh-token.repository';
import { MembersController } from './members/members.controller';
import { MembersService } from './members/members.service';
import { MembershipRepository } from './members/membership.repository';
import { PasswordHasher } from './passwords/password-hasher';
import { ApiTokenRepository } from './tokens/api-token.repository';
import { TokensController } from './tokens/tokens.controller';
import { TokensService } from './tokens/tokens.service';
import { PlatformAdminBootstrap } from './users/platform-admin.bootstrap';
import { UserRepository } from './users/user.repository';

@Module({
  imports: [PassportModule, JwtModule.register({})],
  controllers: [AuthController, AccountsController, MembersController, TokensController],
  providers: [
    AccessGuard,
    JwtStrategy,
    ApiTokenStrategy,
    AuthService,
    AccountsService,
    MembersService,
    TokensService,
    AccountProvisioner,
    PasswordHasher,
    PlatformAdminBootstrap,
    UserRepository,
    AccountRepository,
    MembershipRepository,
    RefreshTokenRepository,
    ApiTokenRepository,
  ],
  exports: [AccessGuard, AccountProvisioner, PlatformAdminBootstrap, MembershipRepository],
})
export class IdentityModule {}
