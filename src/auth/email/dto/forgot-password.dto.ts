import { EmailField } from '../../../users/dto/email.decorator.js';

export class ForgotPasswordDto {
  @EmailField()
  email: string;
}
