// /-/healthy, /-/ready, /-/reload, /-/quit and /metrics.

import type { MetricsRegistry } from '../model/metrics-registry.js';
import { ApiError } from './api-error.js';
import { textResponse } from './http-exchange.js';
import type { WebApp } from './web-app.js';

export interface ManagementDeps {
  readonly registry: MetricsRegistry;
  readonly isReady: () => boolean;
  readonly enableLifecycle: boolean;
  /** Reloads the configuration; rejects with the reason it failed. */
  readonly reload: () => Promise<void>;
  /** Asks the server to shut down. */
  readonly quit: () => void;
}

export function registerManagementHandlers(app: WebApp, deps: ManagementDeps): void {
  app.route('GET', '/-/healthy', () => textResponse(200, 'Vigil Server is Healthy.\n'));
  app.route('GET', '/-/ready', () =>
    deps.isReady() ? textResponse(200, 'Vigil Server is Ready.\n') : textResponse(503, 'Service Unavailable'),
  );
  app.route(['POST', 'PUT'], '/-/reload', async () => {
    if (!deps.enableLifecycle) return textResponse(403, 'Lifecycle API is not enabled.');
    try {
      await deps.reload();
    } catch (err) {
      throw new ApiError('internal', `failed to reload config: ${err instanceof Error ? err.message : String(err)}`);
    }
    return textResponse(200, '');
  });
  app.route(['POST', 'PUT'], '/-/quit', () => {
    if (!deps.enableLifecycle) return textResponse(403, 'Lifecycle API is not enabled.');
    setImmediate(deps.quit);
    return textResponse(200, 'Requesting termination... Goodbye!');
  });
  app.route('GET', '/metrics', () => textResponse(200, deps.registry.expose(), 'text/plain; version=0.0.4; charset=utf-8'));
}
