import { type ApiResponse, type ClientOptions, type Query, type RequestOptions, Transport } from "./http.js";
import { Accounts, MediaResource, Posts, Reference, WebhookEndpoints } from "./resources.js";

/**
 * The letmepost API client.
 *
 *     const lmp = new Letmepost({ apiKey: process.env.LETMEPOST_API_KEY, baseUrl: "http://127.0.0.1:8000" });
 *     const batch = await lmp.posts.create({ text: "Hello", targets: [{ platform: "bluesky" }] });
 */
export class Letmepost {
  readonly posts: Posts;
  readonly media: MediaResource;
  readonly accounts: Accounts;
  readonly webhookEndpoints: WebhookEndpoints;
  readonly reference: Reference;
  private readonly transport: Transport;

  constructor(options: ClientOptions = {}) {
    this.transport = new Transport(options);
    this.posts = new Posts(this.transport);
    this.media = new MediaResource(this.transport);
    this.accounts = new Accounts(this.transport);
    this.webhookEndpoints = new WebhookEndpoints(this.transport);
    this.reference = new Reference(this.transport);
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
