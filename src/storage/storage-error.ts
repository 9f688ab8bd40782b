// Errors the storages raise, with stable codes the scrape loop and API count and report.

import { VigilError } from '../model/errors.js';

export type StorageErrorCode =
  | 'out_of_order_sample'
  | 'duplicate_sample_for_timestamp'
  | 'too_old_sample'
  | 'out_of_bounds'
  | 'bad_labels'
  | 'closed'
  | 'corruption'
  | 'io';

export class StorageError extends VigilError {
  declare readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'StorageError';
  }
}
