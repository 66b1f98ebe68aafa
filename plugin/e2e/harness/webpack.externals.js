// Bundles the harness page's script: the real packages Grafana shares with plugins, in one file.
const path = require("node:path");
const swcRule = require("../../.config/webpack/swcRule");

module.exports = {
  mode: "development",
  devtool: false,
  entry: path.resolve(__dirname, "externals.tsx"),
  output: { path: path.resolve(__dirname, "dist"), filename: "externals.js", publicPath: "/harness/" },
  resolve: { extensions: [".ts", ".tsx", ".js", ".mjs"] },
  module: {
    rules: [
      swcRule,
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      { test: /\.css$/, type: "asset/source" },
      { test: /\.(svg|png|woff2?|ttf|eot)$/, type: "asset/inline" },
    ],
  },
  performance: { hints: false },
  ignoreWarnings: [/Critical dependency/],
};
