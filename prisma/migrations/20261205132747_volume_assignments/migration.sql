-- AlterTable
ALTER TABLE "assignments" ADD COLUMN     "volumeId" TEXT,
ALTER COLUMN "vmId" DROP NOT NULL;
