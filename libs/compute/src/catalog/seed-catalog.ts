import { AdvisoryLocks, type Db, type PrismaService } from '@statemesh/database';
import { CatalogRepository } from './catalog.repository';
import { standardInstanceTypes } from './instance-types';
import { STANDARD_IMAGES, STANDARD_ZONES } from './standard-catalog';

/**
 * Creates the standard zones, images and instance types that do not exist
 * yet; entries an admin changed or added are left as they are. Safe to run at
 * every deployment and concurrently. For `prisma/seed.ts`:
 *
 *     await seedCatalog(prisma);
 */
export async function seedCatalog(db: Db): Promise<{ created: number }> {
  const repository = new CatalogRepository(db as PrismaService, new AdvisoryLocks());
  const created = await repository.createMissing(
    {
      zones: STANDARD_ZONES.map((zone) => ({ ...zone, enabled: true })),
      images: STANDARD_IMAGES.map((image) => ({ ...image, enabled: true })),
      instanceTypes: standardInstanceTypes().map((type) => ({ ...type, gpuModel: null, gpuCount: 0, enabled: true })),
    },
    db,
  );
  return { created };
}
