// Jest for the plugin: SWC for TypeScript, a jsdom that keeps Node's fetch (for MSW), and the
// ES-module-only packages Grafana depends on transformed too.
const fs = require("node:fs");
const path = require("node:path");

/** Packages that ship only ES modules: Jest (CommonJS) has to transform them too. */
function esModulePackages(root) {
  const found = [];
  const visit = (dir, prefix) => {
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      if (name.startsWith("@")) {
        visit(path.join(dir, name), `${name}/`);
        continue;
      }
      try {
        const manifest = JSON.parse(fs.readFileSync(path.join(dir, name, "package.json"), "utf8"));
        if (manifest.type === "module") found.push(`${prefix}${name}`.replace(/[.+]/g, "\\$&"));
      } catch {
        // not a package
      }
    }
  };
  visit(path.join(root, "node_modules"), "");
  return found;
}

const esModules = [...esModulePackages(path.resolve(__dirname, "..")), "@grafana/.*", "ol", "d3-.*", "uuid", "marked", "rxjs"];

module.exports = {
  testEnvironment: "jest-fixed-jsdom",
  testEnvironmentOptions: { customExportConditions: [""] },
  setupFilesAfterEnv: ["<rootDir>/.config/jest-setup.js"],
  moduleNameMapper: {
    "\\.(css|scss|sass)$": "identity-obj-proxy",
    "\\.(svg|png|jpg)$": "<rootDir>/.config/jest/file_stub.js",
  },
  testMatch: ["<rootDir>/src/**/*.test.{ts,tsx}", "<rootDir>/e2e/harness/**/*.test.ts"],
  transform: {
    "^.+\\.m?[tj]sx?$": ["@swc/jest", { jsc: { parser: { syntax: "typescript", tsx: true }, transform: { react: { runtime: "classic" } } } }],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esModules.join("|")})/)(?!.*\\.mjs$)`],
};
