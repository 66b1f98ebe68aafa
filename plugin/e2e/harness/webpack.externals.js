// Bundles the harness page's script: the real packages Grafana shares with plugins, in one file.
const path = require("node:path");

module.exports = {
  mode: "development",
  devtool: false,
  entry: path.resolve(__dirname, "externals.tsx"),
  output: { path: path.resolve(__dirname, "dist"), filename: "externals.js", publicPath: "/harness/" },
  resolve: { extensions: [".ts", ".tsx", ".js", ".mjs"] },
  module: {
    rules: [
      {
        test: /\.[tj]sx?$/,
        exclude: /node_modules/,
        use: {
          loader: "swc-loader",
          options: { jsc: { parser: { syntax: "typescript", tsx: true }, transform: { react: { runtime: "classic" } } } },
        },
      },
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      { test: /\.css$/, type: "asset/source" },
      { test: /\.(svg|png|woff2?|ttf|eot)$/, type: "asset/inline" },
    ],
  },
  performance: { hints: false },
  ignoreWarnings: [/Critical dependency/],
};
