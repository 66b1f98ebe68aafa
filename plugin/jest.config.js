// The shared configuration lives in .config/ (as in the @grafana/create-plugin layout).
module.exports = require("./.config/jest.config");
