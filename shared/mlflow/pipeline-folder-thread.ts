/** Thread entry of materialisePipelineFolder: exports one pipeline JSON (workerData) and posts the files. */
import { parentPort, workerData } from 'node:worker_threads';
import { pipelineFolderFiles } from './pipeline-folder.js';

try {
  const files = pipelineFolderFiles(JSON.parse(Buffer.from(workerData as Uint8Array).toString('utf8')));
  parentPort!.postMessage({ files });
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
