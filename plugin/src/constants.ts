import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;

/** Where Grafana's plugin proxy serves this app's routes (see `routes` in plugin.json). */
export const PROXY_BASE = `api/plugin-proxy/${PLUGIN_ID}`;

/** Host slots besides the app's own daemon, each with its own proxy routes in plugin.json. */
export const MAX_HOST_SLOTS = 8;
