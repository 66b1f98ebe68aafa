// Builds the app (module.js) and the nested panel (panel/module.js) as AMD modules, the form
// Grafana loads plugins in, with the packages Grafana itself provides left as externals.
const path = require("node:path");
const CopyWebpackPlugin = require("copy-webpack-plugin");
const swcRule = require("./swcRule");
const { version } = require("../../package.json");

const root = path.resolve(__dirname, "../..");
const pluginId = require("../../src/plugin.json").id;

/** Packages Grafana hands to plugins at run time; bundling them would break the page. */
const EXTERNALS = [
  "react",
  "react-dom",
  "@grafana/data",
  "@grafana/ui",
  "@grafana/runtime",
  "@grafana/schema",
  "@emotion/css",
  "@emotion/react",
  "rxjs",
  "rxjs/operators",
  "lodash",
];

const stamp = (content) =>
  content.toString().replaceAll("%VERSION%", version).replaceAll("%TODAY%", new Date().toISOString().slice(0, 10));

module.exports = (env) => ({
  mode: env.production ? "production" : "development",
  devtool: env.production ? "source-map" : "eval-source-map",
  context: root,
  entry: {
    module: "./src/module.tsx",
    "panel/module": "./src/panel/module.tsx",
  },
  externals: EXTERNALS,
  output: {
    clean: true,
    path: path.resolve(root, "dist"),
    filename: "[name].js",
    library: { type: "amd" },
    publicPath: `public/plugins/${pluginId}/`,
    uniqueName: pluginId,
  },
  resolve: { extensions: [".ts", ".tsx", ".js"] },
  module: {
    rules: [swcRule],
  },
  plugins: [
    new CopyWebpackPlugin({
      patterns: [
        { from: "src/plugin.json", to: ".", transform: stamp },
        { from: "src/panel/plugin.json", to: "panel", transform: stamp },
        { from: "src/img", to: "img" },
        { from: "src/panel/img", to: "panel/img" },
        { from: "README.md", to: ".", noErrorOnMissing: true },
      ],
    }),
  ],
  performance: { hints: false },
});
