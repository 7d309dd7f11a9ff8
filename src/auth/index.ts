// Registry credentials from the Docker CLI configuration, and how calls send them.
export type { RegistryAuthConfig } from './auth-config.js';
export { DOCKER_HUB_KEY, registryKeyFor, registryHostname } from './registry-key.js';
export { resolveRegistryAuth, registryAuthFor, allRegistryAuths, type RegistryAuthOptions } from './resolve-auth.js';
export { transferCredentials, buildRegistryConfig, type ExplicitRegistryAuth } from './request-auth.js';
