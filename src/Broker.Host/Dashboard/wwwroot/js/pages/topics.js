// GET /api/v5/topics: the routes, each topic filter and the node that has subscribers to it.
import { listPage } from '../components.js';

export function renderTopics(container, ctx) {
  listPage(ctx, container, {
    title: 'Topics',
    path: '/topics',
    filters: [{ name: 'topic', label: 'Topic' }],
    rowTestId: 'topic-row',
    rowKey: (t) => `${t.topic} ${t.node}`,
    empty: 'No route: nobody is subscribed.',
    columns: [
      { label: 'Topic', value: (t) => t.topic },
      { label: 'Node', value: (t) => t.node ?? t.session },
    ],
  });
}
