import type { Scope } from '../../users/scopes.js';
import { ClientNameField, ScopesField } from './client-name.decorator.js';

export class CreateClientDto {
  @ClientNameField()
  name: string;

  /** What its tokens may do; a token request may ask for a subset. */
  @ScopesField()
  scopes: Scope[];
}
