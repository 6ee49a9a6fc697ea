-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "rotatedAt" TIMESTAMP(3),
ADD COLUMN     "rotatedFromId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Session_rotatedFromId_key" ON "Session"("rotatedFromId");
