import type { ChannelView, ConnectChannelBody } from '@parley/common';
import { http } from '../../app/http';

export const channelsApi = {
  list: () => http.get<ChannelView[]>('/api/channels'),
  connect: (body: ConnectChannelBody) => http.post<ChannelView>('/api/channels', body),
  disconnect: (phoneNumberId: string) => http.delete(`/api/channels/${phoneNumberId}`),
};
