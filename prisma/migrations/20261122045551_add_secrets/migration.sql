-- CreateTable
CREATE TABLE "secrets" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "keyId" TEXT NOT NULL,
    "wrappedKey" BYTEA NOT NULL,
    "wrapIv" BYTEA NOT NULL,
    "wrapTag" BYTEA NOT NULL,
    "iv" BYTEA NOT NULL,
    "tag" BYTEA NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "secrets_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "secrets_accountId_id_idx" ON "secrets"("accountId", "id");

-- CreateIndex
CREATE INDEX "secrets_keyId_id_idx" ON "secrets"("keyId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "secrets_accountId_name_key" ON "secrets"("accountId", "name");

-- AddForeignKey
ALTER TABLE "secrets" ADD CONSTRAINT "secrets_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
