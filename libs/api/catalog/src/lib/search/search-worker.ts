/**
 * The search worker thread (built as dist/apps/api/search-worker.js): holds the IndexKeeper, so loading a large
 * catalog, searching it and the index's garbage collection run beside the API's request thread, not in it.
 * Messages in: touch, search {id, query}, status {id}, ready {id}, stop. Out: result {id, result}, status {id, status},
 * ready {id, ok}, swapped (a new index is in service), log.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ClientConfig } from 'pg';
import { IndexKeeper } from './index-keeper';
import type { WorkerReply, WorkerRequest } from './search-worker.protocol';

const port = parentPort;
if (port) {
  const send = (m: WorkerReply) => port.postMessage(m);
  const keeper = new IndexKeeper(
    (workerData as { connection: ClientConfig }).connection,
    (level, message) => send({ type: 'log', level, message }),
    () => send({ type: 'swapped' }),
  );
  keeper.start();
  port.on('message', (m: WorkerRequest) => {
    switch (m.type) {
      case 'touch':
        keeper.touch();
        break;
      case 'search':
        keeper.search(m.query).then(
          (result) => send({ type: 'result', id: m.id, result }),
          (err: Error) => send({ type: 'result', id: m.id, result: null, error: err.message }),
        );
        break;
      case 'status':
        send({ type: 'status', id: m.id, status: keeper.status() });
        break;
      case 'ready':
        void keeper.ready().then((ok) => send({ type: 'ready', id: m.id, ok }));
        break;
      case 'stop':
        void keeper.stop().then(() => port.close());
        break;
    }
  });
}
