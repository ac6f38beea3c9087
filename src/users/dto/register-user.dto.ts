import { DisplayNameField } from './display-name.decorator.js';
import { EmailField } from './email.decorator.js';
import { NewPasswordField } from './password.decorator.js';

export class RegisterUserDto {
  @EmailField()
  email: string;

  @NewPasswordField()
  password: string;

  @DisplayNameField()
  displayName?: string;
}
