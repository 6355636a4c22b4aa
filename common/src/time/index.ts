// Also importable alone as `@ticketing/common/time` (no server dependencies), e.g. by the client's pages.
export * from './local-time';
