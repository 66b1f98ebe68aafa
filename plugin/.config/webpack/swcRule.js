// How TypeScript and JSX are compiled, for the plugin's build and the end-to-end harness alike.
module.exports = {
  test: /\.[tj]sx?$/,
  exclude: /node_modules/,
  use: {
    loader: "swc-loader",
    options: {
      jsc: {
        target: "es2020",
        parser: { syntax: "typescript", tsx: true },
        transform: { react: { runtime: "classic" } },
      },
    },
  },
};
