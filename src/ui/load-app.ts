/** The ready app's views, a chunk of their own: main.tsx fetches it while the node starts, Root renders it. */
export const loadApp = () => import('./App.tsx');
