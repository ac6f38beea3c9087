import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
}

const KUBERNETES = 'deploy/kubernetes';
const read = (path: string) => readFileSync(path, 'utf8');

function manifests(): { file: string; manifest: Manifest }[] {
  return readdirSync(KUBERNETES)
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .flatMap((file) =>
      parseAllDocuments(read(join(KUBERNETES, file))).map((document) => {
        if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]!.message}`);
        return { file, manifest: document.toJSON() as Manifest };
      }),
    );
}

const byKind = (kind: string) =>
  manifests().find(({ manifest }) => manifest.kind === kind)!.manifest;

/** The deploy files, checked as far as this machine can (no Docker engine, no cluster). */
describe('deploy files', () => {
  describe('Kubernetes manifests', () => {
    it('are each valid against the Kubernetes OpenAPI schema of their apiVersion and kind', async () => {
      const all = manifests();
      expect(all.length).toBeGreaterThanOrEqual(8);
      for (const { file, manifest } of all) {
        // kubernetes-models: one class per kind, generated from the Kubernetes OpenAPI document,
        // whose validate() checks the object against that kind's schema.
        const models = (await import(`kubernetes-models/${manifest.apiVersion}`)) as Record<
          string,
          new (data: unknown) => { validate(): void }
        >;
        const Model = models[manifest.kind];
        expect({ file, kind: manifest.kind, known: Model !== undefined }).toMatchObject({
          known: true,
        });
        expect(() => new Model!(manifest).validate()).not.toThrow();
      }
    });

    it('the validator refuses a broken manifest (so the check above can fail)', async () => {
      const { Deployment } = await import('kubernetes-models/apps/v1');
      const broken = structuredClone(byKind('Deployment')) as unknown as {
        spec: { replicas: unknown };
      };
      broken.spec.replicas = 'three';
      expect(() => new Deployment(broken as never).validate()).toThrow(/replicas/);
    });

    it('are the kinds an operator needs, all listed in the kustomization', () => {
      const kinds = manifests().map(({ manifest }) => manifest.kind);
      for (const kind of [
        'Deployment',
        'Service',
        'PodDisruptionBudget',
        'HorizontalPodAutoscaler',
        'Job',
        'Secret',
        'NetworkPolicy',
      ]) {
        expect(kinds).toContain(kind);
      }
      const kustomization = parse(read(join(KUBERNETES, 'kustomization.yaml'))) as {
        resources: string[];
      };
      const files = readdirSync(KUBERNETES).filter(
        (file) => file.endsWith('.yaml') && file !== 'kustomization.yaml',
      );
      expect([...kustomization.resources].sort()).toEqual(files.sort());
    });

    it('the Deployment probes readiness and liveness, pauses before SIGTERM, and leaves migrations to the Job', () => {
      const deployment = byKind('Deployment') as unknown as {
        spec: {
          template: {
            spec: {
              terminationGracePeriodSeconds: number;
              containers: {
                env: { name: string; value?: string }[];
                readinessProbe: { httpGet: { path: string } };
                livenessProbe: { httpGet: { path: string } };
                lifecycle: { preStop: { exec: { command: string[] } } };
              }[];
            };
          };
        };
      };
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers;
      expect(container!.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(container!.livenessProbe.httpGet.path).toBe('/health/live');
      expect(container!.env).toContainEqual({ name: 'DB_MIGRATIONS_RUN', value: 'false' });
      const [sleep, seconds] = container!.lifecycle.preStop.exec.command;
      expect(sleep).toBe('sleep');
      // The pause, then Sentinel's own stop (10 s at most), within the grace period.
      expect(Number(seconds)).toBeGreaterThanOrEqual(10);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(Number(seconds) + 10);
      const job = byKind('Job') as unknown as {
        spec: { template: { spec: { containers: { command: string[] }[] } } };
      };
      expect(job.spec.template.spec.containers[0]!.command).toEqual([
        'node',
        'dist/src/database/migrate.js',
        'run',
      ]);
    });
  });

  describe('Dockerfile', () => {
    const dockerfile = read('deploy/Dockerfile');

    it('is multi-stage, keeps production dependencies only, runs as a non-root user with NODE_ENV=production', () => {
      expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
      expect(dockerfile).toMatch(/npm prune --omit=dev/);
      expect(dockerfile).toMatch(/^USER node$/m);
      expect(dockerfile).toMatch(/^ENV NODE_ENV=production/m);
      expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/health\/live/m);
    });

    it('starts the app with the same command as npm run start:prod', () => {
      const startProd = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
        .scripts['start:prod']!;
      const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
      expect(`NODE_ENV=production ${cmd.join(' ')}`).toBe(startProd);
    });
  });

  describe('compose and nginx', () => {
    it('compose runs PostgreSQL, Redis, three instances and nginx with the cluster test’s template', () => {
      const compose = parse(read('deploy/compose.yaml')) as {
        services: Record<string, { image?: string; volumes?: string[] }>;
      };
      const services = Object.keys(compose.services);
      expect(services).toEqual(
        expect.arrayContaining([
          'postgres',
          'redis',
          'sentinel-1',
          'sentinel-2',
          'sentinel-3',
          'nginx',
        ]),
      );
      expect(compose.services.nginx!.volumes).toContain(
        './nginx/sentinel.conf.template:/etc/nginx/templates/default.conf.template:ro',
      );
    });

    it('the nginx template, filled in as compose fills it, passes nginx -t', () => {
      const dir = mkdtempSync(join(tmpdir(), 'sentinel-nginx-'));
      try {
        chmodSync(dir, 0o755);
        const filled = read('deploy/nginx/sentinel.conf.template')
          .replaceAll(
            '${SENTINEL_UPSTREAMS}',
            'server 127.0.0.1:3001 max_fails=1 fail_timeout=5s; server 127.0.0.1:3002;',
          )
          .replaceAll('${NGINX_PORT}', '127.0.0.1:8080');
        writeFileSync(join(dir, 'sentinel.conf'), filled);
        writeFileSync(
          join(dir, 'nginx.conf'),
          `pid ${dir}/nginx.pid; error_log ${dir}/error.log; events {}
           http { access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir};
                  include ${dir}/sentinel.conf; }`,
        );
        const result = spawnSync('nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], {
          encoding: 'utf8',
          env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` },
        });
        expect({ status: result.status, output: result.stderr }).toMatchObject({ status: 0 });
        expect(result.stderr).toMatch(/test is successful/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
