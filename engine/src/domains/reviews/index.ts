import type { DomainMount, Platform } from '../../platform/domain.js';
import { ReviewsService } from './reviews.service.js';

export { ReviewsService } from './reviews.service.js';

export interface ReviewsDomain extends DomainMount {
  reviews: ReviewsService;
}

/** Scores customers give after a conversation; no routes of their own until the reviews feature. */
export function createReviewsDomain(platform: Platform): ReviewsDomain {
  return { reviews: new ReviewsService(platform.db) };
}
