/**
 * The scheduled container (Dockerfile) and its Azure Container Apps job
 * (deploy/azure/container-job.json), checked by parsing: NOT BUILT AND NOT DEPLOYED HERE (no
 * Docker daemon, no container registry, no Azure subscription on the development machine).
 * What can be checked is that they say what the README says: a small non-root Node 20 image
 * running `wrapped run`; an hourly job, one replica, a managed identity with exactly the two
 * roles it needs, and secrets only as Key Vault references.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SETTINGS } from '../../src/config/settings.js';
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
      secrets: Array<{ name: string; keyVaultUrl?: string; value?: string; identity?: string }>;
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

  it('a managed identity with Storage Blob Data Contributor on the lake and Key Vault Secrets User on the vault, nothing more', () => {
    assert.equal(job.identity?.type, 'UserAssigned');
    const roles = template.resources
      .filter((r) => r.type === 'Microsoft.Authorization/roleAssignments')
      .map((r) => ({
        scope: r.scope?.split('/')[0]?.replace("[format('", ''),
        role: r.properties.roleDefinitionId,
      }));
    assert.deepEqual(roles, [
      {
        scope: 'Microsoft.Storage',
        role: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('storageBlobDataContributor'))]",
      },
      {
        scope: 'Microsoft.KeyVault',
        role: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('keyVaultSecretsUser'))]",
      },
    ]);
    const variables = (template as unknown as { variables: Record<string, string> }).variables;
    assert.equal(variables.storageBlobDataContributor, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe');
    assert.equal(variables.keyVaultSecretsUser, '4633458b-17de-408a-b874-0445c86b69e6');
  });

  it("every variable it sets is a wrapped setting (or the identity's), and every secret comes from Key Vault", () => {
    const known = new Set(SETTINGS.map((s) => s.env));
    const secretSettings = new Set(SETTINGS.filter((s) => s.secret).map((s) => s.env));
    for (const variable of container?.env ?? []) {
      assert.ok(known.has(variable.name) || variable.name === 'AZURE_CLIENT_ID', variable.name);
      if (secretSettings.has(variable.name))
        assert.ok(variable.secretRef && !variable.value, `${variable.name} is a secret reference`);
    }
    assert.ok(container?.env.some((e) => e.name === 'WRAPPED_STATE_KEY' && e.secretRef));
    for (const secret of job.properties.configuration?.secrets ?? []) {
      assert.equal(secret.value, undefined, `${secret.name} has no value in the template`);
      assert.match(secret.keyVaultUrl ?? '', /\/secrets\//);
      assert.ok(secret.identity, `${secret.name} is read with the job's identity`);
    }
    assert.match(
      container?.env.find((e) => e.name === 'WRAPPED_LAKE')?.value ?? '',
      /abfss:\/\/\{0\}@\{1\}\.dfs\.core\.windows\.net\/\{2\}/,
    );
  });
});
