import type { MonitoringView } from '@parley/common';
import { http } from '../../app/http';

export const monitoringApi = {
  snapshot: () => http.get<MonitoringView>('/api/monitoring'),
};
