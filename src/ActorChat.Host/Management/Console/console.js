// The operator console: asks this node for the cluster's figures every 1.5 s, after the previous answer.
import { renderFailure, renderStats } from './view.js';

const EVERY_MS = 1500;
const TIMEOUT_MS = 10000;
let lastUpdate = null;

async function refresh() {
  try {
    if (!document.hidden) {
      const response = await fetch('/console/stats', { cache: 'no-store', signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok) {
        throw new Error(`it answered ${response.status}`);
      }
      const stats = await response.json();
      lastUpdate = new Date();
      renderStats(stats, lastUpdate);
    }
  } catch (error) {
    renderFailure(error, lastUpdate);
  } finally {
    setTimeout(refresh, EVERY_MS);
  }
}

refresh();
