export { ChannelsService, DEFAULT_GRAPH_BASE_URL, type OpenChannel } from './channels.service.js';
export { channelsRoutes } from './channels.routes.js';
