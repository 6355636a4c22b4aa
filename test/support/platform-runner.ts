// What tests use from scripts/, in one place: the service table and the platform runner (started in a child process,
// since Jest cannot load the runner's ES modules).
export { startPlatform, ROOT, type PlatformOptions, type PlatformProcess, type RunningService } from '../../scripts/platform/process.cjs';
export { SERVICES, BACKEND_SERVICES, GATEWAY_PORT, SERVICE_DOCKERFILE, serviceNamed, localPortOf, imageOf, type ServiceDefinition, type ServiceName } from '../../scripts/services.cjs';
