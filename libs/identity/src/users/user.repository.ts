import { Injectable } from '@nestjs/common';
import { PrismaService, type Db, type User } from '@statemesh/database';

@Injectable()
export class UserRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { id: string; email: string; passwordHash: string; platformAdmin?: boolean }, db: Db = this.prisma): Promise<User> {
    return db.user.create({ data });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { email } });
  }

  findById(id: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  async makePlatformAdmin(id: string, passwordHash: string): Promise<void> {
    await this.prisma.user.update({ where: { id }, data: { platformAdmin: true, passwordHash } });
  }
}
