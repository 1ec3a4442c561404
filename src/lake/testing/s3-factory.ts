import { createLake as createS3Lake, type S3LakeOptions } from '../drivers/s3.js';

/** Opens an S3 lake in a child process (contract suite crash test). */
export function createLake(options: S3LakeOptions) {
  return createS3Lake(options);
}
