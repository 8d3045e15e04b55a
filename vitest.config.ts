import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

/**
 * One vitest run, five projects that follow the runtime they test:
 * - host: pure host modules, no processes;
 * - extension: extension modules with WXT's fake browser and a DOM;
 * - integration: the built host spawned as a browser spawns it, with the fake cloudflared;
 * - e2e: Debian's Chromium with the built extension and host;
 * - e2e-firefox: Debian's Firefox ESR with the built Firefox extension and host.
 * One browser at a time on a 2-core machine: e2e-firefox is group 1, after the unit and integration
 * projects (group 0); e2e, without file parallelism, runs in vitest's final sequential group.
 * `npm test` builds first, so integration and e2e always run against fresh builds.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'host',
          environment: 'node',
          include: [
            'native-host/src/**/__tests__/**/*.test.ts',
            'installers/**/__tests__/**/*.test.ts',
            'scripts/**/__tests__/**/*.test.ts',
          ],
        },
      },
      {
        plugins: [WxtVitest()],
        test: {
          name: 'extension',
          environment: 'happy-dom',
          include: ['extension/**/__tests__/**/*.test.{ts,tsx}'],
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          globalSetup: ['native-host/test/global-setup.ts'],
          include: ['native-host/test/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          globalSetup: ['native-host/test/global-setup.ts'],
          include: ['extension/test/e2e/**/*.test.ts'],
          exclude: ['extension/test/e2e/firefox/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium at a time on a 2-core machine.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e-firefox',
          environment: 'node',
          globalSetup: ['native-host/test/global-setup.ts'],
          include: ['extension/test/e2e/firefox/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
