/**
 * The scheduled container (Dockerfile) and its Azure Container Apps job
 * (deploy/azure/container-job.json), checked by parsing: NOT BUILT AND NOT DEPLOYED HERE (no
 * Docker daemon, no container registry, no Azure subscription on the development machine).
 * What can be checked is that they say what the README says: a small non-root Node 20 image
 * running `wrapped run`; an hourly job, one replica, a managed identity with exactly the roles
 * it needs, and no secret in the template: the product reads them from Key Vault itself.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SETTINGS } from '../../src/config/settings.js';
import { VAULT_SECRETS } from '../../src/secrets/key-vault.js';
import { REPO } from '../support/helpers.js';

interface Env {
  name: string;
  value?: string;
  secretRef?: string;
}
interface Resource {
  type: string;
  scope?: string;
  identity?: { type: string };
  properties: {
    roleDefinitionId?: string;
    configuration?: {
      triggerType: string;
      replicaRetryLimit: number;
      scheduleTriggerConfig: { cronExpression: string; parallelism: number };
      secrets?: unknown;
    };
    template?: { containers: Array<{ image: string; args: string[]; env: Env[] }> };
  };
}

describe('the container job (parsed; not built or deployed here)', () => {
  const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
  const ignored = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n');
  const template = JSON.parse(
    readFileSync(join(REPO, 'deploy', 'azure', 'container-job.json'), 'utf8'),
  ) as { parameters: Record<string, { defaultValue?: string }>; resources: Resource[] };
  const job = template.resources.find((r) => r.type === 'Microsoft.App/jobs') as Resource;
  const container = job.properties.template?.containers[0];

  it('the image: Node 20, built in a stage of its own, runs `wrapped run` as a non-root user', () => {
    const stages = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(stages, ['node:20-bookworm-slim', 'node:20-bookworm-slim']);
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    assert.match(final, /^USER node$/m);
    assert.match(final, /^ENTRYPOINT \["node", "\/app\/bin\/wrapped\.js"\]$/m);
    assert.match(final, /^CMD \["run"\]$/m);
    assert.match(final, /WRAPPED_STATE=lake/);
    assert.doesNotMatch(final, /npm (ci|install)|COPY \. /, 'no build tools in the final image');
    for (const never of ['node_modules', '.env', '.git', 'test'])
      assert.ok(ignored.includes(never), `.dockerignore keeps ${never} out`);
  });

  it('the job: hourly, one replica, no retries of a half-done run', () => {
    const config = job.properties.configuration;
    assert.equal(config?.triggerType, 'Schedule');
    assert.equal(template.parameters.cronExpression?.defaultValue, '0 * * * *');
    assert.equal(config?.scheduleTriggerConfig.cronExpression, "[parameters('cronExpression')]");
    assert.equal(config?.scheduleTriggerConfig.parallelism, 1);
    assert.equal(config?.replicaRetryLimit, 0);
    assert.deepEqual(container?.args, ['run']);
  });

  it('a managed identity with Storage Blob Data Contributor on the lake, Key Vault Secrets User on the vault and Secrets Officer on the login only, nothing more', () => {
    assert.equal(job.identity?.type, 'UserAssigned');
    const roles = template.resources
      .filter((r) => r.type === 'Microsoft.Authorization/roleAssignments')
      .map((r) => ({
        scope: r.scope?.replace("[format('", '').split("'")[0],
        role: r.properties.roleDefinitionId,
      }));
    assert.deepEqual(roles, [
      {
        scope: 'Microsoft.Storage/storageAccounts/{0}',
        role: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('storageBlobDataContributor'))]",
      },
      {
        scope: 'Microsoft.KeyVault/vaults/{0}',
        role: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('keyVaultSecretsUser'))]",
      },
      {
        scope: 'Microsoft.KeyVault/vaults/{0}/secrets/{1}',
        role: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('keyVaultSecretsOfficer'))]",
      },
    ]);
    const variables = (template as unknown as { variables: Record<string, string> }).variables;
    assert.equal(variables.storageBlobDataContributor, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe');
    assert.equal(variables.keyVaultSecretsUser, '4633458b-17de-408a-b874-0445c86b69e6');
    assert.equal(variables.keyVaultSecretsOfficer, 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7');
    // The one secret the job writes is the one the product writes the rotated login to.
    assert.equal(variables.loginSecret, VAULT_SECRETS.login);
  });

  it("every variable it sets is a wrapped setting (or the identity's), none is a secret, and the secrets come from the vault", () => {
    const known = new Set(SETTINGS.map((s) => s.env));
    const secretSettings = new Set(SETTINGS.filter((s) => s.secret).map((s) => s.env));
    for (const variable of container?.env ?? []) {
      assert.ok(known.has(variable.name) || variable.name === 'AZURE_CLIENT_ID', variable.name);
      assert.ok(!secretSettings.has(variable.name), `${variable.name} is not set in the template`);
    }
    assert.equal(job.properties.configuration?.secrets, undefined, 'no Container Apps secrets');
    assert.equal(
      container?.env.find((e) => e.name === 'KEY_VAULT_URL')?.value,
      "[variables('vaultUrl')]",
    );
    assert.match(
      container?.env.find((e) => e.name === 'WRAPPED_LAKE')?.value ?? '',
      /abfss:\/\/\{0\}@\{1\}\.dfs\.core\.windows\.net\/\{2\}/,
    );
  });
});
