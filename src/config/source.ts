/** Where a setting's value came from, so an error can point the user at the right place. */
export type SettingSource =
  | { kind: 'flag'; flag: string }
  | { kind: 'env'; variable: string }
  | { kind: 'dotenv'; variable: string; file: string }
  | { kind: 'config-file'; key: string; file: string }
  | { kind: 'key-vault'; vault: string; secret: string }
  | { kind: 'default' };

export function describeSource(source: SettingSource): string {
  switch (source.kind) {
    case 'flag':
      return `flag ${source.flag}`;
    case 'env':
      return `environment variable ${source.variable}`;
    case 'dotenv':
      return `${source.variable} in ${source.file}`;
    case 'config-file':
      return `"${source.key}" in ${source.file}`;
    case 'key-vault':
      return `Key Vault secret "${source.secret}" in ${source.vault}`;
    case 'default':
      return 'default';
  }
}
