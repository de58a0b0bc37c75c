export { TemplatesService } from './templates.service.js';
