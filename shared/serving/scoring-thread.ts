/**
 * Entry point of the scoring thread (see scoring-pool.ts): scores one request per message with a
 * cached pipeline and answers `{id, answer}`, `{id, needArtifact}` when it does not hold the model,
 * or `{id, error}` with the error's code, message, location and details.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SweepqError } from '../errors/index.js';
import { Scorer } from './scorer.js';
import { ScorerCache } from './scorer-cache.js';
import { SCORING_THREAD_READY, type ScoreFailure, type ScoreMessage, type ScoreReply, type ScoringThreadData } from './scoring-pool.js';

const cache = new ScorerCache((workerData as ScoringThreadData).cacheModels);

function reply(message: ScoreMessage): ScoreReply {
  try {
    // A request may carry an artefact the thread loaded meanwhile (it queued behind the first one).
    let scorer = cache.get(message.key);
    if (scorer === undefined) {
      if (message.artifact === undefined) return { id: message.id, needArtifact: true };
      scorer = Scorer.fromArtifact(message.artifact, `artefact ${message.key}`);
      cache.set(message.key, scorer);
    }
    return {
      id: message.id,
      answer: scorer.score({ body: message.body, contentType: message.contentType, proba: message.proba }, { maxRows: message.maxRows }),
    };
  } catch (error) {
    // An unexpected error is a bug: its message goes to the scheduler's log (5xx answers are generic).
    const known =
      error instanceof SweepqError ? error : new SweepqError('INTERNAL', `scoring thread: ${error instanceof Error ? error.message : String(error)}`);
    // Details are plain data; a JSON round trip guarantees they clone.
    return { id: message.id, error: JSON.parse(JSON.stringify(known.toJSON())) as ScoreFailure };
  }
}

parentPort?.on('message', (message: ScoreMessage) => {
  parentPort?.postMessage(reply(message));
});
parentPort?.postMessage(SCORING_THREAD_READY);
