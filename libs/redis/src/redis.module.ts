import { Global, Module } from '@nestjs/common';
import { RedisService } from './redis.service';
import { SignalBus } from './signal-bus';

@Global()
@Module({ providers: [RedisService, SignalBus], exports: [RedisService, SignalBus] })
export class RedisModule {}
