import { NewPasswordField } from '../../../users/dto/password.decorator.js';
import { LinkTokenDto } from './link-token.dto.js';

export class ResetPasswordDto extends LinkTokenDto {
  @NewPasswordField()
  newPassword: string;
}
