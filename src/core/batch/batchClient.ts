// The remote side of a batch execution: the OpenAI Files and Batches endpoints of a model's base
// URL, through the openai SDK. Every step is one SDK call, retried by the SDK on connection errors,
// 408/409/429 and 5xx (it waits what the server asks) — except creating a batch, which is sent
// once: a create whose answer was lost may have created the batch, and sending it again would pay
// for the shard twice. The executor then looks the batch up by its input file (findByInputFile).
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { APIUserAbortError, toStreamingFile, type OpenAI } from 'openai';
import type { Batch, BatchCreateParams } from 'openai/resources/batches';
import { abortReason } from '../llm/abort';
import type { ModelSpec } from '../llm/modelSpec';
import { createSdkClient, streamingFetch } from '../llm/openaiClient';
import { accountFromEnv, azureApiVersion } from '../llm/openaiEndpoint';
import { UserError } from '../util/errors';
import type { BatchUrl } from './batchLines';

/** The statuses of the Batch API (docs/batch.md). */
export type RemoteStatus = Batch['status'];

/** The statuses after which a batch changes no more. */
const FINAL_STATUSES: readonly string[] = ['completed', 'failed', 'expired', 'cancelled'] satisfies RemoteStatus[];

/** Whether a batch in this status changes no more. */
export function isFinal(status: string): boolean {
  return FINAL_STATUSES.includes(status);
}

export interface RemoteBatch {
  id: string;
  status: RemoteStatus;
  inputFileId: string;
  outputFileId?: string;
  errorFileId?: string;
  counts: { total: number; completed: number; failed: number };
  /** Why a failed batch failed, in the API's words. */
  errors?: string;
}

export interface BatchClient {
  /** Uploads a shard file with purpose `batch`; resolves with the file id. */
  upload(file: string, name: string, signal: AbortSignal): Promise<string>;
  /** Creates a batch over an uploaded file, in one attempt. */
  create(inputFileId: string, endpoint: BatchUrl, metadata: Record<string, string>, signal: AbortSignal): Promise<RemoteBatch>;
  retrieve(id: string, signal: AbortSignal): Promise<RemoteBatch>;
  cancel(id: string, signal: AbortSignal): Promise<RemoteBatch>;
  /** The batch made from this input file, if any (every page of the list is read). */
  findByInputFile(inputFileId: string, signal: AbortSignal): Promise<RemoteBatch | undefined>;
  /** Streams a file's content to `to`, whole or not at all (a temporary file renamed into place). */
  download(fileId: string, to: string, signal: AbortSignal): Promise<void>;
}

/** Retries of the SDK for the management calls other than create. */
const MANAGEMENT_RETRIES = 4;
/** The SDK's timer per management call (an upload of 200 MB included). */
const MANAGEMENT_TIMEOUT_MS = 10 * 60_000;

type HttpSpec = Extract<ModelSpec, { backend: 'openai' }>;

/**
 * The one endpoint a model's batches go to. Batches live on the server they were submitted to: a
 * spec with several endpoints is a usage error (the CLI checks it before a run folder exists).
 */
export function batchEndpointOf(spec: HttpSpec): string {
  if (spec.baseUrls.length > 1) throw new UserError(`--executor batch submits to one endpoint; ${spec.model} names ${spec.baseUrls.length} (${spec.baseUrls.join(', ')}): name one base URL`, 2);
  return spec.baseUrls[0];
}

export function createBatchClient(spec: HttpSpec, apiKey: string | undefined): BatchClient {
  const baseUrl = batchEndpointOf(spec);
  const sdk: OpenAI = createSdkClient(
    {
      baseUrl,
      // Azure's Files and Batches endpoints belong to the resource (`/openai/files`, `/openai/batches`),
      // not to a deployment: the client names none, and each line's body names it as `model`.
      ...(spec.provider === 'azure' ? { azure: { apiVersion: spec.apiVersion ?? azureApiVersion() } } : {}),
      ...(apiKey ? { apiKey, ...accountFromEnv() } : {}),
    },
    streamingFetch(),
    { maxRetries: MANAGEMENT_RETRIES, timeout: MANAGEMENT_TIMEOUT_MS },
  );
  const where = baseUrl;
  const redact = (text: string): string => (apiKey ? text.split(apiKey).join('***') : text);

  /** One SDK call; a failure becomes a UserError naming the step and the endpoint. */
  async function step<T>(what: string, signal: AbortSignal, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (signal.aborted || err instanceof APIUserAbortError) throw abortReason(signal);
      throw new UserError(`${what} at ${where} failed: ${redact(err instanceof Error ? err.message : String(err))}`);
    }
  }

  return {
    upload: (file, name, signal) =>
      // Streamed as it is sent: toFile would read the whole shard (up to 200 MB) into memory first.
      step(`uploading ${name}`, signal, async () => (await sdk.files.create({ file: toStreamingFile(createReadStream(file), name), purpose: 'batch' }, { signal })).id),
    create: (inputFileId, endpoint, metadata, signal) =>
      step(`creating a batch of ${inputFileId}`, signal, async () =>
        // The SDK's type knows OpenAI's `/v1/…` names only; Azure's are the same without `/v1`.
        remote(await sdk.batches.create({ input_file_id: inputFileId, endpoint: endpoint as BatchCreateParams['endpoint'], completion_window: '24h', metadata }, { signal, maxRetries: 0 })),
      ),
    retrieve: (id, signal) => step(`asking for batch ${id}`, signal, async () => remote(await sdk.batches.retrieve(id, { signal }))),
    cancel: (id, signal) => step(`cancelling batch ${id}`, signal, async () => remote(await sdk.batches.cancel(id, { signal }))),
    findByInputFile: (inputFileId, signal) =>
      step('listing the batches', signal, async () => {
        for await (const batch of sdk.batches.list({ limit: 100 }, { signal })) if (batch.input_file_id === inputFileId) return remote(batch);
        return undefined;
      }),
    download: (fileId, to, signal) =>
      step(`downloading file ${fileId}`, signal, async () => {
        const answer = await sdk.files.content(fileId, { signal });
        // One writer (the run's lock): a download cut short by a kill is overwritten by the next.
        const tmp = `${to}.tmp`;
        try {
          if (!answer.body) throw new Error('the answer has no body');
          await pipeline(Readable.fromWeb(answer.body as WebReadableStream<Uint8Array>), createWriteStream(tmp, { flush: true }), { signal });
          await rename(tmp, to);
        } catch (err) {
          await rm(tmp, { force: true });
          throw err;
        }
      }),
  };
}

function remote(batch: Batch): RemoteBatch {
  const errors = batch.errors?.data?.map((e) => [e.line ? `line ${e.line}` : '', e.code, e.message].filter(Boolean).join(': ')).join('; ');
  return {
    id: batch.id,
    status: batch.status,
    inputFileId: batch.input_file_id,
    ...(batch.output_file_id ? { outputFileId: batch.output_file_id } : {}),
    ...(batch.error_file_id ? { errorFileId: batch.error_file_id } : {}),
    counts: { total: batch.request_counts?.total ?? 0, completed: batch.request_counts?.completed ?? 0, failed: batch.request_counts?.failed ?? 0 },
    ...(errors ? { errors } : {}),
  };
}
