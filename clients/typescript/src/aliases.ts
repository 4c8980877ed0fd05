/**
 * The type names `@letmepost/sdk` exports, mapped onto ours, so code written for it compiles
 * here with only the import changed.
 */
import type {
  ApiKey,
  ApiKeyRevoked,
  ConnectResponse,
  CreatedApiKey,
  List,
  Media,
  Page,
  PinterestBoardCreated,
  PinterestBoardList,
  PinterestDefaultBoard,
  Post,
  WebhookEndpoint,
  WebhookEventType,
  WebhookTestResult,
  Account,
} from "./types.js";

export type PostListResponse = Page<Post>;
export type AccountListResponse = List<Account>;
export type ConnectDescriptorResponse = ConnectResponse;
export type PinterestBoardsResponse = PinterestBoardList;
export type CreatePinterestBoardResponse = PinterestBoardCreated;
export type SetPinterestDefaultBoardResponse = PinterestDefaultBoard;
export type ApiKeyListResponse = List<ApiKey>;
export type CreateApiKeyResponse = CreatedApiKey;
export type RevokeApiKeyResponse = ApiKeyRevoked;
export type WebhookEndpointListResponse = List<WebhookEndpoint>;
export type TestWebhookDeliveryRequest = { type?: WebhookEventType; data?: unknown };
export type TestWebhookDeliveryResponse = WebhookTestResult;
export type MediaAsset = Media;
export type MediaListResponse = Page<Media>;

/** Per-platform `targets[].options` (a plain object on the wire; `platform` names the one it is for). */
export type TargetOptions =
  | { platform: "twitter"; replyToTweetId?: string; quoteTweetId?: string }
  | { platform: "pinterest"; boardId?: string; destinationUrl?: string; title?: string; coverImageUrl?: string }
  | { platform: "threads"; replyToId?: string }
  | {
      platform: "tiktok";
      privacy?: "public_to_everyone" | "mutual_follow_friend" | "self_only";
      disableComment?: boolean;
      disableDuet?: boolean;
      disableStitch?: boolean;
      brandContentToggle?: boolean;
      brandOrganicToggle?: boolean;
    }
  | { platform: "bluesky"; replyToUri?: string; replyToCid?: string; replyRootUri?: string; replyRootCid?: string }
  | { platform: "facebook" }
  | { platform: "instagram" }
  | { platform: "linkedin" };
