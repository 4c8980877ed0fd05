import type { ApiResponse, Query, RequestOptions, Transport } from "./http.js";
import type {
  Account,
  ApiKey,
  ApiKeyRevoked,
  CreateApiKeyRequest,
  CreatedApiKey,
  CreateProfileRequest,
  ListQueueParams,
  Profile,
  ProfileQueue,
  QueueListing,
  UpdateProfileRequest,
  CanceledPost,
  CompleteConnectRequest,
  ConnectRequest,
  ConnectResponse,
  CreatePinterestBoardRequest,
  CreatePostRequest,
  CreatePostResponse,
  CreateWebhookEndpointRequest,
  Deleted,
  List,
  ListDeliveriesParams,
  ListMediaParams,
  ListPostsParams,
  Media,
  Page,
  PinterestBoardCreated,
  PinterestBoardList,
  PinterestDefaultBoard,
  PlatformVersion,
  Post,
  PostDetail,
  PreflightRule,
  UpdateWebhookEndpointRequest,
  ValidatePostResponse,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookEventType,
  WebhookTestResult,
} from "./types.js";

const data = <T>(response: Promise<ApiResponse<T>>): Promise<T> => response.then((r) => r.data);

/** Follow `nextCursor` until the last page, yielding items one by one. */
async function* paginate<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  start: string | undefined,
): AsyncGenerator<T, void, undefined> {
  let cursor = start;
  do {
    const page = await fetchPage(cursor);
    yield* page.data;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

function withIsoDate<T extends { scheduledAt?: string | Date }>(body: T): T {
  return body.scheduledAt instanceof Date
    ? { ...body, scheduledAt: body.scheduledAt.toISOString() }
    : body;
}

export interface CreatePostOptions extends RequestOptions {
  /** Answer 202 at once and publish in the background (`Prefer: respond-async`). */
  respondAsync?: boolean;
  /** Sandbox targets only: force an outcome, e.g. "platform_unavailable". */
  sandboxOutcome?: string;
}

export interface RetryPostOptions extends RequestOptions {
  /**
   * Retry even though the last attempt may have been published (rule publish.outcome_unknown).
   * Check the account on the platform first: retrying could post it twice.
   */
  confirmUnknown?: boolean;
}

export class Posts {
  constructor(private readonly t: Transport) {}

  /** Publish now (default) or schedule (`scheduledAt`) one text to one or more targets. */
  create(body: CreatePostRequest, options: CreatePostOptions = {}): Promise<CreatePostResponse> {
    const { respondAsync, sandboxOutcome, ...rest } = options;
    const headers: Record<string, string> = { ...rest.headers };
    if (respondAsync) headers.Prefer = "respond-async";
    if (sandboxOutcome) headers["Letmepost-Sandbox-Outcome"] = sandboxOutcome;
    return data(
      this.t.operation("createPost", {
        json: withIsoDate(body),
        options: { ...rest, headers },
      }),
    );
  }

  /** Run every preflight rule without publishing; violations come back, not as an error. */
  validate(body: CreatePostRequest, options?: RequestOptions): Promise<ValidatePostResponse> {
    return data(this.t.operation("validatePost", { json: withIsoDate(body), options }));
  }

  /** One page, newest first. */
  list(params: ListPostsParams = {}, options?: RequestOptions): Promise<Page<Post>> {
    return data(this.t.operation("listPosts", { query: params as Query, options }));
  }

  /** Every post matching `params`, fetching pages as the loop goes. */
  iterate(params: ListPostsParams = {}, options?: RequestOptions): AsyncGenerator<Post> {
    return paginate((cursor) => this.list({ ...params, cursor }, options), params.cursor);
  }

  get(postId: string, options?: RequestOptions): Promise<PostDetail> {
    return data(this.t.operation("getPost", { path: { post_id: postId }, options }));
  }

  /** Move a queued post to another time. */
  reschedule(postId: string, scheduledAt: string | Date, options?: RequestOptions): Promise<Post> {
    const when = scheduledAt instanceof Date ? scheduledAt.toISOString() : scheduledAt;
    return data(
      this.t.operation("reschedulePost", {
        path: { post_id: postId },
        json: { scheduledAt: when },
        options,
      }),
    );
  }

  /** Cancel a queued post. */
  cancel(postId: string, options?: RequestOptions): Promise<CanceledPost> {
    return data(this.t.operation("cancelPost", { path: { post_id: postId }, options }));
  }

  /**
   * Publish a failed or rejected post's content again, now, as a new post (same shape as
   * `create`). Every preflight rule runs again. The server refuses (409, ValidationError) a post
   * that is not failed/rejected (rule "post.retry.status"), and one whose last attempt may have
   * landed unless `confirmUnknown` (rule "post.retry.outcome_unknown").
   */
  retry(postId: string, options: RetryPostOptions = {}): Promise<CreatePostResponse> {
    const { confirmUnknown = false, ...rest } = options;
    return data(
      this.t.operation("retryPost", {
        path: { post_id: postId },
        json: { confirmUnknown },
        options: rest,
      }),
    );
  }
}

export interface UploadOptions extends RequestOptions {
  /** Defaults to the Blob's/File's own name, else "upload". */
  filename?: string;
  /** Only informative: the server sniffs the real type from the bytes. */
  contentType?: string;
  profileId?: string;
}

export class MediaResource {
  constructor(private readonly t: Transport) {}

  /** Upload a file (multipart); returns the stored media with its `id` to use in posts. */
  async upload(file: Blob | Uint8Array | ArrayBuffer, options: UploadOptions = {}): Promise<Media> {
    const { filename, contentType, profileId, ...rest } = options;
    const blob =
      file instanceof Blob
        ? file
        : new Blob([file], { type: contentType ?? "application/octet-stream" });
    const name = filename ?? (file as { name?: unknown }).name;
    const form = new FormData();
    form.append("file", blob, typeof name === "string" && name ? name : "upload");
    // Encode the form once so every retry sends the same bytes (and boundary).
    const encoded = new Request("http://form.invalid/", { method: "POST", body: form });
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    const type = encoded.headers.get("content-type") ?? "multipart/form-data";
    return data(
      this.t.operation("createMedia", {
        query: { profileId },
        body: { bytes, contentType: type },
        options: rest,
      }),
    );
  }

  /** Have the server fetch a public http(s) URL and store it. */
  uploadFromUrl(url: string, options: { profileId?: string } & RequestOptions = {}): Promise<Media> {
    const { profileId, ...rest } = options;
    return data(
      this.t.operation("createMedia", { query: { profileId }, json: { url }, options: rest }),
    );
  }

  list(params: ListMediaParams = {}, options?: RequestOptions): Promise<Page<Media>> {
    return data(this.t.operation("listMedia", { query: params as Query, options }));
  }

  iterate(params: ListMediaParams = {}, options?: RequestOptions): AsyncGenerator<Media> {
    return paginate((cursor) => this.list({ ...params, cursor }, options), params.cursor);
  }

  get(mediaId: string, options?: RequestOptions): Promise<Media> {
    return data(this.t.operation("getMedia", { path: { media_id: mediaId }, options }));
  }

  delete(mediaId: string, options?: RequestOptions): Promise<Deleted> {
    return data(this.t.operation("deleteMedia", { path: { media_id: mediaId }, options }));
  }
}

export class Accounts {
  constructor(private readonly t: Transport) {}

  list(params: { profileId?: string } = {}, options?: RequestOptions): Promise<List<Account>> {
    return data(this.t.operation("listAccounts", { query: params, options }));
  }

  get(accountId: string, options?: RequestOptions): Promise<Account> {
    return data(this.t.operation("getAccount", { path: { account_id: accountId }, options }));
  }

  /** Start connecting: an OAuth URL to open, or the credential fields complete() needs. */
  connect(platform: string, body: ConnectRequest = {}, options?: RequestOptions): Promise<ConnectResponse> {
    return data(this.t.operation("connectAccount", { path: { platform }, json: body, options }));
  }

  /** Finish connecting with the provider's fields (e.g. `{handle}` for the sandbox). */
  complete(platform: string, body: CompleteConnectRequest, options?: RequestOptions): Promise<Account> {
    return data(this.t.operation("completeConnect", { path: { platform }, json: body, options }));
  }

  /** `complete` under `@letmepost/sdk`'s name. */
  completeConnect(platform: string, body: CompleteConnectRequest, options?: RequestOptions): Promise<Account> {
    return this.complete(platform, body, options);
  }

  /** Remove the account and its stored token (the platform-side grant is not revoked). */
  disconnect(accountId: string, options?: RequestOptions): Promise<Deleted> {
    return data(
      this.t.operation("disconnectAccount", { path: { account_id: accountId }, options }),
    );
  }

  /** `disconnect` under `@letmepost/sdk`'s name; works with an API key here. */
  delete(accountId: string, options?: RequestOptions): Promise<Deleted> {
    return this.disconnect(accountId, options);
  }

  listPinterestBoards(accountId: string, options?: RequestOptions): Promise<PinterestBoardList> {
    return data(
      this.t.operation("listPinterestBoards", { path: { account_id: accountId }, options }),
    );
  }

  createPinterestBoard(
    accountId: string,
    body: CreatePinterestBoardRequest,
    options?: RequestOptions,
  ): Promise<PinterestBoardCreated> {
    return data(
      this.t.operation("createPinterestBoard", {
        path: { account_id: accountId },
        json: body,
        options,
      }),
    );
  }

  /** `createPinterestBoard` under `@letmepost/sdk`'s name. */
  addPinterestBoard(
    accountId: string,
    body: CreatePinterestBoardRequest,
    options?: RequestOptions,
  ): Promise<PinterestBoardCreated> {
    return this.createPinterestBoard(accountId, body, options);
  }

  /** `board` is the id, or `{ boardId }` as `@letmepost/sdk` passes it. */
  setPinterestDefaultBoard(
    accountId: string,
    board: string | { boardId: string },
    options?: RequestOptions,
  ): Promise<PinterestDefaultBoard> {
    const boardId = typeof board === "string" ? board : board.boardId;
    return data(
      this.t.operation("setPinterestDefaultBoard", {
        path: { account_id: accountId },
        json: { boardId },
        options,
      }),
    );
  }
}

export class WebhookEndpoints {
  constructor(private readonly t: Transport) {}

  list(options?: RequestOptions): Promise<List<WebhookEndpoint>> {
    return data(this.t.operation("listWebhookEndpoints", { options }));
  }

  /** The answer carries `signingSecret` (whsec_…): store it, it is not shown again. */
  create(body: CreateWebhookEndpointRequest, options?: RequestOptions): Promise<WebhookEndpointWithSecret> {
    return data(this.t.operation("createWebhookEndpoint", { json: body, options }));
  }

  get(endpointId: string, options?: RequestOptions): Promise<WebhookEndpoint> {
    return data(
      this.t.operation("getWebhookEndpoint", { path: { endpoint_id: endpointId }, options }),
    );
  }

  update(endpointId: string, body: UpdateWebhookEndpointRequest, options?: RequestOptions): Promise<WebhookEndpoint> {
    return data(
      this.t.operation("updateWebhookEndpoint", {
        path: { endpoint_id: endpointId },
        json: body,
        options,
      }),
    );
  }

  delete(endpointId: string, options?: RequestOptions): Promise<Deleted> {
    return data(
      this.t.operation("deleteWebhookEndpoint", { path: { endpoint_id: endpointId }, options }),
    );
  }

  /**
   * Send a signed test event now and report what the receiver answered. `event` is the body, or
   * just the event type as `@letmepost/sdk` passes it.
   */
  test(
    endpointId: string,
    event: WebhookEventType | { type?: WebhookEventType; data?: unknown } = {},
    options?: RequestOptions,
  ): Promise<WebhookTestResult> {
    return data(
      this.t.operation("testWebhookEndpoint", {
        path: { endpoint_id: endpointId },
        json: typeof event === "string" ? { type: event } : event,
        options,
      }),
    );
  }

  deliveries(
    endpointId: string,
    params: ListDeliveriesParams = {},
    options?: RequestOptions,
  ): Promise<Page<WebhookDelivery>> {
    return data(
      this.t.operation("listWebhookDeliveries", {
        path: { endpoint_id: endpointId },
        query: params as Query,
        options,
      }),
    );
  }

  iterateDeliveries(
    endpointId: string,
    params: ListDeliveriesParams = {},
    options?: RequestOptions,
  ): AsyncGenerator<WebhookDelivery> {
    return paginate(
      (cursor) => this.deliveries(endpointId, { ...params, cursor }, options),
      params.cursor,
    );
  }

  /** Deliver an earlier event again (same event id, new delivery). */
  replay(endpointId: string, eventId: string, options?: RequestOptions): Promise<WebhookDelivery> {
    return data(
      this.t.operation("replayWebhookEvent", {
        path: { endpoint_id: endpointId, event_id: eventId },
        options,
      }),
    );
  }

  /** A new secret, effective at once; the answer carries it. */
  rotateSecret(endpointId: string, options?: RequestOptions): Promise<WebhookEndpointWithSecret> {
    return data(
      this.t.operation("rotateWebhookEndpointSecret", {
        path: { endpoint_id: endpointId },
        options,
      }),
    );
  }
}

/** Workspace profiles; a profile-scoped key sees only its own. */
export class Profiles {
  constructor(private readonly t: Transport) {}

  list(options?: RequestOptions): Promise<List<Profile>> {
    return data(this.t.operation("listProfiles", { options }));
  }

  create(body: CreateProfileRequest, options?: RequestOptions): Promise<Profile> {
    return data(this.t.operation("createProfile", { json: body, options }));
  }

  get(profileId: string, options?: RequestOptions): Promise<Profile> {
    return data(this.t.operation("getProfile", { path: { profile_id: profileId }, options }));
  }

  update(profileId: string, body: UpdateProfileRequest, options?: RequestOptions): Promise<Profile> {
    return data(
      this.t.operation("updateProfile", { path: { profile_id: profileId }, json: body, options }),
    );
  }

  /** Deletes the profile with its accounts, posts and media. */
  delete(profileId: string, options?: RequestOptions): Promise<Deleted> {
    return data(this.t.operation("deleteProfile", { path: { profile_id: profileId }, options }));
  }
}

/** Posting queues: a profile's weekly slots, taken by posts with `scheduledAt: "next_slot"`. */
export class Queues {
  constructor(private readonly t: Transport) {}

  get(profileId: string, options?: RequestOptions): Promise<ProfileQueue> {
    return data(this.t.operation("getProfileQueue", { path: { profile_id: profileId }, options }));
  }

  /** Replaces the profile's queue. */
  set(profileId: string, body: ProfileQueue, options?: RequestOptions): Promise<ProfileQueue> {
    return data(
      this.t.operation("setProfileQueue", { path: { profile_id: profileId }, json: body, options }),
    );
  }

  /** The upcoming slot instants and the posts holding them. */
  list(params: ListQueueParams = {}, options?: RequestOptions): Promise<QueueListing> {
    return data(this.t.operation("listQueue", { query: params as Query, options }));
  }
}

/** API keys (admin keys only); a test key mints and sees test keys only. */
export class ApiKeys {
  constructor(private readonly t: Transport) {}

  list(options?: RequestOptions): Promise<List<ApiKey>> {
    return data(this.t.operation("listApiKeys", { options }));
  }

  /** The answer's `key` is the secret: shown only here. */
  create(body: CreateApiKeyRequest, options?: RequestOptions): Promise<CreatedApiKey> {
    return data(this.t.operation("createApiKey", { json: body, options }));
  }

  /** Revoke: the key stops working at once. */
  delete(keyId: string, options?: RequestOptions): Promise<ApiKeyRevoked> {
    return data(this.t.operation("revokeApiKey", { path: { key_id: keyId }, options }));
  }
}

export class Reference {
  constructor(private readonly t: Transport) {}

  preflightRules(params: { platform?: string } = {}, options?: RequestOptions): Promise<List<PreflightRule>> {
    return data(this.t.operation("listPreflightRules", { query: params, options }));
  }

  platformVersions(options?: RequestOptions): Promise<List<PlatformVersion>> {
    return data(this.t.operation("listPlatformVersions", { options }));
  }
}
