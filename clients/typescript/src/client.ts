import {
  type ApiResponse,
  type ClientOptions,
  type HttpRequest,
  type Query,
  type RequestOptions,
  Transport,
} from "./http.js";
import {
  Accounts,
  ApiKeys,
  MediaResource,
  Posts,
  Profiles,
  Queues,
  Reference,
  WebhookEndpoints,
} from "./resources.js";

/**
 * The letmepost API client. Code written for `@letmepost/sdk` runs unchanged (only the import
 * differs): its resources, method names, arguments and error classes are all here.
 *
 *     const lmp = new Letmepost({ apiKey: process.env.LETMEPOST_API_KEY, baseUrl: "http://127.0.0.1:8000" });
 *     const batch = await lmp.posts.create({ text: "Hello", targets: [{ platform: "bluesky" }] });
 */
export class Letmepost {
  readonly posts: Posts;
  readonly media: MediaResource;
  readonly accounts: Accounts;
  readonly webhookEndpoints: WebhookEndpoints;
  /** The same resource as `webhookEndpoints`, under `@letmepost/sdk`'s name. */
  readonly webhooks: WebhookEndpoints;
  readonly apiKeys: ApiKeys;
  readonly profiles: Profiles;
  readonly queues: Queues;
  readonly reference: Reference;
  /** `@letmepost/sdk`'s raw call: `lmp.http.request({ method, path, query, body }, options)` → the parsed body. */
  readonly http: { request<T = unknown>(req: HttpRequest, options?: RequestOptions): Promise<T> };
  private readonly transport: Transport;

  constructor(options: ClientOptions = {}) {
    const transport = new Transport(options);
    this.transport = transport;
    this.posts = new Posts(transport);
    this.media = new MediaResource(transport);
    this.accounts = new Accounts(transport);
    this.webhookEndpoints = new WebhookEndpoints(transport);
    this.webhooks = this.webhookEndpoints;
    this.apiKeys = new ApiKeys(transport);
    this.profiles = new Profiles(transport);
    this.queues = new Queues(transport);
    this.reference = new Reference(transport);
    this.http = {
      request: <T>(req: HttpRequest, options?: RequestOptions) =>
        transport
          .request<T>(req.method, req.path, { query: req.query, json: req.body, options })
          .then((r) => r.data),
    };
  }

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /**
   * Any API call, with the same auth, idempotency and retry handling, returning status and
   * headers too (e.g. `replayed`). For operations the SDK does not wrap.
   */
  request<T = unknown>(
    method: string,
    path: string,
    call: { query?: Query; json?: unknown; options?: RequestOptions } = {},
  ): Promise<ApiResponse<T>> {
    return this.transport.request<T>(method, path, call);
  }
}
