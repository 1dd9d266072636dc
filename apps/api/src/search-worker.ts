// Entry of the search worker thread (dist/apps/api/search-worker.js): the catalog's in-process search index runs
// here, beside the request thread (SearchIndexService starts it).
import '@mph/api-catalog/search-worker';
