export { FsLake } from './drivers/fs.js';
export type { Lake, LakeBody, LakeEntry, PutOptions, Versioned } from './lake.js';
export { LAYERS, type Layer, layout, utcPartition } from './layout.js';
export {
  type LedgerEntry,
  type LedgerFile,
  type LoadKind,
  LoadLedger,
  type LoadStatus,
} from './ledger.js';
export { isLoadId, loadIdTime, newLoadId } from './load-id.js';
export { openLake } from './open.js';
export { checkLakePath } from './paths.js';
