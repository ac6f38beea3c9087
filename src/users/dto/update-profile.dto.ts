import { DisplayNameField } from './display-name.decorator.js';

export class UpdateProfileDto {
  @DisplayNameField()
  displayName?: string;
}
