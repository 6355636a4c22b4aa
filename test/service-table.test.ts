/**
 * Code that cannot read the service table (scripts/services.cjs) agrees with it: the Next.js client's fallback
 * service URLs, used when neither a service's own variable nor API_INTERNAL_URL is set. (Each service's config
 * default port, its image and its Kubernetes objects are held to the table by manifests.test.ts and images.test.ts.)
 */
import { serviceBaseUrl, type ServiceName } from '../client/lib/service-urls';
import { BACKEND_SERVICES } from './support/platform-runner';

test.each(BACKEND_SERVICES.filter((s) => s.routes))("the client's server side reaches $name on the table's port by default", ({ name, port }) => {
  expect(serviceBaseUrl(name as ServiceName, {})).toBe(`http://127.0.0.1:${port}`);
});
