import { type AzureLakeOptions, createLake as createAzureLake } from '../drivers/azure.js';

/** Opens an Azure lake in a child process (contract suite crash test). */
export function createLake(options: AzureLakeOptions) {
  return createAzureLake(options);
}
