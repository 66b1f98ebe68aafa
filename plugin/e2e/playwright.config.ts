import { defineConfig } from '@playwright/test';

/** End-to-end tests in Debian's Chromium, against the real daemon, the real engine and a Grafana stand-in. */
export default defineConfig({
  testDir: './tests',
  timeout: 90_000,
  workers: 1,
  reporter: [['list']],
  outputDir: './artifacts/results',
  globalSetup: './globalSetup.ts',
  use: {
    headless: true,
    viewport: { width: 1400, height: 1000 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});
