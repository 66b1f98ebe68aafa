// The shared configuration lives in .config/ (as in the @grafana/create-plugin layout).
module.exports = {
  ...require("./.config/jest.config"),
  // On a loaded two-core machine Grafana's components render slowly; five seconds is not enough.
  testTimeout: 30_000,
};
