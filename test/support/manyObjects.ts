// The bucket of very many objects lives in bench/manyObjects.ts: the listing benchmark (`npm run
// bench -- --list`) lists the same bucket the end-to-end tests browse.
export { ensureManyObjects, manyBucketName, manyKey, MANY_PREFIX } from '../../bench/manyObjects.js';
