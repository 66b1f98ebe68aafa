// ESLint for the plugin: Grafana's shared rules for TypeScript and React.
import grafanaConfig from "@grafana/eslint-config";

export default [
  { ignores: ["dist/", "node_modules/", "e2e/harness/dist/", "test-results/", "playwright-report/", "src/api/schema.gen.ts", ".config/"] },
  ...grafanaConfig,
  {
    files: ["**/*.{ts,tsx}"],
    rules: { "react/prop-types": "off" },
  },
];
