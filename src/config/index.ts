export {
  type Config,
  type DescribedSetting,
  type FlagValues,
  loadConfig,
  REDACTED,
} from './load.js';
export { defaultHome, SETTINGS, type Settings } from './settings.js';
export { describeSource, type SettingSource } from './source.js';
export type { LakeLocation } from './validators.js';
