// The catalog's second entry point: the search worker thread's code (the API builds it as search-worker.js).
import './lib/search/search-worker';
