import path from 'node:path';

/** The tsconfig that lets tsx run a service's src/index.ts with @ticketing/common taken from common/src. */
export const RUN_FROM_SOURCE_TSCONFIG = path.join(__dirname, '../../../tsconfig.run-from-source.json');
