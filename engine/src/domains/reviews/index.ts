export { ReviewsService } from './reviews.service.js';
