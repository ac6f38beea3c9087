import { openCliDataSource } from './cli-data-source.js';

/** For the TypeORM CLI (`npm run migration:generate`), which wants a module exporting one. */
export default await openCliDataSource({ initialize: false });
