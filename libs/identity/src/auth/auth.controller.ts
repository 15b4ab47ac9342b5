import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@statemesh/http';
import { Public } from '../access/access.decorators';
import { AuthService } from './auth.service';
import { AuthResultDto, LoginDto, RefreshDto, SignupDto } from './dto/auth.dto';

@ApiTags('auth')
@Controller('v1/auth')
@Public()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('signup')
  @ApiOperation({ summary: 'Create a user and their first account (with its wallet), and sign in.' })
  @ApiCreatedResponse({ type: AuthResultDto })
  @ApiProblems(400, 409, 422, 429)
  signup(@Body() body: SignupDto): Promise<AuthResultDto> {
    return this.auth.signup(body);
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in with email and password.' })
  @ApiOkResponse({ type: AuthResultDto })
  @ApiProblems(400, 401, 429)
  login(@Body() body: LoginDto): Promise<AuthResultDto> {
    return this.auth.login(body);
  }

  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Exchange a refresh token for a new token pair (the old refresh token stops working).' })
  @ApiOkResponse({ type: AuthResultDto })
  @ApiProblems(400, 401, 429)
  refresh(@Body() body: RefreshDto): Promise<AuthResultDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke the session of a refresh token.' })
  @ApiNoContentResponse({ description: 'Signed out.' })
  @ApiProblems(400, 429)
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }
}
